// Must not compile: a float sampler asked to fill a double batch (no silent conversion of the data).
// expect: the batch must have the sampler's scalar type
#include <tms/sampling/sparse_feature_sampler.hpp>

int main() {
    const tms::SparseFeatureSampler<float> sampler(20, 0.1);
    tms::RandomEngine engine(1);
    Eigen::MatrixXd batch(20, 8);
    sampler.sample(engine, batch);
    return static_cast<int>(batch.cols());
}
