#pragma once
/// \file experiments/phase_diagram.hpp
/// The paper's extra-feature phase diagrams: n = 2 features in m = 1 dimension (importances 1 and r) and n = 3 in
/// m = 2 (importances 1, 1, r), over the extra feature's importance r × the density 1 − S, each cell the best of a
/// few seeds classified by tms::classify_extra_feature; the n = 2 diagram beside the analytic one
/// (tms::analytic_two_feature_phase, from the exact losses of the three solutions).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../analysis/extra_feature_phase.hpp"
#include "../analysis/two_feature_phase_diagram.hpp"
#include "../fwd.hpp"
#include "claim_support.hpp"
#include "experiment.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace experiments {

struct PhaseDiagramConfig {
    /// The extra feature's importance r: this many values log-spaced over [min_importance, max_importance]. An even
    /// count on a range symmetric about 1 keeps r = 1 (where ignore and dedicate cost the same) off the grid.
    Index importance_points = 10;
    double min_importance = 0.1, max_importance = 10.0;
    /// The density 1 − S: this many values log-spaced over [min_density, max_density].
    Index density_points = 10;
    double min_density = 0.01, max_density = 1.0;
    /// Seeds per cell, the lowest final loss kept.
    Index best_of = 2;
    /// The least fraction of n = 2 cells whose trained phase must equal the analytic one.
    double required_agreement = 0.9;
    /// The least fraction of the cells of each analytic phase that must agree too, so that no single phase
    /// painted over the whole grid reaches required_agreement (most cells are analytically "superposition").
    double required_per_phase = 0.5;

    /// The grid `tms reproduce --quick` runs: 6 × 6 cells, best of 2.
    [[nodiscard]] static PhaseDiagramConfig quick() {
        PhaseDiagramConfig config;
        config.importance_points = 6;
        config.density_points = 6;
        config.best_of = 2;
        return config;
    }
};

/// One trained cell: its nominal r and density, the model, and the phase classify_extra_feature gives it.
struct PhaseCell {
    double extra_importance = 1.0;
    Point point;
    ExtraFeaturePhase phase = ExtraFeaturePhase::unclassified;
};

/// A diagram: cells in row-major order, density outer (rows), importance inner (columns).
struct PhaseDiagram {
    Index features = 2, hidden = 1;
    std::vector<double> extra_importances, densities;
    std::vector<PhaseCell> cells;
    [[nodiscard]] const PhaseCell& at(std::size_t density, std::size_t importance) const {
        return cells[density * extra_importances.size() + importance];
    }
};

struct PhaseDiagramResults {
    PhaseDiagramConfig config;
    PhaseDiagram two_in_one;    ///< n = 2, m = 1
    PhaseDiagram three_in_two;  ///< n = 3, m = 2
};

namespace detail {

/// Trains one diagram. Wrong data: each cell trains at the grid's opposite corner in log space (r → r_min r_max / r,
/// 1 − S → s_min s_max / (1 − S)): dense cells on sparse data and the reverse, ignore and dedicate swapped.
[[nodiscard]] inline PhaseDiagram train_phase_diagram(const PhaseDiagramConfig& config, Index n, Index m,
                                                      const Settings& settings) {
    PhaseDiagram diagram;
    diagram.features = n;
    diagram.hidden = m;
    diagram.extra_importances = log_spaced(config.min_importance, config.max_importance, config.importance_points);
    diagram.densities = log_spaced(config.min_density, config.max_density, config.density_points);
    const bool wrong = settings.control == Control::wrong_data;
    const auto count = static_cast<std::size_t>(settings.control == Control::untrained ? 1 : std::max<Index>(1, config.best_of));
    std::vector<ModelConfig> configs;
    for (const double s : diagram.densities)
        for (const double r : diagram.extra_importances) {
            const double train_r = wrong ? config.min_importance * config.max_importance / r : r;
            const double train_s = wrong ? config.min_density * config.max_density / s : s;
            std::vector<double> importance(static_cast<std::size_t>(n), 1.0);
            importance.back() = train_r;
            for (std::size_t seed = 0; seed < count; ++seed)
                configs.push_back(model_config("relu_output", n, m, importance, train_s, settings, seed));
        }
    std::vector<SweepResult> all =
        train_all(configs, settings, "phase_diagram_n" + std::to_string(n) + "_m" + std::to_string(m));
    std::size_t k = 0;
    for (const double s : diagram.densities)
        for (const double r : diagram.extra_importances) {
            PhaseCell cell;
            cell.extra_importance = r;
            cell.point = {s, std::move(all[lowest_loss(all, k * count, count)])};
            cell.phase = classify_extra_feature(cell.point.model.W, n - 1);
            diagram.cells.push_back(std::move(cell));
            ++k;
        }
    return diagram;
}

}  // namespace detail

/// Trains both diagrams, best_of seeds per cell (one under the untrained control).
[[nodiscard]] inline PhaseDiagramResults run_phase_diagram(const PhaseDiagramConfig& config, const Settings& settings) {
    return {config, detail::train_phase_diagram(config, 2, 1, settings),
            detail::train_phase_diagram(config, 3, 2, settings)};
}

/// The fraction of the n = 2, m = 1 cells whose trained phase equals tms::analytic_two_feature_phase at the cell's
/// nominal r and 1 − S.
[[nodiscard]] inline double analytic_agreement(const PhaseDiagram& diagram) {
    if (diagram.cells.empty()) return 0.0;
    std::size_t agree = 0;
    for (const PhaseCell& c : diagram.cells)
        agree += c.phase == analytic_two_feature_phase(c.extra_importance, c.point.probability) ? 1 : 0;
    return static_cast<double>(agree) / static_cast<double>(diagram.cells.size());
}

[[nodiscard]] inline std::vector<Claim> claims(const PhaseDiagramResults& r) {
    using namespace detail;
    std::vector<Claim> out;
    const auto reads = [](const PhaseDiagram& d) {
        std::vector<const Point*> points;
        for (const PhaseCell& c : d.cells) points.push_back(&c.point);
        return points;
    };
    {
        const PhaseDiagram& d = r.two_in_one;
        const double agreement = analytic_agreement(d);
        std::size_t counts[4] = {0, 0, 0, 0}, analytic[4] = {0, 0, 0, 0}, matched[4] = {0, 0, 0, 0};
        for (const PhaseCell& c : d.cells) {
            const auto expected = static_cast<int>(analytic_two_feature_phase(c.extra_importance, c.point.probability));
            ++counts[static_cast<int>(c.phase)];
            ++analytic[expected];
            matched[expected] += static_cast<int>(c.phase) == expected ? 1 : 0;
        }
        double worst_phase = 1.0;
        std::string per_phase;
        for (int k = 0; k < 3; ++k) {
            if (!analytic[k]) continue;
            const double fraction = static_cast<double>(matched[k]) / static_cast<double>(analytic[k]);
            worst_phase = std::min(worst_phase, fraction);
            per_phase += std::string(per_phase.empty() ? "" : ", ") + std::to_string(matched[k]) + "/" +
                         std::to_string(analytic[k]) + " " + std::string(phase_name(static_cast<ExtraFeaturePhase>(k)));
        }
        out.push_back(make_claim(
            "phase_diagram.two_in_one_matches_analytic",
            "n = 2, m = 1, " + std::to_string(d.extra_importances.size()) + " \u00d7 " +
                std::to_string(d.densities.size()) + " cells (r from " + format(r.config.min_importance) + " to " +
                format(r.config.max_importance) + ", 1\u2212S from " + format(r.config.min_density) + " to " +
                format(r.config.max_density) + ", log-spaced): in at least " +
                format(100.0 * r.config.required_agreement) +
                "% of the cells the trained phase (classify_extra_feature on W) equals the analytic phase of the exact "
                "losses, and in at least " + format(100.0 * r.config.required_per_phase) +
                "% of the cells of each analytic phase",
            format(100.0 * agreement, 3) + "% agree (" + std::to_string(counts[0]) + " ignore, " +
                std::to_string(counts[1]) + " dedicate, " + std::to_string(counts[2]) + " superposition, " +
                std::to_string(counts[3]) + " unclassified); per analytic phase " + per_phase,
            agreement >= r.config.required_agreement && worst_phase >= r.config.required_per_phase, reads(d)));
    }
    {
        // n = 3, m = 2 has no closed form; the claim reads the diagram's edges, where the paper's figure is clear:
        // the densest row ignores the extra feature below r = 1 and dedicates a dimension to it above, and the
        // sparsest row puts a less important extra feature in superposition (a much more important one keeps a
        // dimension of its own down to sparse data: m = 2 leaves room for it).
        const PhaseDiagram& d = r.three_in_two;
        std::size_t dense_ok = 0, sparse_ok = 0, below_one = 0;
        const std::size_t columns = d.extra_importances.size(), rows = d.densities.size();
        for (std::size_t i = 0; i < columns; ++i) {
            const PhaseCell& dense = d.at(rows - 1, i);
            dense_ok += dense.phase == (dense.extra_importance < 1.0 ? ExtraFeaturePhase::ignore_extra
                                                                     : ExtraFeaturePhase::dedicate_extra);
            if (d.extra_importances[i] < 1.0) {
                ++below_one;
                sparse_ok += d.at(0, i).phase == ExtraFeaturePhase::superposition;
            }
        }
        std::vector<const Point*> edge;
        for (std::size_t i = 0; i < columns; ++i) {
            edge.push_back(&d.at(rows - 1, i).point);
            edge.push_back(&d.at(0, i).point);
        }
        const bool holds = dense_ok == columns && below_one > 0 && sparse_ok == below_one;
        out.push_back(make_claim(
            "phase_diagram.three_in_two_edges",
            "n = 3, m = 2 (importances 1, 1, r): at 1\u2212S = " + format(d.densities.back()) +
                " every cell is \u201cignore extra\u201d for r < 1 and \u201cdedicate to extra\u201d for r > 1, and "
                "at 1\u2212S = " + format(d.densities.front()) + " every cell with r < 1 is \u201csuperposition\u201d (" +
                std::to_string(columns) + " values of r)",
            "densest row " + std::to_string(dense_ok) + "/" + std::to_string(columns) + " as stated, sparsest row " +
                std::to_string(sparse_ok) + "/" + std::to_string(below_one) + " superposition for r < 1",
            holds, edge));
    }
    return out;
}

}  // namespace experiments
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
