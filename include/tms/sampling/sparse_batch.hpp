#pragma once
/// \file sampling/sparse_batch.hpp
/// A batch of sparse samples: only samples with a present feature are stored, and of them only the present features.

#include <cstdint>
#include <vector>

#include <algorithm>

#include <Eigen/Core>

#include "../config.hpp"
#include "../detail/validate.hpp"
#include "../fwd.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// Compressed samples. Of sample_count samples, the nonempty ones are listed in sample_ids (increasing); the j-th
/// of them holds indices[offsets[j] .. offsets[j+1]) with their values, in increasing feature order. Empty samples
/// cost nothing to store or to visit, which is what lets work follow the nonzeros in the sparse regime.
template <real_scalar Scalar_>
struct SparseBatch {
    using Scalar = Scalar_;

    Index features = 0;
    Index sample_count = 0;
    std::vector<std::int32_t> sample_ids;
    std::vector<std::int32_t> offsets{0};
    std::vector<std::int32_t> indices;
    std::vector<Scalar> values;

    /// All samples, empty ones included.
    [[nodiscard]] Index samples() const noexcept { return sample_count; }
    /// Samples with at least one present feature.
    [[nodiscard]] Index nonempty() const noexcept { return static_cast<Index>(sample_ids.size()); }
    [[nodiscard]] Index nonzeros() const noexcept { return static_cast<Index>(indices.size()); }

    /// Empties the batch (keeping capacity) for samples of \p feature_count features.
    void reset(Index feature_count) {
        features = feature_count;
        sample_count = 0;
        sample_ids.clear();
        offsets.assign(1, 0);
        indices.clear();
        values.clear();
    }

    /// Ends the nonempty sample \p sample_id whose features were just appended to indices and values.
    void close_sample(Index sample_id) {
        sample_ids.push_back(static_cast<std::int32_t>(sample_id));
        offsets.push_back(static_cast<std::int32_t>(indices.size()));
    }

    /// The batch as a dense features × samples matrix.
    [[nodiscard]] MatrixX<Scalar> to_dense() const {
        MatrixX<Scalar> dense = MatrixX<Scalar>::Zero(features, samples());
        for (std::size_t j = 0; j < sample_ids.size(); ++j)
            for (std::int32_t k = offsets[j]; k < offsets[j + 1]; ++k) dense(indices[k], sample_ids[j]) = values[k];
        return dense;
    }

    /// Writes the batch into \p dense (features × samples, already that size): zeros, then the stored values.
    template <class Derived>
    void scatter_to(Eigen::MatrixBase<Derived>& dense) const {
        dense.setZero();
        for (std::size_t j = 0; j < sample_ids.size(); ++j)
            for (std::int32_t k = offsets[j]; k < offsets[j + 1]; ++k) dense(indices[k], sample_ids[j]) = values[k];
    }

    /// Writes the batch feature-major: feature i of sample s to out[i·stride + s], zeros elsewhere in the
    /// features × stride block (stride ≥ samples()).
    void scatter_feature_major(Scalar* out, Index stride) const {
        std::fill(out, out + features * stride, Scalar(0));
        for (std::size_t j = 0; j < sample_ids.size(); ++j)
            for (std::int32_t k = offsets[j]; k < offsets[j + 1]; ++k)
                out[static_cast<Index>(indices[k]) * stride + sample_ids[j]] = values[k];
    }

    /// Stores the nonzeros of every column of \p dense (features × samples).
    template <class Derived>
    void assign(const Eigen::MatrixBase<Derived>& dense) {
        reset(dense.rows());
        sample_count = dense.cols();
        for (Index s = 0; s < dense.cols(); ++s) {
            const auto before = indices.size();
            for (Index i = 0; i < dense.rows(); ++i) {
                const Scalar value = static_cast<Scalar>(dense(i, s));
                if (value != Scalar(0)) {
                    indices.push_back(static_cast<std::int32_t>(i));
                    values.push_back(value);
                }
            }
            if (indices.size() != before) close_sample(s);
        }
    }
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
