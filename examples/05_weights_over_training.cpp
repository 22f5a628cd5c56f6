// Watching the weights evolve: the callback sees the model at step 0 and every callback_every steps, so the feature
// norms ||W_i|| can be recorded over training (how features enter superposition one by one).
#include <cstdio>
#include <vector>

#include <tms/core.hpp>

int main() {
    tms::ReluOutputModelXf model(10, 3);
    tms::initialize(model, 1);
    const tms::SparseFeatureSampler<float> data(10, 0.05);
    tms::TrainOptions options;
    options.steps = 2'000;
    options.learning_rate = 3e-3;
    options.callback_every = 250;

    std::vector<std::int64_t> steps;
    std::vector<Eigen::VectorXf> norms;
    tms::train(model, data, tms::geometric_importance<float>(10, 0.8), options,
               [&](const tms::TrainingProgress& progress, const tms::ReluOutputModelXf& current) {
                   steps.push_back(progress.step);
                   norms.push_back(tms::feature_norms(current));  // a snapshot; current.W() would do for W
               });

    for (std::size_t k = 0; k < steps.size(); ++k) {
        std::printf("step %5lld  ||W_i||:", static_cast<long long>(steps[k]));
        for (const float norm : norms[k]) std::printf(" %.2f", norm);
        std::printf("\n");
    }
    // Snapshots at 0, 250, ..., 2000; the weights moved.
    return steps.size() == 9 && steps.front() == 0 && (norms.back() - norms.front()).norm() > 0.1f ? 0 : 1;
}
