// A custom feature_sampler (docs/samplers.md): exponentially distributed magnitudes that keep the sparse fast path.
//
// The presence pattern comes from SparseFeatureSampler::sample_sparse, which stores only the present features with
// a value u uniform on [0, 1); the inverse CDF −μ·log(1 − u) turns each stored u into an exponential magnitude of
// mean μ. The cost stays proportional to the nonzeros, and the Trainer uses the sparse tiles because the sampler
// provides sample_sparse and mean_probability.
#include <cmath>
#include <iostream>

#include <tms/core.hpp>

template <tms::real_scalar Scalar_>
class ExponentialFeatureSampler {
public:
    using Scalar = Scalar_;

    /// \p features features, each present with \p probability, with exponential magnitude of mean \p mean.
    ExponentialFeatureSampler(tms::Index features, double probability, double mean)
        : presence_(features, probability), mean_(static_cast<Scalar>(mean)) {
        if (!(mean > 0.0)) throw std::invalid_argument("exponential mean must be positive");
    }

    [[nodiscard]] tms::Index features() const noexcept { return presence_.features(); }
    /// The expected fraction of nonzeros: lets the Trainer pick sparse tiles.
    [[nodiscard]] double mean_probability() const noexcept { return presence_.mean_probability(); }

    /// The sparse fast path: only present features are drawn and transformed.
    void sample_sparse(tms::RandomEngine& engine, tms::Index samples, tms::SparseBatch<Scalar>& batch) const {
        presence_.sample_sparse(engine, samples, batch);
        for (Scalar& value : batch.values) value = -mean_ * std::log1p(-value);
    }

    /// The dense form required by tms::feature_sampler: the same draw as sample_sparse, scattered.
    template <class Derived>
    void sample(tms::RandomEngine& engine, Eigen::PlainObjectBase<Derived>& batch) const {
        tms::SparseBatch<Scalar> sparse;
        sample_sparse(engine, batch.cols(), sparse);
        batch.derived() = sparse.to_dense();
    }

private:
    tms::SparseFeatureSampler<Scalar> presence_;
    Scalar mean_;
};

static_assert(tms::feature_sampler<ExponentialFeatureSampler<float>>,
              "a custom sampler needs Scalar, features() and sample(engine, batch)");

int main() {
    constexpr tms::Index n = 20;
    const ExponentialFeatureSampler<float> data(n, /*probability=*/0.05, /*mean=*/0.5);

    // The sparse and dense draws agree for one engine state, and the magnitudes have the requested mean.
    tms::RandomEngine sparse_engine(3), dense_engine(3);
    tms::SparseBatch<float> sparse;
    data.sample_sparse(sparse_engine, 20'000, sparse);
    tms::MatrixX<float> dense(n, 20'000);
    data.sample(dense_engine, dense);
    const double mean = Eigen::Map<const Eigen::VectorXf>(sparse.values.data(), sparse.nonzeros()).cast<double>().mean();
    std::cout << "nonzeros " << sparse.nonzeros() << " (expected " << 0.05 * n * 20'000 << "), mean magnitude " << mean
              << "\n";

    tms::ReluOutputModel<float> model(n, 5);
    tms::initialize(model, /*seed=*/0);
    tms::TrainOptions options;
    options.steps = 3'000;
    const auto importance = tms::geometric_importance<float>(n, 0.9);
    const tms::TrainReport report = tms::train(model, data, importance, options);
    std::cout << "loss " << report.loss_history.front().loss << " -> " << report.final_loss << ", represented "
              << tms::represented_features(model) << " of " << n << " features in 5 dimensions\n";

    const bool same_draw = dense == sparse.to_dense();
    // About 20,000 magnitudes of standard deviation 0.5: standard error 0.0035, so 0.02 is over 5 of them.
    const bool mean_ok = std::abs(mean - 0.5) < 0.02;
    const bool learned = report.final_loss < 0.5 * report.loss_history.front().loss;
    return same_draw && mean_ok && learned ? 0 : 1;
}
