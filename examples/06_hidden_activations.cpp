// The hidden layer: model.hidden(x) gives each model's hidden activations (W x for the linear and ReLU-output models,
// ReLU(W x) for the ReLU-hidden model, ReLU(W1 x) for the abs-value model), here used to see which neurons each
// feature turns on in a model with a privileged basis.
#include <cstdio>

#include <tms/core.hpp>

int main() {
    tms::ReluHiddenModelXf model(12, 4);
    tms::initialize(model, 2);
    tms::TrainOptions options;
    options.steps = 3'000;
    options.learning_rate = 3e-3;
    tms::train(model, tms::SparseFeatureSampler<float>(12, 0.05), tms::geometric_importance<float>(12, 0.9), options);

    // One-hot inputs: column i holds feature i alone at value 1, so column i of h is feature i's neuron pattern.
    const Eigen::MatrixXf one_hot = Eigen::MatrixXf::Identity(12, 12);
    const Eigen::MatrixXf h = model.hidden(one_hot);  // 4 × 12
    std::printf("hidden activations for each feature alone (rows: neurons, columns: features)\n");
    for (tms::Index j = 0; j < h.rows(); ++j) {
        for (tms::Index i = 0; i < h.cols(); ++i) std::printf("%5.2f", h(j, i));
        std::printf("\n");
    }
    const auto counts = tms::count_neurons(model);
    std::printf("neurons: %lld monosemantic, %lld polysemantic, %lld dead\n",
                static_cast<long long>(counts.monosemantic), static_cast<long long>(counts.polysemantic),
                static_cast<long long>(counts.dead));
    // ReLU(W x): non-negative, and equal to W x wherever W x is positive.
    const Eigen::MatrixXf pre = model.W() * one_hot;
    return (h.array() >= 0).all() && ((pre.array() > 0).select(pre, 0.0f) - h).norm() < 1e-6f ? 0 : 1;
}
