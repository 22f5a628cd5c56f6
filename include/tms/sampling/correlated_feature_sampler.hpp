#pragma once
/// \file sampling/correlated_feature_sampler.hpp
/// Features drawn in sets: correlated sets (all members present or none), anticorrelated sets (at most one member
/// present) and independent features, as in the paper's "Superposition with correlated features" section.

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "../detail/random_bits.hpp"
#include "../detail/uniform_values.hpp"
#include "../detail/validate.hpp"
#include "../fwd.hpp"
#include "../simd/random_kernels.hpp"
#include "random_engine.hpp"
#include "sparse_batch.hpp"
#include "sparse_feature_sampler.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// How the members of a FeatureSet occur together.
enum class SetCorrelation {
    correlated,      ///< all members present or none (one presence draw for the whole set)
    anticorrelated,  ///< at most one member present (the set fires, then one member is chosen uniformly)
};

/// A run of consecutive features drawn together. Every member is present with marginal probability
/// `probability`, so a set compares directly with independent features of the same probability: a correlated set
/// fires with probability p, an anticorrelated set of k members with probability k·p (which must be ≤ 1).
struct FeatureSet {
    SetCorrelation correlation = SetCorrelation::correlated;
    Index size = 2;
    double probability = 0.0;

    friend bool operator==(const FeatureSet&, const FeatureSet&) = default;
};

/// The number of features \p sets occupy (the sum of their sizes): the first independent feature.
[[nodiscard]] inline Index features_in_sets(const std::vector<FeatureSet>& sets) noexcept {
    Index features = 0;
    for (const FeatureSet& set : sets) features += set.size;
    return features;
}

/// \p count sets of \p size features each, all of one kind and marginal probability (ARENA's n_correlated_pairs is
/// repeated_feature_sets(n, 2, SetCorrelation::correlated, p)).
[[nodiscard]] inline std::vector<FeatureSet> repeated_feature_sets(Index count, Index size, SetCorrelation correlation,
                                                                   double probability) {
    detail::require(count >= 0, "number of feature sets must be non-negative, got ", count);
    return std::vector<FeatureSet>(static_cast<std::size_t>(count), FeatureSet{correlation, size, probability});
}

/// Parses a command-line or grid description of repeated sets, "COUNTxSIZE" or "COUNTxSIZE@PROBABILITY" (e.g.
/// "2x2" or "3x2@0.05"), into repeated_feature_sets(COUNT, SIZE, \p correlation, PROBABILITY); without "@" the
/// sets take \p default_probability. \p what names the option in errors. Sets holding more than \p max_features
/// features in all are rejected before anything is allocated (pass the model's n).
/// \throws std::invalid_argument naming \p what and \p spec for anything else.
[[nodiscard]] inline std::vector<FeatureSet> parse_feature_sets(
    std::string_view spec, SetCorrelation correlation, double default_probability, std::string_view what,
    Index max_features = std::numeric_limits<std::int32_t>::max()) {
    const auto fail = [&] {
        return std::invalid_argument(detail::concat(what, ": expected COUNTxSIZE or COUNTxSIZE@PROBABILITY (e.g. 2x2 or ",
                                                    "2x2@0.05), got '", spec, "'"));
    };
    const auto parse_index = [&](std::string_view digits) {
        Index value = 0;
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (error != std::errc{} || end != digits.data() + digits.size() || digits.empty() || value < 0) throw fail();
        return value;
    };
    const auto cross = spec.find('x');
    if (cross == std::string_view::npos) throw fail();
    const auto at = spec.find('@', cross);
    const Index count = parse_index(spec.substr(0, cross));
    const Index size = parse_index(spec.substr(cross + 1, at == std::string_view::npos ? spec.npos : at - cross - 1));
    double probability = default_probability;
    if (at != std::string_view::npos) {
        const std::string text(spec.substr(at + 1));
        std::size_t used = 0;
        try {
            probability = std::stod(text, &used);
        } catch (const std::exception&) {
            throw fail();
        }
        if (used != text.size()) throw fail();
    }
    detail::require(size >= 1, what, ": sets need at least one feature, got '", spec, "'");
    detail::require(count <= max_features / size, what, ": '", spec, "' holds ", count, " sets of ", size,
                    " features, more than the ", max_features, " features there are");
    detail::require_probability(probability, detail::concat(what, " probability in '", spec, "'"));
    return repeated_feature_sets(count, size, correlation, probability);
}

/// Samples sparse features whose presence is correlated within sets.
///
/// Layout: the sets occupy the first features, in the order given and each on consecutive features; the
/// independent features follow. A present feature's value is uniform on the range, independently of the others
/// (correlation is in presence only, as in the paper). Satisfies feature_sampler and provides the sparse fast path.
template <real_scalar Scalar_>
class CorrelatedFeatureSampler {
public:
    using Scalar = Scalar_;

    /// The \p sets, then \p independent_features independent features present with \p independent_probability.
    /// \throws std::invalid_argument for an empty set, a probability outside [0, 1], an anticorrelated set whose
    /// k·p exceeds 1, or zero features in total.
    CorrelatedFeatureSampler(std::vector<FeatureSet> sets, Index independent_features, double independent_probability,
                             FeatureRange range = FeatureRange::unit)
        : sets_(std::move(sets)), range_(range) {
        detail::require(independent_features >= 0, "number of independent features must be non-negative, got ",
                        independent_features);
        detail::require_probability(independent_probability, "independent feature probability");
        prepare(VectorX<double>::Constant(independent_features, independent_probability));
    }

    /// The \p sets, then one independent feature per entry of \p independent_probabilities (a column vector).
    template <class Derived>
    CorrelatedFeatureSampler(std::vector<FeatureSet> sets, const Eigen::MatrixBase<Derived>& independent_probabilities,
                             FeatureRange range = FeatureRange::unit)
        : sets_(std::move(sets)), range_(range) {
        detail::require(independent_probabilities.cols() == 1 || independent_probabilities.size() == 0,
                        "independent feature probabilities must be a column vector, got ",
                        independent_probabilities.rows(), "x", independent_probabilities.cols());
        const VectorX<double> probabilities = independent_probabilities.template cast<double>();
        for (Index i = 0; i < probabilities.size(); ++i)
            detail::require_probability(probabilities[i], detail::concat("probability of independent feature ", i));
        prepare(probabilities);
    }

    [[nodiscard]] Index features() const noexcept { return features_; }
    [[nodiscard]] const std::vector<FeatureSet>& sets() const noexcept { return sets_; }
    /// The first feature of set \p set (its members are the next sets()[set].size features).
    [[nodiscard]] Index set_first_feature(std::size_t set) const { return set_first_.at(set); }
    /// The first independent feature: the number of features in sets.
    [[nodiscard]] Index first_independent_feature() const noexcept { return first_independent_; }
    /// Each feature's marginal presence probability.
    [[nodiscard]] const VectorX<Scalar>& probabilities() const noexcept { return probabilities_; }
    [[nodiscard]] FeatureRange range() const noexcept { return range_; }
    /// Mean presence probability over features: the expected fraction of nonzeros (the Trainer's tile choice).
    [[nodiscard]] double mean_probability() const noexcept {
        return static_cast<double>(probabilities_.template cast<double>().mean());
    }
    /// Whether sample_sparse finds firing sets by geometric skips (cost following the nonzeros) rather than one
    /// comparison per set and independent feature.
    [[nodiscard]] bool skips_geometrically() const noexcept { return geometric_; }

    /// Draws \p samples samples into \p batch (replacing its contents), storing only present features.
    ///
    /// A "unit" is a set or an independent feature; each fires with its own probability (p for a correlated set,
    /// k·p for an anticorrelated one, p_i for an independent feature). Consecutive units of one firing probability
    /// form a segment. With at most max_geometric_segments segments, all below geometric_threshold, each segment
    /// draws the gaps between its firings from the geometric distribution, so empty samples and silent units cost
    /// nothing; otherwise one 32-bit comparison per unit decides (64 units per SIMD mask). A firing anticorrelated
    /// set takes one more word to choose its member, then every stored feature gets a value. \p engine's state
    /// alone determines the draw.
    void sample_sparse(RandomEngine& engine, Index samples, SparseBatch<Scalar>& batch) const {
        detail::require(samples >= 0, "number of samples must be non-negative, got ", samples);
        detail::require(samples <= std::numeric_limits<std::int32_t>::max() / std::max<Index>(features_, 1),
                        "sample_sparse: ", samples, " samples of ", features_, " features overflow 32-bit indices");
        batch.reset(features_);
        batch.sample_count = samples;
        batch.sample_ids.reserve(static_cast<std::size_t>(samples));
        batch.offsets.reserve(static_cast<std::size_t>(samples) + 1);
        batch.indices.reserve(static_cast<std::size_t>(samples * features_));
        batch.values.reserve(static_cast<std::size_t>(samples * features_));
        detail::RandomBits bits(engine);
        if (geometric_) {
            sample_geometric(bits, samples, batch);
        } else {
            sample_bernoulli(bits, samples, batch);
        }
        batch.values.resize(batch.indices.size());
        const bool symmetric = range_ == FeatureRange::symmetric;
        detail::draw_uniform_values(bits, batch.values.data(), batch.values.size(), symmetric ? Scalar(2) : Scalar(1),
                                    symmetric ? Scalar(-1) : Scalar(0));
    }

    /// Fills every column of \p batch (features × batch size, resized only if its row count is wrong) with a sample:
    /// exactly sample_sparse's draw for the same engine state, scattered.
    template <class Derived>
    void sample(RandomEngine& engine, Eigen::PlainObjectBase<Derived>& batch) const {
        static_assert(std::is_same_v<typename Derived::Scalar, Scalar>, "the batch must have the sampler's scalar type");
        static_assert(!Derived::IsRowMajor, "the batch must be column-major (one sample per column)");
        if (batch.rows() != features_) batch.resize(features_, batch.cols());
        SparseBatch<Scalar>& sparse = scratch_batch();
        sample_sparse(engine, batch.cols(), sparse);
        sparse.scatter_to(batch);
    }

    /// A new features × \p batch_size batch (the same draw as sample_sparse).
    [[nodiscard]] MatrixX<Scalar> sample(RandomEngine& engine, Index batch_size) const {
        detail::require_positive_size(batch_size, "batch size");
        MatrixX<Scalar> batch(features_, batch_size);
        sample(engine, batch);
        return batch;
    }

    /// Draws \p samples samples feature-major: feature i of sample s goes to out[i·stride + s] (stride ≥ samples),
    /// padding zeroed; the same draw as sample_sparse, scattered.
    void sample_feature_major(RandomEngine& engine, Index samples, Scalar* out, Index stride) const {
        detail::require(samples >= 0 && stride >= samples, "sample_feature_major: stride ", stride,
                        " is shorter than the ", samples, " samples");
        SparseBatch<Scalar>& sparse = scratch_batch();
        sample_sparse(engine, samples, sparse);
        sparse.scatter_feature_major(out, stride);
    }

    /// Below this firing probability (in every segment) firings are found by geometric skips.
    static constexpr double geometric_threshold = 0.25;
    /// The most segments (runs of units with one firing probability) the geometric path interleaves.
    static constexpr std::size_t max_geometric_segments = 8;

private:
    /// This thread's sparse batch for the dense layouts (a sampler is shared by const reference across threads; the
    /// trainer asks for a layout per tile, so allocating one per call would cost).
    [[nodiscard]] static SparseBatch<Scalar>& scratch_batch() {
        thread_local SparseBatch<Scalar> batch;
        return batch;
    }

    /// A set or an independent feature: members [first, first + size); pick_one for an anticorrelated set.
    struct Unit {
        std::int32_t first;
        std::int32_t size;
        bool pick_one;
    };

    /// Consecutive units sharing one firing probability.
    struct Segment {
        Index first_unit;
        Index units;
        double firing_probability;
    };

    void prepare(const VectorX<double>& independent) {
        Index feature = 0;
        std::vector<double> firing;
        for (std::size_t j = 0; j < sets_.size(); ++j) {
            const FeatureSet& set = sets_[j];
            detail::require_positive_size(set.size, detail::concat("size of feature set ", j));
            detail::require_probability(set.probability, detail::concat("probability of feature set ", j));
            double q = set.probability;
            if (set.correlation == SetCorrelation::anticorrelated) {
                q = static_cast<double>(set.size) * set.probability;
                detail::require(q <= 1.0 + 1e-12, "anticorrelated feature set ", j, " of ", set.size,
                                " features with probability ", set.probability, " would fire with probability ", q,
                                " > 1 (at most one member is present, so size * probability must be <= 1)");
                q = std::min(q, 1.0);
            }
            detail::require(feature + set.size <= std::numeric_limits<std::int32_t>::max(),
                            "feature sets hold more than 2^31 features");
            set_first_.push_back(feature);
            units_.push_back({static_cast<std::int32_t>(feature), static_cast<std::int32_t>(set.size),
                              set.correlation == SetCorrelation::anticorrelated && set.size > 1});
            firing.push_back(q);
            feature += set.size;
        }
        first_independent_ = feature;
        for (Index i = 0; i < independent.size(); ++i) {
            units_.push_back({static_cast<std::int32_t>(feature + i), 1, false});
            firing.push_back(independent[i]);
        }
        features_ = feature + independent.size();
        detail::require_positive_size(features_, "features (n) of the correlated sampler");
        detail::require(features_ <= std::numeric_limits<std::int32_t>::max(), "the correlated sampler has ",
                        features_, " features, more than 2^31");

        probabilities_.resize(features_);
        for (std::size_t j = 0; j < sets_.size(); ++j)
            probabilities_.segment(set_first_[j], sets_[j].size).setConstant(static_cast<Scalar>(sets_[j].probability));
        probabilities_.tail(independent.size()) = independent.template cast<Scalar>();

        // Bernoulli path: thresholds padded per 64-unit block to whole 16-lane registers (padding never fires).
        const auto unit_count = static_cast<Index>(units_.size());
        const Index last_block = unit_count % 64;
        const Index padded = unit_count - last_block + (last_block + 15) / 16 * 16;
        thresholds_.assign(static_cast<std::size_t>(padded), 0u);
        always_.assign(static_cast<std::size_t>(padded), 0u);
        for (std::size_t u = 0; u < units_.size(); ++u) {
            always_[u] = firing[u] >= 1.0 ? 1u : 0u;
            thresholds_[u] = firing[u] >= 1.0 ? 0u : static_cast<std::uint32_t>(std::ldexp(firing[u], 32));
        }

        // Geometric path: runs of equal firing probability; units that never fire belong to no segment.
        bool all_sparse = true;
        for (Index u = 0; u < unit_count;) {
            Index end = u + 1;
            while (end < unit_count && firing[end] == firing[u]) ++end;
            if (firing[u] > 0.0) segments_.push_back({u, end - u, firing[u]});
            if (firing[u] >= geometric_threshold) all_sparse = false;
            u = end;
        }
        geometric_ = all_sparse && segments_.size() <= max_geometric_segments;
    }

    /// Appends unit \p u's present features for the current sample.
    void emit(detail::RandomBits& bits, std::size_t u, SparseBatch<Scalar>& batch) const {
        const Unit& unit = units_[u];
        if (unit.pick_one) {
            const std::uint64_t word = *bits.take32(1);
            batch.indices.push_back(unit.first + static_cast<std::int32_t>((word * std::uint64_t(unit.size)) >> 32));
        } else {
            for (std::int32_t k = 0; k < unit.size; ++k) batch.indices.push_back(unit.first + k);
        }
    }

    void sample_bernoulli(detail::RandomBits& bits, Index samples, SparseBatch<Scalar>& batch) const {
        const auto unit_count = static_cast<Index>(units_.size());
        for (Index s = 0; s < samples; ++s) {
            const auto before = batch.indices.size();
            for (Index first = 0; first < unit_count; first += 64) {
                const auto count = std::min<std::size_t>(64, thresholds_.size() - static_cast<std::size_t>(first));
                const std::uint32_t* words = bits.take32(count);
                std::uint64_t firing =
                    simd::presence_mask(words, thresholds_.data() + first, always_.data() + first, count);
                // The mask is read off before emit draws again (a later take32 may refill under `words`).
                for (; firing != 0; firing &= firing - 1)
                    emit(bits, static_cast<std::size_t>(first + std::countr_zero(firing)), batch);
            }
            if (batch.indices.size() != before) batch.close_sample(s);
        }
    }

    /// One segment's geometric stream over the flat (sample, unit) grid of the tile.
    struct Cursor {
        Index position = -1;
        Index total = 0;
        std::size_t chunk = 0;
        std::size_t next_gap = 0;
        float inverse_log_absent = 0.0f;
        std::array<float, 64> gaps;  // filled before first use

        void advance(detail::RandomBits& bits) noexcept {
            if (next_gap == chunk) {
                simd::geometric_gaps(bits.take32(chunk), gaps.data(), chunk, inverse_log_absent);
                next_gap = 0;
            }
            // A gap is below 2⁴⁰ for any accepted probability; clamp anyway before converting to Index.
            const float gap = std::min(gaps[next_gap++], static_cast<float>(total));
            position += 1 + static_cast<Index>(gap);
        }
    };

    void sample_geometric(detail::RandomBits& bits, Index samples, SparseBatch<Scalar>& batch) const {
        std::array<Cursor, max_geometric_segments> cursors;
        const std::size_t segment_count = segments_.size();
        for (std::size_t g = 0; g < segment_count; ++g) {
            Cursor& cursor = cursors[g];
            const Segment& segment = segments_[g];
            cursor.total = samples * segment.units;
            cursor.inverse_log_absent = static_cast<float>(1.0 / std::log1p(-segment.firing_probability));
            // Gaps in chunks of about the expected firings plus four standard deviations, whole registers, ≤ 64.
            const double expected = static_cast<double>(cursor.total) * segment.firing_probability;
            cursor.chunk = std::min<std::size_t>(
                cursor.gaps.size(), (static_cast<std::size_t>(expected + 4.0 * std::sqrt(expected)) + 16) / 16 * 16);
            cursor.next_gap = cursor.chunk;
            cursor.advance(bits);
        }
        for (;;) {
            // The next nonempty sample is the earliest next firing over the segments.
            Index sample = samples;
            for (std::size_t g = 0; g < segment_count; ++g)
                if (cursors[g].position < cursors[g].total)
                    sample = std::min(sample, cursors[g].position / segments_[g].units);
            if (sample == samples) break;
            // Segments in unit order, so the sample's features come out increasing.
            for (std::size_t g = 0; g < segment_count; ++g) {
                Cursor& cursor = cursors[g];
                const Index units = segments_[g].units;
                const Index end = (sample + 1) * units;
                while (cursor.position < std::min(end, cursor.total)) {
                    emit(bits, static_cast<std::size_t>(segments_[g].first_unit + cursor.position - sample * units),
                         batch);
                    cursor.advance(bits);
                }
            }
            batch.close_sample(sample);
        }
    }

    std::vector<FeatureSet> sets_;
    FeatureRange range_;
    Index features_ = 0;
    Index first_independent_ = 0;
    std::vector<Index> set_first_;
    VectorX<Scalar> probabilities_;
    std::vector<Unit> units_;
    std::vector<Segment> segments_;
    std::vector<std::uint32_t> thresholds_;
    std::vector<std::uint32_t> always_;
    bool geometric_ = false;
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
