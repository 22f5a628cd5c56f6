#pragma once
/// \file experiments/two_dimensional.hpp
/// n = 5 features in m = 2 dimensions (ReLU output, I_i = 0.9^i) at the paper's 0%, 80% and 90% sparsity, where
/// the geometry can be seen directly: two orthogonal features, two antipodal pairs, a pentagon.

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "../fwd.hpp"
#include "claim_support.hpp"
#include "experiment.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace experiments {

struct TwoDimensionalConfig {
    Index features = 5;
    Index hidden = 2;
    double importance_ratio = 0.9;
    /// Dense, then the two antipodal pairs, then the pentagon.
    std::vector<double> probabilities = {1.0, 0.2, 0.1};
    /// Seeds per point, the lowest final loss kept.
    Index best_of = 5;
    /// How far a gap between neighbouring directions may be from the regular polygon's.
    double gap_tolerance_degrees = 8.0;
};

struct TwoDimensionalResults {
    TwoDimensionalConfig config;
    std::vector<Point> points;
};

/// Trains best_of seeds per probability. Wrong data: the dense point on 1−S = 0.1, the sparse ones on dense data.
[[nodiscard]] inline TwoDimensionalResults run_two_dimensional(const TwoDimensionalConfig& config,
                                                               const Settings& settings) {
    const auto wrong = [](double p) { return p >= 1.0 ? 0.1 : 1.0; };
    return {config, detail::train_points("two_dimensional", "relu_output", config.features, config.hidden,
                                         config.importance_ratio, config.probabilities, config.best_of, settings,
                                         wrong)};
}

/// Angles (degrees, increasing, in (−180, 180]) of the represented columns of a 2-D W, with their features.
struct Directions {
    std::vector<double> angles;
    std::vector<Index> features;
    /// Gaps between consecutive directions going round the circle (sum 360° when there are any).
    [[nodiscard]] std::vector<double> gaps() const {
        std::vector<double> out;
        for (std::size_t i = 0; i < angles.size(); ++i)
            out.push_back(i + 1 < angles.size() ? angles[i + 1] - angles[i] : angles.front() + 360.0 - angles[i]);
        return out;
    }
    /// The largest deviation of a gap from 360°/k (k directions); infinity for fewer than two.
    [[nodiscard]] double polygon_deviation() const {
        if (angles.size() < 2) return std::numeric_limits<double>::infinity();
        const double regular = 360.0 / static_cast<double>(angles.size());
        double deviation = 0.0;
        for (const double gap : gaps()) deviation = std::max(deviation, std::abs(gap - regular));
        return deviation;
    }
};

/// The directions of the represented features (‖W_i‖ > 0.5) of a 2 × n W.
[[nodiscard]] inline Directions represented_directions(const MatrixX<float>& W) {
    std::vector<std::pair<double, Index>> found;
    for (Index i = 0; i < W.cols(); ++i)
        if (static_cast<double>(W.col(i).norm()) > represented_threshold)
            found.emplace_back(std::atan2(double(W(1, i)), double(W(0, i))) * 180.0 / std::numbers::pi, i);
    std::sort(found.begin(), found.end());
    Directions d;
    for (const auto& [angle, feature] : found) {
        d.angles.push_back(angle);
        d.features.push_back(feature);
    }
    return d;
}

[[nodiscard]] inline std::vector<Claim> claims(const TwoDimensionalResults& r) {
    using namespace detail;
    std::vector<Claim> out;
    const double tolerance = r.config.gap_tolerance_degrees;
    const auto gaps_text = [](const Directions& d) {
        std::string text;
        for (const double gap : d.gaps()) text += (text.empty() ? "" : ", ") + format(std::round(gap), 3) + "\u00b0";
        return text.empty() ? std::string("none") : text;
    };
    {
        const Point& p = r.points[0];
        const std::vector<Index> represented = represented_set(p.model);
        const double c = represented.size() == 2 ? std::abs(cosine(p.model.W, represented[0], represented[1])) : 1.0;
        double norm_error = 0.0;
        for (const Index i : represented) norm_error = std::max(norm_error, std::abs(double(p.model.feature_norms[i]) - 1.0));
        const bool holds = represented == first_features(2) && c < 0.1 && norm_error <= 0.15;
        out.push_back(make_claim("two_dimensional.dense_orthogonal",
                                 "1\u2212S = " + format(p.probability) +
                                     ": exactly features 0 and 1 represented, orthogonal (|cos| < 0.1), each with "
                                     "\u2016W\u1d62\u2016 within 0.15 of 1",
                                 "represented " + set_text(represented) + ", |cos| " + format(c, 2) +
                                     ", largest |\u2016W\u1d62\u2016 \u2212 1| " + format(norm_error, 2),
                                 holds, {&p}));
    }
    {
        const Point& p = r.points[1];
        const Directions d = represented_directions(p.model.W);
        // Opposite directions (k and k + 2 round the circle) are the pairs.
        double worst_pair = -1.0;
        if (d.features.size() == 4)
            for (std::size_t k = 0; k < 2; ++k)
                worst_pair = std::max(worst_pair, cosine(p.model.W, d.features[k], d.features[k + 2]));
        const bool holds = d.features.size() == 4 && worst_pair < -0.95 && d.polygon_deviation() < tolerance;
        out.push_back(make_claim("two_dimensional.antipodal_pairs",
                                 "1\u2212S = " + format(p.probability) +
                                     ": exactly 4 features represented, as two antipodal pairs (cos < \u22120.95 "
                                     "within each pair) at right angles (every gap 90\u00b0 \u00b1 " +
                                     format(tolerance) + "\u00b0)",
                                 std::to_string(d.features.size()) + " represented, gaps " + gaps_text(d) +
                                     ", pair cosines \u2264 " + format(worst_pair, 3),
                                 holds, {&p}));
    }
    {
        const Point& p = r.points[2];
        const Directions d = represented_directions(p.model.W);
        const bool holds = static_cast<Index>(d.features.size()) == r.config.features && d.polygon_deviation() < tolerance;
        out.push_back(make_claim("two_dimensional.pentagon",
                                 "1\u2212S = " + format(p.probability) + ": all n = " + std::to_string(r.config.features) +
                                     " features represented as a regular pentagon (every gap 72\u00b0 \u00b1 " +
                                     format(tolerance) + "\u00b0)",
                                 std::to_string(d.features.size()) + " represented, gaps " + gaps_text(d), holds, {&p}));
    }
    return out;
}

}  // namespace experiments
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
