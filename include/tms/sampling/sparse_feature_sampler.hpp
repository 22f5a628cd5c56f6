#pragma once
/// \file sampling/sparse_feature_sampler.hpp
/// The paper's synthetic data: each feature present with probability p_i = 1 − S_i, uniform when present.

#include <Eigen/Core>

#include "../detail/validate.hpp"
#include "../fwd.hpp"
#include "random_engine.hpp"

namespace tms {

/// The interval a present feature's value is drawn from.
enum class FeatureRange {
    unit,       ///< [0, 1): the reconstruction tasks
    symmetric,  ///< [-1, 1): the absolute-value task
};

/// Samples batches of sparse features: x_i = 0 with probability 1 − p_i, else uniform on the range.
template <real_scalar Scalar_>
class SparseFeatureSampler {
public:
    using Scalar = Scalar_;

    /// Every one of \p features features present with the same probability.
    /// \throws std::invalid_argument for zero features or a probability outside [0, 1].
    SparseFeatureSampler(Index features, double probability, FeatureRange range = FeatureRange::unit)
        : range_(range) {
        detail::require_positive_size(features, "features (n)");
        detail::require_probability(probability, "feature probability");
        probabilities_ = VectorX<Scalar>::Constant(features, static_cast<Scalar>(probability));
    }

    /// Feature i present with probability \p probabilities[i].
    template <class Derived>
    explicit SparseFeatureSampler(const Eigen::MatrixBase<Derived>& probabilities,
                                  FeatureRange range = FeatureRange::unit)
        : range_(range) {
        detail::require(probabilities.cols() == 1, "feature probabilities must be a column vector, got ",
                        probabilities.rows(), "x", probabilities.cols());
        detail::require_positive_size(probabilities.rows(), "features (n)");
        for (Index i = 0; i < probabilities.rows(); ++i)
            detail::require_probability(static_cast<double>(probabilities(i)),
                                        detail::concat("probability of feature ", i));
        probabilities_ = probabilities.template cast<Scalar>();
    }

    [[nodiscard]] Index features() const noexcept { return probabilities_.size(); }
    [[nodiscard]] const VectorX<Scalar>& probabilities() const noexcept { return probabilities_; }
    [[nodiscard]] FeatureRange range() const noexcept { return range_; }

    /// Fills every column of \p batch (features × batch size, resized only if its row count is wrong) with a sample.
    ///
    /// Draw order, fixed so a seed reproduces a batch: per sample, per feature, one uniform for presence and,
    /// when present, one for the value.
    template <class Derived>
    void sample(RandomEngine& engine, Eigen::PlainObjectBase<Derived>& batch) const {
        if (batch.rows() != features()) batch.resize(features(), batch.cols());
        fill(engine, batch);
    }

    /// A new features × \p batch_size batch.
    [[nodiscard]] MatrixX<Scalar> sample(RandomEngine& engine, Index batch_size) const {
        detail::require_positive_size(batch_size, "batch size");
        MatrixX<Scalar> batch(features(), batch_size);
        fill(engine, batch);
        return batch;
    }

private:
    template <class Derived>
    void fill(RandomEngine& engine, Eigen::PlainObjectBase<Derived>& batch) const {
        const Index n = features();
        const bool symmetric = range_ == FeatureRange::symmetric;
        for (Index s = 0; s < batch.cols(); ++s) {
            Scalar* column = batch.col(s).data();
            for (Index i = 0; i < n; ++i) {
                const bool present = engine.uniform<Scalar>() < probabilities_[i];
                if (!present) {
                    column[i] = Scalar(0);
                    continue;
                }
                const Scalar u = engine.uniform<Scalar>();
                column[i] = symmetric ? Scalar(2) * u - Scalar(1) : u;
            }
        }
    }

    VectorX<Scalar> probabilities_;
    FeatureRange range_;
};

}  // namespace tms
