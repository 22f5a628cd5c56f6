#pragma once
/// \file sampling/sparse_batch.hpp
/// A batch of sparse samples in compressed-sparse-column form: only the present features are stored.

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "../detail/validate.hpp"
#include "../fwd.hpp"

namespace tms {

/// Samples stored by their present features: sample s holds indices[offsets[s] .. offsets[s+1]) with their values,
/// in increasing feature order. This is what lets the gradient core spend time in proportion to the nonzeros.
template <real_scalar Scalar_>
struct SparseBatch {
    using Scalar = Scalar_;

    Index features = 0;
    std::vector<std::int32_t> offsets{0};
    std::vector<std::int32_t> indices;
    std::vector<Scalar> values;

    [[nodiscard]] Index samples() const noexcept { return static_cast<Index>(offsets.size()) - 1; }
    [[nodiscard]] Index nonzeros() const noexcept { return static_cast<Index>(indices.size()); }
    /// Present features of sample \p s.
    [[nodiscard]] Index active(Index s) const noexcept { return offsets[s + 1] - offsets[s]; }

    /// Empties the batch (keeping capacity) for samples of \p feature_count features.
    void reset(Index feature_count) {
        features = feature_count;
        offsets.assign(1, 0);
        indices.clear();
        values.clear();
    }

    /// The batch as a dense features × samples matrix.
    [[nodiscard]] MatrixX<Scalar> to_dense() const {
        MatrixX<Scalar> dense = MatrixX<Scalar>::Zero(features, samples());
        for (Index s = 0; s < samples(); ++s)
            for (std::int32_t k = offsets[s]; k < offsets[s + 1]; ++k) dense(indices[k], s) = values[k];
        return dense;
    }

    /// Stores the nonzeros of every column of \p dense (features × samples).
    template <class Derived>
    void assign(const Eigen::MatrixBase<Derived>& dense) {
        reset(dense.rows());
        for (Index s = 0; s < dense.cols(); ++s) {
            for (Index i = 0; i < dense.rows(); ++i) {
                const Scalar value = static_cast<Scalar>(dense(i, s));
                if (value != Scalar(0)) {
                    indices.push_back(static_cast<std::int32_t>(i));
                    values.push_back(value);
                }
            }
            offsets.push_back(static_cast<std::int32_t>(indices.size()));
        }
    }
};

}  // namespace tms
