#pragma once
/// \file analysis/set_interference.hpp
/// WᵀW summarised by the sampler's feature sets: interference within correlated sets, within anticorrelated sets,
/// across sets and with independent features (the paper's correlated-features findings: correlated features prefer
/// orthogonality, anticorrelated ones negative interference, and sets collapse into superposition with each other
/// as sparsity rises).

#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../detail/validate.hpp"
#include "../fwd.hpp"
#include "../sampling/correlated_feature_sampler.hpp"
#include "effective_weights.hpp"
#include "feature_norms.hpp"
#include "gram.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// Statistics of W_i · W_j over a class of feature pairs i < j with both features represented.
struct InterferenceSummary {
    /// Pairs counted; 0 means the statistics below are NaN (no pair of represented features in this class).
    Index pairs = 0;
    /// Mean of W_i · W_j (the WᵀW entry).
    double mean = std::numeric_limits<double>::quiet_NaN();
    /// Mean cosine Ŵ_i · Ŵ_j: −1 antipodal, 0 orthogonal, 1 parallel.
    double mean_cosine = std::numeric_limits<double>::quiet_NaN();
    /// Mean |cosine|: 0 only if every pair is orthogonal.
    double mean_abs_cosine = std::numeric_limits<double>::quiet_NaN();
    /// Fraction of pairs with W_i · W_j < 0.
    double fraction_negative = std::numeric_limits<double>::quiet_NaN();
};

/// The four classes of pairs.
struct SetInterference {
    InterferenceSummary within_correlated;      ///< both in the same correlated set
    InterferenceSummary within_anticorrelated;  ///< both in the same anticorrelated set
    InterferenceSummary across_sets;            ///< in two different sets
    InterferenceSummary with_independent;       ///< at least one an independent feature (not in any set)
};

/// Summarises W (hidden × features) over the sets laid out as CorrelatedFeatureSampler lays them out: set j on
/// consecutive features from Σ_{k<j} size_k, independent features after the last set. Only pairs of represented
/// features (‖W_i‖ > \p represented_threshold) count: an unrepresented feature's direction is noise.
/// \throws std::invalid_argument if the sets hold more features than W has.
template <class Derived>
[[nodiscard]] SetInterference set_interference(const Eigen::MatrixBase<Derived>& weights,
                                               const std::vector<FeatureSet>& sets,
                                               double represented_threshold = 0.5) {
    const Index n = weights.cols();
    // set_of[i]: the set of feature i, or −1 for an independent feature.
    std::vector<Index> set_of(static_cast<std::size_t>(n), -1);
    Index feature = 0;
    for (std::size_t j = 0; j < sets.size(); ++j) {
        detail::require(sets[j].size >= 1 && feature + sets[j].size <= n, "feature set ", j, " of size ",
                        sets[j].size, " does not fit in the ", n, " features of W after ", feature, " set features");
        for (Index k = 0; k < sets[j].size; ++k) set_of[static_cast<std::size_t>(feature + k)] = static_cast<Index>(j);
        feature += sets[j].size;
    }
    const auto g = gram(weights.template cast<double>());
    const VectorX<double> norms = feature_norms(weights).template cast<double>();

    struct Accumulator {
        Index pairs = 0;
        double sum = 0.0, cosine = 0.0, abs_cosine = 0.0, negative = 0.0;
        void add(double dot, double cos) {
            ++pairs;
            sum += dot;
            cosine += cos;
            abs_cosine += std::abs(cos);
            negative += dot < 0.0 ? 1.0 : 0.0;
        }
        [[nodiscard]] InterferenceSummary summary() const {
            InterferenceSummary s;
            s.pairs = pairs;
            if (pairs == 0) return s;
            const auto count = static_cast<double>(pairs);
            s.mean = sum / count;
            s.mean_cosine = cosine / count;
            s.mean_abs_cosine = abs_cosine / count;
            s.fraction_negative = negative / count;
            return s;
        }
    };
    Accumulator correlated, anticorrelated, across, independent;
    for (Index i = 0; i < n; ++i) {
        if (!(norms[i] > represented_threshold)) continue;
        for (Index j = i + 1; j < n; ++j) {
            if (!(norms[j] > represented_threshold)) continue;
            const double dot = g(i, j);
            const double cos = dot / (norms[i] * norms[j]);
            const Index a = set_of[static_cast<std::size_t>(i)];
            const Index b = set_of[static_cast<std::size_t>(j)];
            if (a < 0 || b < 0) {
                independent.add(dot, cos);
            } else if (a != b) {
                across.add(dot, cos);
            } else if (sets[static_cast<std::size_t>(a)].correlation == SetCorrelation::correlated) {
                correlated.add(dot, cos);
            } else {
                anticorrelated.add(dot, cos);
            }
        }
    }
    return {correlated.summary(), anticorrelated.summary(), across.summary(), independent.summary()};
}

/// set_interference of a model's feature directions (the abs-value model's effective_weights, as every model analysis).
template <toy_model Model>
[[nodiscard]] SetInterference set_interference(const Model& model, const std::vector<FeatureSet>& sets,
                                               double represented_threshold = 0.5) {
    return set_interference(effective_weights(model), sets, represented_threshold);
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
