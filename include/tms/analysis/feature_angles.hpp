#pragma once
/// \file analysis/feature_angles.hpp
/// The angle structure of feature directions in a 2-D hidden space: each represented feature's angle, the gaps
/// between neighbours around the circle, and the antipodal pairs (the pentagon and its break-up in the paper).

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../detail/validate.hpp"
#include "../fwd.hpp"
#include "effective_weights.hpp"
#include "feature_norms.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// Angles of the represented features of a 2 × n W.
struct AngleStructure {
    /// Feature i's angle atan2(W_1i, W_0i) in [0, 2π); NaN where the feature is not represented (‖W_i‖ ≤ the
    /// threshold: its direction is noise and has no place in the structure).
    VectorX<double> angles;
    /// The represented features in increasing angle.
    std::vector<Index> order;
    /// gaps[k]: the angle from order[k] counter-clockwise to order[k + 1] (cyclically); they sum to 2π. One
    /// represented feature gives {2π}, none gives no gaps.
    std::vector<double> gaps;
    /// Represented pairs (i < j) whose angles differ by π within the tolerance; each feature is in at most one pair
    /// (closest to π first).
    std::vector<std::pair<Index, Index>> antipodal_pairs;

    [[nodiscard]] Index represented() const noexcept { return static_cast<Index>(order.size()); }
    /// max_k |gaps[k] − 2π/K| over the K represented features: 0 for a regular polygon (the pentagon); NaN if K = 0.
    [[nodiscard]] double max_gap_deviation() const noexcept {
        if (gaps.empty()) return std::numeric_limits<double>::quiet_NaN();
        const double regular = 2.0 * std::numbers::pi / static_cast<double>(gaps.size());
        double worst = 0.0;
        for (const double gap : gaps) worst = std::max(worst, std::abs(gap - regular));
        return worst;
    }
};

/// The angle structure of W (2 × features): features with ‖W_i‖ > \p represented_threshold take part; pairs whose
/// angles differ by π ± \p antipodal_tolerance (radians) are antipodal.
/// \throws std::invalid_argument unless W has two rows and the tolerance lies in [0, π/2).
template <class Derived>
[[nodiscard]] AngleStructure angle_structure(const Eigen::MatrixBase<Derived>& weights,
                                             double represented_threshold = 0.5, double antipodal_tolerance = 0.15) {
    detail::require(weights.rows() == 2, "angle_structure needs a 2-dimensional hidden space, got ", weights.rows(),
                    " hidden dimensions");
    detail::require(antipodal_tolerance >= 0.0 && antipodal_tolerance < std::numbers::pi / 2,
                    "antipodal tolerance must be in [0, pi/2) radians, got ", antipodal_tolerance);
    constexpr double two_pi = 2.0 * std::numbers::pi;
    const Index n = weights.cols();
    const auto norms = feature_norms(weights);
    AngleStructure result;
    result.angles = VectorX<double>::Constant(n, std::numeric_limits<double>::quiet_NaN());
    for (Index i = 0; i < n; ++i) {
        if (!(static_cast<double>(norms[i]) > represented_threshold)) continue;
        double angle = std::atan2(static_cast<double>(weights(1, i)), static_cast<double>(weights(0, i)));
        if (angle < 0.0) angle += two_pi;
        result.angles[i] = angle < two_pi ? angle : 0.0;  // −0 rounds to 2π
        result.order.push_back(i);
    }
    std::sort(result.order.begin(), result.order.end(),
              [&](Index a, Index b) { return result.angles[a] < result.angles[b]; });
    const std::size_t k = result.order.size();
    for (std::size_t j = 0; j < k; ++j) {
        const double from = result.angles[result.order[j]];
        const double to = result.angles[result.order[(j + 1) % k]];
        result.gaps.push_back(j + 1 < k ? to - from : to - from + two_pi);
    }
    struct Candidate {
        double deviation;
        Index a, b;
    };
    std::vector<Candidate> candidates;
    for (std::size_t x = 0; x < k; ++x)
        for (std::size_t y = x + 1; y < k; ++y) {
            const Index a = std::min(result.order[x], result.order[y]);
            const Index b = std::max(result.order[x], result.order[y]);
            const double difference = std::abs(result.angles[a] - result.angles[b]);
            const double deviation = std::abs(difference - std::numbers::pi);
            if (deviation <= antipodal_tolerance) candidates.push_back({deviation, a, b});
        }
    std::sort(candidates.begin(), candidates.end(),
              [](const Candidate& l, const Candidate& r) { return l.deviation < r.deviation; });
    std::vector<bool> paired(static_cast<std::size_t>(n), false);
    for (const Candidate& c : candidates) {
        if (paired[static_cast<std::size_t>(c.a)] || paired[static_cast<std::size_t>(c.b)]) continue;
        paired[static_cast<std::size_t>(c.a)] = paired[static_cast<std::size_t>(c.b)] = true;
        result.antipodal_pairs.emplace_back(c.a, c.b);
    }
    std::sort(result.antipodal_pairs.begin(), result.antipodal_pairs.end());
    return result;
}

/// angle_structure of a model's feature directions (its hidden space must be 2-D); the abs-value model's through its
/// effective_weights, so the result does not change under its rescaling symmetry.
template <toy_model Model>
[[nodiscard]] AngleStructure angle_structure(const Model& model, double represented_threshold = 0.5,
                                             double antipodal_tolerance = 0.15) {
    return angle_structure(effective_weights(model), represented_threshold, antipodal_tolerance);
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
