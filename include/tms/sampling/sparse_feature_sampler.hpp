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
    /// Cost grows with the nonzeros: below a presence probability of geometric_threshold (and when every feature
    /// shares one probability) the gaps between present features are drawn from the geometric distribution, so
    /// absent features cost nothing; otherwise one 32-bit comparison decides each feature. The random bits come
    /// from eight SIMD xoshiro256++ streams seeded from \p engine, so \p engine's state alone determines the draw.
    void sample_sparse(RandomEngine& engine, Index samples, SparseBatch<Scalar>& batch) const {
        detail::require(samples >= 0, "number of samples must be non-negative, got ", samples);
        const Index n = features();
        batch.reset(n);
        batch.sample_count = samples;
        // Capacity for the worst case, so a batch reused across steps never reallocates.
        batch.sample_ids.reserve(static_cast<std::size_t>(samples));
        batch.offsets.reserve(static_cast<std::size_t>(samples) + 1);
        batch.indices.reserve(static_cast<std::size_t>(samples * n));
        batch.values.reserve(static_cast<std::size_t>(samples * n));
        detail::RandomBits bits(engine);
        if (geometric_) {
            sample_geometric(bits, samples, batch);
        } else {
            sample_bernoulli(bits, samples, batch);
        }
    }

    /// Fills every column of \p batch (features × batch size, resized only if its row count is wrong) with a sample.
    ///
    /// Every feature gets a presence word and a value word and the choice is a SIMD select, so the cost is flat in
    /// p: the right method for dense data. (A different draw from sample_sparse for the same engine state.)
    template <class Derived>
    void sample(RandomEngine& engine, Eigen::PlainObjectBase<Derived>& batch) const {
        static_assert(std::is_same_v<typename Derived::Scalar, Scalar>, "the batch must have the sampler's scalar type");
        static_assert(!Derived::IsRowMajor, "the batch must be column-major (one sample per column)");
        if (batch.rows() != features()) batch.resize(features(), batch.cols());
        detail::RandomBits bits(engine);
        const Index n = features();
        const auto padded = thresholds_.size();
        const std::size_t value_words = std::is_same_v<Scalar, float> ? 1 : 2;
        const bool symmetric = range_ == FeatureRange::symmetric;
        const Scalar width = symmetric ? Scalar(2) : Scalar(1);
        const Scalar offset = symmetric ? Scalar(-1) : Scalar(0);
        for (Index s = 0; s < batch.cols(); ++s) {
            Scalar* column = batch.col(s).data();
            for (Index first = 0; first < n; first += 64) {
                const auto count = std::min<std::size_t>(64, padded - static_cast<std::size_t>(first));
                const auto stored = static_cast<std::size_t>(std::min<Index>(64, n - first));
                // One run for both: a second take32 may refill the buffer under the first run's pointer.
                const std::uint32_t* presence = bits.take32(count * (1 + value_words));
                const std::uint32_t* values = presence + count;
                if (stored == count) {
                    simd::dense_features(presence, values, thresholds_.data() + first, always_.data() + first,
                                         column + first, count, width, offset);
                } else {
                    // The column is shorter than the padded block: go through a register-sized buffer.
                    std::array<Scalar, 64> block;
                    simd::dense_features(presence, values, thresholds_.data() + first, always_.data() + first,
                                         block.data(), count, width, offset);
                    std::copy_n(block.data(), stored, column + first);
                }
            }
        }
    }

    /// Draws \p samples samples feature-major: feature i of sample s goes to out[i·stride + s] (stride ≥ samples).
    /// Each feature's row is one run of SIMD selects; this feeds the lanes-over-samples kernel of small models.
    void sample_feature_major(RandomEngine& engine, Index samples, Scalar* out, Index stride) const {
        detail::require(samples >= 0 && stride >= samples, "sample_feature_major: stride ", stride,
                        " is shorter than the ", samples, " samples");
        detail::RandomBits bits(engine);
        const std::size_t value_words = std::is_same_v<Scalar, float> ? 1 : 2;
        const bool symmetric = range_ == FeatureRange::symmetric;
        const Scalar width = symmetric ? Scalar(2) : Scalar(1);
        const Scalar offset = symmetric ? Scalar(-1) : Scalar(0);
        const auto chunk = static_cast<Index>(detail::RandomBits::capacity / (1 + value_words));
        for (Index i = 0; i < features(); ++i) {
            const auto k = static_cast<std::size_t>(i);
            for (Index first = 0; first < samples; first += chunk) {
                const auto count = static_cast<std::size_t>(std::min(chunk, samples - first));
                const std::uint32_t* presence = bits.take32(count * (1 + value_words));  // one run, as in sample()
                const std::uint32_t* values = presence + count;
                simd::dense_features<true>(presence, values, thresholds_.data() + k, always_.data() + k,
                                           out + i * stride + first, count, width, offset);
            }
            std::fill(out + i * stride + samples, out + (i + 1) * stride, Scalar(0));
        }
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

private:
    void prepare() {
        const Index n = features();
        // Padded per 64-feature block to whole 16-lane registers; the padding has threshold 0, so it is never present.
        const Index last_block = n % 64;
        const Index padded = n - last_block + (last_block + 15) / 16 * 16;
        thresholds_.assign(static_cast<std::size_t>(padded), 0u);
        always_.assign(static_cast<std::size_t>(padded), 0u);
        for (Index i = 0; i < n; ++i) {
            // Feature i is present when a uniform 32-bit word is below p·2³²; p = 1 (2³², out of range) is flagged.
            const double p = static_cast<double>(probabilities_[i]);
            const auto k = static_cast<std::size_t>(i);
            always_[k] = p >= 1.0 ? 1u : 0u;
            thresholds_[k] = p >= 1.0 ? 0u : static_cast<std::uint32_t>(std::ldexp(p, 32));
        }
        const double p0 = static_cast<double>(probabilities_[0]);
        const bool shared = (probabilities_.array() == probabilities_[0]).all();
        geometric_ = shared && p0 > 0.0 && p0 < geometric_threshold;
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

    void sample_bernoulli(detail::RandomBits& bits, Index samples, SparseBatch<Scalar>& batch) const {
        const Index n = features();
        batch.indices.resize(static_cast<std::size_t>(samples * n));
        batch.sample_ids.resize(static_cast<std::size_t>(samples));
        batch.offsets.resize(static_cast<std::size_t>(samples) + 1);
        std::int32_t* indices = batch.indices.data();
        std::int32_t* ids = batch.sample_ids.data();
        std::int32_t* ends = batch.offsets.data() + 1;  // offsets[0] = 0 from reset()
        std::int32_t nnz = 0;
        std::size_t nonempty = 0;
        const auto close = [&](Index s, std::int32_t nnz_before) {
            // Branch-free: a sample's id and end are written either way and kept only if it has a feature. (Reading
            // the last kept end back from memory instead of passing nnz_before put a store-to-load forwarding on
            // the chain from one sample to the next.)
            ids[nonempty] = static_cast<std::int32_t>(s);
            ends[nonempty] = nnz;
            nonempty += static_cast<std::size_t>(nnz != nnz_before);
        };
        if (thresholds_.size() <= 64) {
            // One presence word per (padded) feature and sample: a sample's words are one SIMD mask, its present
            // features read off the mask in one compress. Words come in blocks of samples (take_runs: the same
            // words as one take32 per sample).
            const std::size_t count = thresholds_.size();
            for (Index s = 0; s < samples;) {
                const auto [words, runs] = bits.take_runs(count, static_cast<std::size_t>(samples - s));
                for (std::size_t r = 0; r < runs; ++r, ++s) {
                    const std::uint64_t present =
                        simd::presence_mask(words + r * count, thresholds_.data(), always_.data(), count);
                    const std::int32_t before = nnz;
                    nnz += static_cast<std::int32_t>(simd::set_bit_positions(present, 0, indices + nnz));
                    close(s, before);
                }
            }
        } else {
            for (Index s = 0; s < samples; ++s) {
                const std::int32_t before = nnz;
                // 64 features at a time, each block's words one take32 (padding is never present).
                for (Index first = 0; first < n; first += 64) {
                    const auto count = std::min<std::size_t>(64, thresholds_.size() - static_cast<std::size_t>(first));
                    const std::uint32_t* words = bits.take32(count);
                    const std::uint64_t present =
                        simd::presence_mask(words, thresholds_.data() + first, always_.data() + first, count);
                    nnz += static_cast<std::int32_t>(
                        simd::set_bit_positions(present, static_cast<std::int32_t>(first), indices + nnz));
                }
                close(s, before);
            }
        }
        batch.sample_ids.resize(nonempty);
        batch.offsets.resize(nonempty + 1);
        batch.indices.resize(static_cast<std::size_t>(nnz));
        draw_values(bits, batch);
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
    bool geometric_ = false;
    double log_absent_ = 0.0;
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
