// The README's quick start: train a ReLU output model in superposition and look at it.
#include <iostream>

#include <tms/core.hpp>  // everything but the sweep and experiment drivers; tms/tms.hpp has those too (+10 s compile)

int main() {
    tms::ReluOutputModelXf model(20, 5);  // n = 20 features, m = 5 hidden dimensions (or ReluOutputModel<float, 20, 5>)
    tms::initialize(model, /*seed=*/0);
    const tms::SparseFeatureSampler<float> data(20, /*probability=*/0.01);
    const auto importance = tms::geometric_importance<float>(20, 0.7);  // I_i = 0.7^i

    tms::TrainOptions options;  // AdamW, lr 1e-3, batch 1024
    options.steps = 5'000;
    const tms::TrainReport report = tms::train(model, data, importance, options);

    std::cout << "final loss " << report.final_loss << "\n"
              << "feature norms ||W_i||  " << tms::feature_norms(model).transpose() << "\n"
              << "superposition          " << tms::superposition(model).transpose() << "\n"
              << "W^T W\n" << tms::gram(model).format(Eigen::IOFormat(2)) << "\n";
    return tms::represented_features(model) > 5 ? 0 : 1;  // sparse features: more than m represented
}
