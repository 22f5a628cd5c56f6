#pragma once
/// \file experiments/dimensionality.hpp
/// Feature dimensionality (ReLU output, n = 100, m = 20, uniform importance) swept finely over sparsity: the
/// dimensions per feature m/‖W‖²_F fall from 1 and stick at 1/2 (antipodal pairs) for a range of sparsity, and
/// individual features sit at the fractions of the geometries the paper names (1, 3/4, 2/3, 1/2, 2/5, 3/8).

#include <cmath>
#include <string>
#include <vector>

#include "../analysis/dimensionality.hpp"
#include "../fwd.hpp"
#include "claim_support.hpp"
#include "experiment.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace experiments {

struct DimensionalityConfig {
    Index features = 100;
    Index hidden = 20;
    /// 31 sparsities from 1 to 0.02, log-spaced, so plateaus show as runs of points.
    std::vector<double> probabilities = log_spaced(1.0, 0.02, 31);
    /// Half-width of the windows around the reference fractions.
    double window = 0.02;
    /// Largest m/‖W‖²_F at the sparsest point.
    double sparsest_limit = 0.35;
};

struct DimensionalityResults {
    DimensionalityConfig config;
    std::vector<Point> points;
};

/// The paper's reference fractions: 1, 3/4, 2/3, 1/2, 2/5, 3/8.
inline constexpr double reference_fractions[] = {1.0, 0.75, 2.0 / 3.0, 0.5, 0.4, 0.375};

/// The fraction of [low, 1] covered by the windows of half-width \p window around the reference fractions: what a
/// uniform spread of D_i over [low, 1] would score on the reference-fraction claim.
[[nodiscard]] inline double reference_coverage(double window, double low) {
    // Union of intervals by sampling finely (the windows overlap for wide ones).
    constexpr int steps = 100'000;
    int covered = 0;
    for (int k = 0; k < steps; ++k) {
        const double d = low + (1.0 - low) * (k + 0.5) / steps;
        for (const double ref : reference_fractions)
            if (std::abs(d - ref) <= window) {
                ++covered;
                break;
            }
    }
    return static_cast<double>(covered) / steps;
}

/// One model per probability (seed 0). Wrong data: points at 1−S ≥ 0.2 train on 1−S = 0.01, sparser ones dense.
[[nodiscard]] inline DimensionalityResults run_dimensionality(const DimensionalityConfig& config,
                                                              const Settings& settings) {
    const auto wrong = [](double p) { return p >= 0.2 ? 0.01 : 1.0; };
    return {config, detail::train_points("dimensionality", "relu_output", config.features, config.hidden, 1.0,
                                         config.probabilities, 1, settings, wrong)};
}

[[nodiscard]] inline std::vector<Claim> claims(const DimensionalityResults& r) {
    using namespace detail;
    const Index m = r.config.hidden, n = r.config.features;
    std::vector<Claim> out;
    std::vector<double> per_feature;
    for (const Point& p : r.points) per_feature.push_back(p.model.dimensions_per_feature);
    {
        // Uniform importance makes the dense optimum any rank-m projection, so which features carry it is not
        // determined; the dimensions per feature are: m of them, one per hidden dimension.
        const Point& p = r.points.front();
        const bool holds = p.probability == 1.0 && std::abs(per_feature.front() - 1.0) <= 0.05;
        out.push_back(make_claim("dimensionality.dense",
                                 "1\u2212S = 1: m/\u2016W\u2016\u00b2_F within 0.05 of 1 (one hidden dimension per "
                                 "represented feature, no superposition)",
                                 "m/\u2016W\u2016\u00b2_F " + format(per_feature.front()), holds, {&p}));
    }
    {
        const Point& p = r.points.back();
        const auto represented = static_cast<Index>(represented_set(p.model).size());
        const bool holds = per_feature.back() <= r.config.sparsest_limit && represented >= 3 * m;
        out.push_back(make_claim("dimensionality.sparse",
                                 "1\u2212S = " + format(p.probability) + ": m/\u2016W\u2016\u00b2_F \u2264 " +
                                     format(r.config.sparsest_limit) + " and at least 3m = " + std::to_string(3 * m) +
                                     " of the n = " + std::to_string(n) + " features represented",
                                 "m/\u2016W\u2016\u00b2_F " + format(per_feature.back()) + ", " +
                                     std::to_string(represented) + " represented",
                                 holds, {&p}));
    }
    {
        // Features of the models in the range of the reference lines (3/8 ≤ m/‖W‖²_F < 1): near a reference?
        Index near = 0, counted = 0;
        std::vector<const Point*> reads;
        for (const Point& p : r.points) {
            if (p.model.dimensions_per_feature < 0.375 || p.model.dimensions_per_feature >= 0.95) continue;
            reads.push_back(&p);
            const auto d = feature_dimensionality(p.model.W);
            for (Index i = 0; i < d.size(); ++i) {
                if (std::isnan(d[i])) continue;
                ++counted;
                for (const double ref : reference_fractions)
                    if (std::abs(static_cast<double>(d[i]) - ref) <= r.config.window) {
                        ++near;
                        break;
                    }
            }
        }
        const double coverage = reference_coverage(r.config.window, 0.3);
        const double fraction = counted ? static_cast<double>(near) / static_cast<double>(counted) : 0.0;
        const bool holds = counted > 0 && fraction >= 2.0 * coverage;
        out.push_back(make_claim(
            "dimensionality.reference_fractions",
            "in the models with 3/8 \u2264 m/\u2016W\u2016\u00b2_F < 0.95, the share of represented features with D\u1d62 "
            "within " + format(r.config.window) + " of 1, 3/4, 2/3, 1/2, 2/5 or 3/8 is at least twice what a "
            "uniform spread over [0.3, 1] would give (" + format(100 * coverage, 3) + "%)",
            std::to_string(near) + " of " + std::to_string(counted) + " (" + format(100 * fraction, 3) + "%) in " +
                std::to_string(reads.size()) + " models",
            holds, reads.empty() ? all_of(r.points) : reads));
    }
    {
        std::size_t longest = 0, run = 0, end = 0;
        for (std::size_t k = 0; k < per_feature.size(); ++k) {
            run = std::abs(per_feature[k] - 0.5) <= 0.03 ? run + 1 : 0;
            if (run > longest) {
                longest = run;
                end = k;
            }
        }
        std::string where = longest ? " (1\u2212S from " + format(r.points[end + 1 - longest].probability) + " to " +
                                          format(r.points[end].probability) + ")"
                                    : "";
        out.push_back(make_claim("dimensionality.half_plateau",
                                 "m/\u2016W\u2016\u00b2_F sticks at 1/2 (antipodal pairs): within 0.03 of 1/2 at 3 or "
                                 "more consecutive sparsities of the sweep",
                                 "longest run " + std::to_string(longest) + where, longest >= 3, all_of(r.points)));
    }
    return out;
}

}  // namespace experiments
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
