// Must not compile: tms::train given a bare matrix instead of a model (it takes only a tms::toy_model).
// expect: toy_model<Model>
#include <tms/models/linear_model.hpp>
#include <tms/optim/trainer.hpp>
#include <tms/sampling/importance.hpp>
#include <tms/sampling/sparse_feature_sampler.hpp>

int main() {
    const tms::SparseFeatureSampler<float> data(20, 0.1);
    Eigen::MatrixXf weights(5, 20);
    (void)tms::train(weights, data, tms::uniform_importance<float>(20));
    return 0;
}
