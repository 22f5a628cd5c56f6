// A data distribution of your own: any type with `Scalar`, `features()` and `sample(engine, batch)` is a
// tms::feature_sampler that tms::train accepts. Here features come in correlated pairs (both present or both absent,
// probability p per pair), the setting of the paper's section on correlated features; the model tends to put a
// pair's features orthogonal to each other rather than antipodal.
#include <cstdio>

#include <tms/tms.hpp>

/// Features 2k and 2k+1 are present together with probability p, each with its own value uniform on [0, 1).
class CorrelatedPairsSampler {
public:
    using Scalar = float;

    CorrelatedPairsSampler(tms::Index features, double probability) : features_(features), probability_(probability) {
        if (features % 2 != 0) throw std::invalid_argument("CorrelatedPairsSampler: an even number of features, got " +
                                                           std::to_string(features));
    }

    [[nodiscard]] tms::Index features() const noexcept { return features_; }

    /// Fills every column of \p batch (features × samples) with one sample; called per tile of the batch.
    void sample(tms::RandomEngine& engine, tms::MatrixX<float>& batch) const {
        for (tms::Index s = 0; s < batch.cols(); ++s)
            for (tms::Index pair = 0; pair < features_ / 2; ++pair) {
                const bool present = engine.uniform<double>() < probability_;
                batch(2 * pair, s) = present ? engine.uniform<float>() : 0.0f;
                batch(2 * pair + 1, s) = present ? engine.uniform<float>() : 0.0f;
            }
    }

private:
    tms::Index features_;
    double probability_;
};
static_assert(tms::feature_sampler<CorrelatedPairsSampler>);

int main() {
    tms::ReluOutputModelXf model(8, 3);
    tms::initialize(model, 0);
    const CorrelatedPairsSampler data(8, 0.05);
    tms::TrainOptions options;
    options.steps = 3'000;
    options.learning_rate = 3e-3;
    const tms::TrainReport report = tms::train(model, data, tms::uniform_importance<float>(8), options);

    const Eigen::MatrixXf gram = tms::gram(model);
    std::printf("final loss %.5f, %lld of 8 features represented\nW^T W:\n", report.final_loss,
                static_cast<long long>(tms::represented_features(model)));
    for (tms::Index i = 0; i < 8; ++i) {
        for (tms::Index j = 0; j < 8; ++j) std::printf("%6.2f", gram(i, j));
        std::printf("\n");
    }
    return report.final_loss < 0.1 && tms::represented_features(model) >= 3 ? 0 : 1;
}
