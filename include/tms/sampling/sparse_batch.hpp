#pragma once
/// \file sampling/sparse_batch.hpp
/// A batch of sparse samples: only samples with a present feature are stored, and of them only the present features.

#include <cstdint>
#include <vector>

#include <algorithm>
#include <array>

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
        // Dense tiles of small samples (the lanes tile's case): the loop over a sample's few features leaves at an
        // unpredictable count, once per sample. Instead, one fixed-width fill per sample gives every nonzero its
        // sample id (each fill's tail is overwritten by the next sample's), then one loop over the nonzeros runs
        // without branches: 1.4-1.8x faster at n = 10, 1-S >= 0.35; slower when samples hold one feature or so.
        constexpr std::size_t fill_width = 16;
        constexpr std::size_t scratch_size = 4096;
        if (features <= static_cast<Index>(fill_width) && indices.size() <= scratch_size &&
            indices.size() >= 2 * sample_ids.size()) {
            std::array<std::int32_t, scratch_size + fill_width> sample_of;  // written before it is read
            for (std::size_t j = 0; j < sample_ids.size(); ++j)
                std::fill_n(sample_of.data() + offsets[j], fill_width, sample_ids[j]);
            for (std::size_t k = 0; k < indices.size(); ++k)
                out[static_cast<Index>(indices[k]) * stride + sample_of[k]] = values[k];
            return;
        }
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
