#pragma once
/// \file experiments/pentagon_perturbation.hpp
/// The paper's perturbation of uniform superposition: n = 5 features of equal importance in m = 2 dimensions at
/// 1 − S = 0.05 form a regular pentagon; making one feature (the last) progressively sparser first narrows the two
/// angles next to it, then drops it, leaving the other four at right angles (two antipodal pairs).

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "../fwd.hpp"
#include "claim_support.hpp"
#include "experiment.hpp"
#include "two_dimensional.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace experiments {

struct PentagonPerturbationConfig {
    Index features = 5;
    Index hidden = 2;
    /// The density 1 − S of every feature but the last.
    double density = 0.05;
    /// The last feature's density relative to the others', from unperturbed (1) to much sparser.
    std::vector<double> sparsity_factors = {1.0, 0.7, 0.5, 0.3, 0.2, 0.1, 0.05};
    /// The factor whose pentagon must be deformed but whole, and the one where the perturbed feature must be gone.
    double deformed_factor = 0.2;
    double broken_factor = 0.05;
    /// Seeds per point, the lowest final loss kept.
    Index best_of = 3;
    /// How far a gap may be from the regular polygon's (pentagon 72°, square 90°).
    double gap_tolerance_degrees = 8.0;
    /// How much narrower than 72° each gap next to the perturbed feature must be at deformed_factor.
    double narrowing_degrees = 5.0;
};

struct PentagonPerturbationResults {
    PentagonPerturbationConfig config;
    /// One point per sparsity factor; Point::probability is the perturbed feature's nominal density.
    std::vector<Point> points;
    [[nodiscard]] const Point* at_factor(double factor) const {
        for (std::size_t k = 0; k < config.sparsity_factors.size() && k < points.size(); ++k)
            if (config.sparsity_factors[k] == factor) return &points[k];
        return nullptr;
    }
};

/// Trains best_of seeds per factor (uniform importance, the first n − 1 features at \ref density, the last at
/// density × factor). Wrong data: every feature 20 times denser (capped at 1), the dense regime where two features
/// take the two dimensions.
[[nodiscard]] inline PentagonPerturbationResults run_pentagon_perturbation(const PentagonPerturbationConfig& config,
                                                                           const Settings& settings) {
    const bool wrong = settings.control == Control::wrong_data;
    const auto count = static_cast<std::size_t>(settings.control == Control::untrained ? 1 : std::max<Index>(1, config.best_of));
    std::vector<ModelConfig> configs;
    for (const double factor : config.sparsity_factors) {
        const double base = wrong ? std::min(1.0, 20.0 * config.density) : config.density;
        std::vector<double> probability(static_cast<std::size_t>(config.features), base);
        probability.back() = base * factor;
        for (std::size_t seed = 0; seed < count; ++seed) {
            ModelConfig model = detail::model_config("relu_output", config.features, config.hidden, 1.0, base, settings, seed);
            model.probability = probability;
            configs.push_back(std::move(model));
        }
    }
    std::vector<SweepResult> all = detail::train_all(configs, settings, "pentagon_perturbation");
    PentagonPerturbationResults results{config, {}};
    for (std::size_t k = 0; k < config.sparsity_factors.size(); ++k)
        results.points.push_back({config.density * config.sparsity_factors[k],
                                  std::move(all[detail::lowest_loss(all, k * count, count)]),
                                  detail::full_protocol_steps(count, settings)});
    return results;
}

namespace detail {

/// The two gaps of \p d on either side of feature \p feature (NaN when it is not represented).
[[nodiscard]] inline std::pair<double, double> gaps_beside(const Directions& d, Index feature) {
    const std::vector<double> gaps = d.gaps();
    for (std::size_t k = 0; k < d.features.size(); ++k)
        if (d.features[k] == feature) return {gaps[(k + gaps.size() - 1) % gaps.size()], gaps[k]};
    return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
}

[[nodiscard]] inline std::string gaps_text(const Directions& d) {
    std::string text;
    for (const double gap : d.gaps()) text += (text.empty() ? "" : ", ") + format(std::round(gap), 3) + "\u00b0";
    return text.empty() ? std::string("none") : text;
}

}  // namespace detail

[[nodiscard]] inline std::vector<Claim> claims(const PentagonPerturbationResults& r) {
    using namespace detail;
    std::vector<Claim> out;
    const PentagonPerturbationConfig& c = r.config;
    const Index last = c.features - 1;
    const double tolerance = c.gap_tolerance_degrees;
    const std::string id = "pentagon_perturbation.";
    const auto missing = [&](const std::string& name, double factor) {
        return make_claim(id + name, "no point at sparsity factor " + format(factor), "not run", false, {});
    };
    if (const Point* p = r.at_factor(1.0)) {
        const Directions d = represented_directions(p->model.W);
        const bool holds = static_cast<Index>(d.features.size()) == c.features && d.polygon_deviation() < tolerance;
        out.push_back(make_claim(id + "pentagon",
                                 "uniform importance, every feature at 1\u2212S = " + format(c.density) + ": all " +
                                     std::to_string(c.features) + " features represented as a regular pentagon (every "
                                     "gap 72\u00b0 \u00b1 " + format(tolerance) + "\u00b0)",
                                 std::to_string(d.features.size()) + " represented, gaps " + gaps_text(d), holds, {p}));
    } else {
        out.push_back(missing("pentagon", 1.0));
    }
    if (const Point* p = r.at_factor(c.deformed_factor)) {
        const Directions d = represented_directions(p->model.W);
        const auto [before, after] = gaps_beside(d, last);
        const double narrow = 72.0 - c.narrowing_degrees;
        bool others_wide = static_cast<Index>(d.features.size()) == c.features;
        const std::vector<double> gaps = d.gaps();
        double widest_other = 0.0, narrowest_other = 360.0;
        for (std::size_t k = 0; k < d.features.size(); ++k) {
            if (d.features[k] == last || d.features[(k + 1) % d.features.size()] == last) continue;
            widest_other = std::max(widest_other, gaps[k]);
            narrowest_other = std::min(narrowest_other, gaps[k]);
            others_wide = others_wide && gaps[k] > 72.0;
        }
        const bool holds = others_wide && before < narrow && after < narrow;
        out.push_back(make_claim(
            id + "deformed",
            "feature " + std::to_string(last) + " at " + format(c.deformed_factor) + " \u00d7 the others' density: all " +
                std::to_string(c.features) + " features represented, both gaps beside feature " + std::to_string(last) +
                " narrower than " + format(narrow) + "\u00b0 and the other three wider than 72\u00b0",
            std::to_string(d.features.size()) + " represented, gaps beside feature " + std::to_string(last) + " " +
                format(before, 3) + "\u00b0 and " + format(after, 3) + "\u00b0, other gaps " +
                format(narrowest_other, 3) + "\u2013" + format(widest_other, 3) + "\u00b0",
            holds, {p}));
    } else {
        out.push_back(missing("deformed", c.deformed_factor));
    }
    if (const Point* p = r.at_factor(c.broken_factor)) {
        const Directions d = represented_directions(p->model.W);
        const double norm = static_cast<double>(p->model.feature_norms[last]);
        const bool holds = norm <= represented_threshold && static_cast<Index>(d.features.size()) == c.features - 1 &&
                           d.features.size() == 4 && d.polygon_deviation() < tolerance;
        out.push_back(make_claim(
            id + "square",
            "feature " + std::to_string(last) + " at " + format(c.broken_factor) + " \u00d7 the others' density: it is "
                "not represented (\u2016W\u2016 \u2264 0.5) and the other 4 features sit at right angles (every gap "
                "90\u00b0 \u00b1 " + format(tolerance) + "\u00b0)",
            "\u2016W_" + std::to_string(last) + "\u2016 = " + format(norm, 2) + ", " + std::to_string(d.features.size()) +
                " represented, gaps " + gaps_text(d),
            holds, {p}));
    } else {
        out.push_back(missing("square", c.broken_factor));
    }
    return out;
}

}  // namespace experiments
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
