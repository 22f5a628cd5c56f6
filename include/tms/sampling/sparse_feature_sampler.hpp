#pragma once
/// \file sampling/sparse_feature_sampler.hpp
/// The paper's synthetic data: each feature present with probability p_i = 1 − S_i, uniform when present.

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../config.hpp"
#include "../detail/aligned_vector.hpp"
#include "../detail/reciprocal_divider.hpp"
#include "../detail/random_bits.hpp"
#include "../detail/validate.hpp"
#include "../fwd.hpp"
#include "feature_range.hpp"
#include "../simd/random_kernels.hpp"
#include "random_engine.hpp"
#include "sparse_batch.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

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
        prepare();
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
        prepare();
    }

    [[nodiscard]] Index features() const noexcept { return probabilities_.size(); }
    [[nodiscard]] const VectorX<Scalar>& probabilities() const noexcept { return probabilities_; }
    [[nodiscard]] FeatureRange range() const noexcept { return range_; }

    /// Draws \p samples samples into \p batch (replacing its contents), storing only present features.
    ///
    /// One draw, three layouts: sample_sparse, sample and sample_feature_major give the same data for the same
    /// engine state, so the tile layout a trainer picks never changes what a model learns. The draw itself is made
    /// in the layout that is cheap for the regime. Below a presence probability of geometric_threshold (of
    /// small_geometric_threshold for samples of at most small_sample_features features; every feature sharing one
    /// probability) the gaps between present features are drawn from the geometric
    /// distribution, so absent features cost nothing: the draw is sparse. Otherwise one 32-bit word decides each
    /// feature and, when it is present, also gives its value (a word below the threshold p·2³² is uniform below
    /// it; double adds two value words for 53 bits), feature by feature over the samples (SIMD selects): the draw
    /// is feature-major, and this layout compresses it. (A present feature whose value is exactly 0 is stored as
    /// absent, which changes no model's output or loss.) The random bits come from eight SIMD xoshiro256++ streams
    /// seeded from \p engine, so \p engine's state alone determines the draw.
    void sample_sparse(RandomEngine& engine, Index samples, SparseBatch<Scalar>& batch) const {
        detail::require(samples >= 0, "number of samples must be non-negative, got ", samples);
        const Index n = features();
        if (!geometric_) {
            Scalar* tile = scratch_tile(samples);
            draw_feature_major(engine, samples, tile, samples);
            compress_feature_major(tile, samples, batch);
            return;
        }
        batch.reset(n);
        batch.sample_count = samples;
        // Capacity for the worst case, so a batch reused across steps never reallocates.
        batch.sample_ids.reserve(static_cast<std::size_t>(samples));
        batch.offsets.reserve(static_cast<std::size_t>(samples) + 1);
        batch.indices.reserve(static_cast<std::size_t>(samples * n));
        batch.values.reserve(static_cast<std::size_t>(samples * n));
        detail::RandomBits bits(engine);
        sample_geometric(bits, samples, batch);
    }

    /// Fills every column of \p batch (features × batch size, resized only if its row count is wrong) with a sample:
    /// sample_sparse's draw for the same engine state, in the dense layout.
    template <class Derived>
    void sample(RandomEngine& engine, Eigen::PlainObjectBase<Derived>& batch) const {
        static_assert(std::is_same_v<typename Derived::Scalar, Scalar>, "the batch must have the sampler's scalar type");
        static_assert(!Derived::IsRowMajor, "the batch must be column-major (one sample per column)");
        if (batch.rows() != features()) batch.resize(features(), batch.cols());
        const Index samples = batch.cols();
        if (geometric_) {
            SparseBatch<Scalar>& sparse = scratch_batch();
            sample_sparse(engine, samples, sparse);
            sparse.scatter_to(batch);
            return;
        }
        Scalar* tile = scratch_tile(samples);
        draw_feature_major(engine, samples, tile, samples);
        to_sample_major(tile, samples, 0, samples, batch.data());
    }

    /// Draws \p samples samples feature-major: feature i of sample s goes to out[i·stride + s] (stride ≥ samples),
    /// zeros up to the stride: sample_sparse's draw for the same engine state, in the layout of the
    /// lanes-over-samples kernel of small models (which the feature-major draw of dense data fills directly).
    void sample_feature_major(RandomEngine& engine, Index samples, Scalar* out, Index stride) const {
        detail::require(samples >= 0 && stride >= samples, "sample_feature_major: stride ", stride,
                        " is shorter than the ", samples, " samples");
        if (geometric_) {
            SparseBatch<Scalar>& sparse = scratch_batch();
            sample_sparse(engine, samples, sparse);
            sparse.scatter_feature_major(out, stride);
            return;
        }
        draw_feature_major(engine, samples, out, stride);
    }

    /// Mean presence probability over features: the expected fraction of nonzeros.
    [[nodiscard]] double mean_probability() const noexcept {
        return static_cast<double>(probabilities_.template cast<double>().mean());
    }

    /// A new features × \p batch_size batch.
    [[nodiscard]] MatrixX<Scalar> sample(RandomEngine& engine, Index batch_size) const {
        detail::require_positive_size(batch_size, "batch size");
        MatrixX<Scalar> batch(features(), batch_size);
        sample(engine, batch);
        return batch;
    }

    /// Below this shared probability, present features are found by geometric skips instead of per-feature tests.
    static constexpr double geometric_threshold = 0.25;
    /// With at most this many features the feature-major draw starts lower, at small_geometric_threshold: the
    /// geometric draw's per-sample and scatter costs dominate such short samples, whose models train on
    /// feature-major tiles (lanes over samples) at these densities. Measured on n = 10 and 20: at p = 0.05 the
    /// feature-major tile costs 1.7–6× less drawn feature-major than drawn geometrically and scattered.
    static constexpr Index small_sample_features = 32;
    static constexpr double small_geometric_threshold = 0.05;

    /// Whether a shared probability \p p over \p features features is drawn by geometric skips (else feature-major).
    [[nodiscard]] static constexpr bool draws_geometric(Index features, double p) noexcept {
        return p > 0.0 && p < (features <= small_sample_features ? small_geometric_threshold : geometric_threshold);
    }

private:
    void prepare() {
        const Index n = features();
        // Padded per 64-feature block to whole 16-lane registers; the padding has threshold 0, so it is never present.
        const Index last_block = n % 64;
        const Index padded = n - last_block + (last_block + 15) / 16 * 16;
        thresholds_.assign(static_cast<std::size_t>(padded), 0u);
        always_.assign(static_cast<std::size_t>(padded), 0u);
        value_scales_.assign(static_cast<std::size_t>(padded), 0.0f);
        for (Index i = 0; i < n; ++i) {
            // Feature i is present when a uniform 32-bit word is below p·2³²; p = 1 (2³², out of range) is flagged.
            const double p = static_cast<double>(probabilities_[i]);
            const auto k = static_cast<std::size_t>(i);
            always_[k] = p >= 1.0 ? 1u : 0u;
            thresholds_[k] = p >= 1.0 ? 0u : static_cast<std::uint32_t>(std::ldexp(p, 32));
            value_scales_[k] = simd::presence_value_scale(thresholds_[k], always_[k] != 0);
        }
        const double p0 = static_cast<double>(probabilities_[0]);
        const bool shared = (probabilities_.array() == probabilities_[0]).all();
        geometric_ = shared && draws_geometric(n, p0);
        log_absent_ = std::log1p(-p0);
    }

    /// Fills the values of every stored feature: uniform on the range, from 24 (float) or 53 (double) random bits.
    void draw_values(detail::RandomBits& bits, SparseBatch<Scalar>& batch) const {
        const std::size_t count = batch.indices.size();
        batch.values.resize(count);
        const bool symmetric = range_ == FeatureRange::symmetric;
        constexpr std::size_t words_per_value = std::is_same_v<Scalar, float> ? 1 : 2;
        constexpr std::size_t chunk = detail::RandomBits::capacity / 2;
        for (std::size_t start = 0; start < count; start += chunk) {
            const std::size_t run = std::min(chunk, count - start);
            const std::uint32_t* words = bits.take32(run * words_per_value);
            Scalar* out = batch.values.data() + start;
            // u ∈ [0, 1) becomes offset + width·u: the range is hoisted out of the loop so it vectorises.
            const Scalar width = symmetric ? Scalar(2) : Scalar(1);
            const Scalar offset = symmetric ? Scalar(-1) : Scalar(0);
            for (std::size_t k = 0; k < run; ++k) {
                Scalar u;
                if constexpr (std::is_same_v<Scalar, float>) {
                    u = static_cast<float>(static_cast<std::int32_t>(words[k] >> 8)) * 0x1.0p-24f;
                } else {
                    const std::uint64_t wide = (std::uint64_t{words[2 * k + 1]} << 32) | words[2 * k];
                    u = static_cast<double>(static_cast<std::int64_t>(wide >> 11)) * 0x1.0p-53;
                }
                out[k] = offset + width * u;
            }
        }
    }

    /// The feature-major draw, feature by feature over the samples with SIMD selects. float: one 32-bit word per
    /// entry decides presence and, when present, gives the value (simd::dense_feature_from_presence); double: a
    /// presence word and two value words (53 bits).
    void draw_feature_major(RandomEngine& engine, Index samples, Scalar* out, Index stride) const {
        detail::RandomBits bits(engine);
        constexpr bool single_word = std::is_same_v<Scalar, float>;
        constexpr std::size_t words_per_entry = single_word ? 1 : 3;
        const bool symmetric = range_ == FeatureRange::symmetric;
        const Scalar width = symmetric ? Scalar(2) : Scalar(1);
        const Scalar offset = symmetric ? Scalar(-1) : Scalar(0);
        const auto chunk = static_cast<Index>(detail::RandomBits::capacity / words_per_entry);
        for (Index i = 0; i < features(); ++i) {
            const auto k = static_cast<std::size_t>(i);
            for (Index first = 0; first < samples; first += chunk) {
                const auto count = static_cast<std::size_t>(std::min(chunk, samples - first));
                // One run for all words: a second take32 may refill the buffer under the first run's pointer.
                const std::uint32_t* words = bits.take32(count * words_per_entry);
                Scalar* row = out + i * stride + first;
                if constexpr (single_word)
                    simd::dense_feature_from_presence(words, thresholds_[k], always_[k] != 0, value_scales_[k], row,
                                                      count, width, offset);
                else
                    simd::dense_features<true>(words, words + count, thresholds_.data() + k, always_.data() + k, row,
                                               count, width, offset);
            }
            std::fill(out + i * stride + samples, out + (i + 1) * stride, Scalar(0));
        }
    }

    /// Writes samples [first, first + count) of a feature-major tile (\p samples columns per feature row) to \p out
    /// sample-major, n entries per sample, in 16 × 16 register transposes (Eigen's transposing assignment is scalar
    /// and cost the dense tiles of (100, 40) models 10% of a training step).
    void to_sample_major(const Scalar* tile, Index samples, Index first, Index count, Scalar* out) const {
        const Index n = features();
        constexpr Index block = 16;
        for (Index s = 0; s < count; s += block)
            for (Index i = 0; i < n; i += block)
                simd::transpose_block16(tile + i * samples + first + s, static_cast<std::size_t>(samples),
                                        static_cast<std::size_t>(std::min(block, n - i)),
                                        static_cast<std::size_t>(std::min(block, count - s)), out + s * n + i,
                                        static_cast<std::size_t>(n));
    }

    /// Stores the nonzeros of a feature-major tile (\p samples columns per feature row) sample by sample.
    void compress_feature_major(const Scalar* tile, Index samples, SparseBatch<Scalar>& batch) const {
        const Index n = features();
        constexpr Index block = 16;  // samples per transposed block
        // 16 samples at a time are made sample-major in a small buffer, and each is compressed into buffers sized
        // once per thread; the batch then copies only the nonzeros (resizing its vectors for every possible entry
        // zero-filled them all).
        thread_local std::vector<Scalar> buffer, kept_values;
        thread_local std::vector<std::int32_t> kept_indices;
        buffer.resize(static_cast<std::size_t>(block * n));
        if (kept_values.size() < static_cast<std::size_t>(samples * n + block)) {
            kept_values.resize(static_cast<std::size_t>(samples * n + block));
            kept_indices.resize(kept_values.size());
        }
        Scalar* columns = buffer.data();
        Scalar* values = kept_values.data();
        std::int32_t* indices = kept_indices.data();
        batch.reset(n);
        batch.sample_count = samples;
        batch.sample_ids.resize(static_cast<std::size_t>(samples));
        batch.offsets.resize(static_cast<std::size_t>(samples) + 1);
        std::int32_t* ids = batch.sample_ids.data();
        std::int32_t* ends = batch.offsets.data() + 1;  // offsets[0] = 0 from reset()
        std::int32_t nnz = 0;
        std::size_t nonempty = 0;
        for (Index first = 0; first < samples; first += block) {
            const Index count = std::min(block, samples - first);
            to_sample_major(tile, samples, first, count, columns);
            for (Index j = 0; j < count; ++j) {
                const std::int32_t before = nnz;
                nnz += static_cast<std::int32_t>(simd::compress_nonzeros(
                    columns + j * n, static_cast<std::size_t>(n), 0, indices + nnz, values + nnz));
                // Branch-free: the sample's id and end are written either way and kept only if it has a feature.
                ids[nonempty] = static_cast<std::int32_t>(first + j);
                ends[nonempty] = nnz;
                nonempty += static_cast<std::size_t>(nnz != before);
            }
        }
        batch.sample_ids.resize(nonempty);
        batch.offsets.resize(nonempty + 1);
        // Capacity for the worst case, so a batch reused across steps never reallocates.
        batch.indices.reserve(static_cast<std::size_t>(samples * n));
        batch.values.reserve(static_cast<std::size_t>(samples * n));
        batch.indices.assign(indices, indices + nnz);
        batch.values.assign(values, values + nnz);
    }

    /// This thread's buffer for one feature-major tile of \p samples samples: the other layouts are made from it.
    /// (Per thread, not per sampler: a sampler is shared by const reference across threads.)
    [[nodiscard]] Scalar* scratch_tile(Index samples) const {
        thread_local detail::aligned_vector<Scalar> tile;
        tile.resize(static_cast<std::size_t>(samples * features()));
        return tile.data();
    }

    /// This thread's sparse batch for the dense layouts of a sparse draw.
    [[nodiscard]] static SparseBatch<Scalar>& scratch_batch() {
        thread_local SparseBatch<Scalar> batch;
        return batch;
    }

    void sample_geometric(detail::RandomBits& bits, Index samples, SparseBatch<Scalar>& batch) const {
        const Index n = features();
        const Index total = samples * n;
        const auto inverse_log_absent = static_cast<float>(1.0 / log_absent_);
        // Gaps are drawn in chunks of about the expected number of present features (plus four standard
        // deviations), so a sparse tile does not pay for hundreds of logarithms it never uses.
        std::array<float, 256> gaps;  // filled before first use
        const double expected = static_cast<double>(total) * -std::expm1(log_absent_);
        constexpr std::size_t gap_block = 16;
        const std::size_t chunk = std::min(
            gaps.size(),
            (static_cast<std::size_t>(expected + 4.0 * std::sqrt(expected)) + gap_block) / gap_block * gap_block);
        std::size_t next_gap = chunk;
        // Branch-free bookkeeping: every present feature finds its sample and rewrites that sample's id and end; a
        // new sample advances the count. The test "same sample as the last feature?" was a coin flip in the regime
        // between sparse and dense, and its mispredictions cost more than the rest of the loop. The sample,
        // position / n, is a multiply-high by the reciprocal of n (a tile's positions are far below 2³²).
        const detail::ReciprocalDivider sample_of(static_cast<std::uint64_t>(n), static_cast<std::uint64_t>(total));
        Index position = -1;
        Index current = -1;          // the sample of the last present feature
        std::size_t nonempty = 0;
        std::size_t nonzeros = 0;
        std::int32_t* indices = nullptr;
        std::int32_t* ids = nullptr;
        std::int32_t* ends = nullptr;  // ends[j] = offsets[j + 1]
        for (;;) {
            if (next_gap == chunk) {
                simd::geometric_gaps(bits.take32(chunk), gaps.data(), chunk, inverse_log_absent);
                next_gap = 0;
                // Room for this chunk's features (at most one per gap); capacity was reserved by sample_sparse.
                const auto room = std::min(nonzeros + chunk, static_cast<std::size_t>(total));
                batch.indices.resize(room);
                batch.sample_ids.resize(std::min(room, static_cast<std::size_t>(samples)));
                batch.offsets.resize(batch.sample_ids.size() + 1);
                indices = batch.indices.data();
                ids = batch.sample_ids.data();
                ends = batch.offsets.data() + 1;
            }
            // A gap is below 2⁴⁰ for any p the sampler accepts; clamp anyway before converting to Index.
            const float gap = std::min(gaps[next_gap++], static_cast<float>(total));
            position += 1 + static_cast<Index>(gap);
            if (position >= total) break;
            const auto sample = static_cast<Index>(sample_of(static_cast<std::uint64_t>(position)));
            nonempty += static_cast<std::size_t>(sample != current);
            current = sample;
            ids[nonempty - 1] = static_cast<std::int32_t>(sample);
            indices[nonzeros++] = static_cast<std::int32_t>(position - sample * n);
            ends[nonempty - 1] = static_cast<std::int32_t>(nonzeros);
        }
        batch.indices.resize(nonzeros);
        batch.sample_ids.resize(nonempty);
        batch.offsets.resize(nonempty + 1);
        draw_values(bits, batch);
    }

    VectorX<Scalar> probabilities_;
    FeatureRange range_;
    std::vector<std::uint32_t> thresholds_;
    std::vector<std::uint32_t> always_;
    std::vector<float> value_scales_;
    bool geometric_ = false;
    double log_absent_ = 0.0;
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
