#pragma once
/// \file experiments/learning_dynamics.hpp
/// Learning dynamics: W recorded over training for a uniform-importance model (ReLU output, n = 5, m = 2,
/// 1 − S = 0.05, the setting that ends as a pentagon), and each feature's dimensionality D_i against the steps
/// beside the loss. The paper's observation is that D_i does not drift: it sits at one of the fractions of the
/// uniform-superposition geometries ("energy levels": 1, 3/4, 2/3, 1/2, 2/5, 3/8) and jumps between them — here
/// typically two antipodal pairs (D = 1/2) with the fifth feature not yet represented, then the pentagon (2/5) once
/// it joins — with the loss falling at the jump.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "../analysis/dimensionality.hpp"
#include "../errors.hpp"
#include "../fwd.hpp"
#include "../models/initialization.hpp"
#include "../models/relu_output_model.hpp"
#include "../optim/trainer.hpp"
#include "../parallel/thread_pool.hpp"
#include "../sampling/sparse_feature_sampler.hpp"
#include "claim_support.hpp"
#include "dimensionality.hpp"
#include "experiment.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace experiments {

struct LearningDynamicsConfig {
    Index features = 5;
    Index hidden = 2;
    /// 1 − S of every feature (uniform importance).
    double density = 0.05;
    /// The run's own time scale, not Settings' (--quick would compress the dynamics the claims measure): the
    /// paper's 10,000 AdamW steps at 1e-3.
    std::int64_t steps = 10'000;
    double learning_rate = 1e-3;
    /// W and the mean batch loss are recorded at steps 0, K, 2K, ….
    std::int64_t snapshot_every = 10;
    /// Independent runs (seeds 0, 1, …): a jump is a property of a trajectory, so the claim counts runs.
    Index seeds = 16;
    /// How close D_i must stay to an energy level to sit on it.
    double level_tolerance = 0.02;
    /// How long D_i must sit on each of the two levels of a jump, and how fast it must move between them.
    std::int64_t dwell_steps = 300;
    std::int64_t max_transition_steps = 600;
    /// Levels closer than this (2/5 and 3/8) are not a jump: D_i can drift between them.
    double min_level_change = 0.05;
    /// The share of runs that must show at least one jump.
    double min_jump_share = 0.25;
    /// The loss must fall by this fraction across every jump, and the window (steps) it is averaged over.
    double min_loss_drop = 0.15;
    std::int64_t loss_window_steps = 100;
};

/// One feature moving from one energy level to another: it sat within the tolerance of \ref from_level over steps
/// [from_first, from_last], then of \ref to_level over [to_first, to_last].
struct DimensionalityJump {
    Index feature = 0;
    double from_level = 0.0;
    std::int64_t from_first = 0, from_last = 0;
    double to_level = 0.0;
    std::int64_t to_first = 0, to_last = 0;
    /// The mean batch loss over the first and the last loss_window_steps on the old level, and the first on the new
    /// one: the loss along the plateau, then across the jump.
    double loss_dwell_start = 0.0, loss_before = 0.0, loss_after = 0.0;
};

/// One recorded training run.
struct LearningDynamicsRun {
    std::uint64_t seed = 0;
    /// The steps of the snapshots (0, K, 2K, …, the last step).
    std::vector<std::int64_t> steps;
    /// W (m × n) at each snapshot.
    std::vector<MatrixX<float>> weights;
    /// D_i at each snapshot: snapshots × n, NaN where feature i is not represented (‖W_i‖ ≤ 0.5).
    Eigen::MatrixXd dimensionality;
    /// Mean batch loss of the steps since the previous snapshot (NaN at step 0: no batch yet).
    std::vector<double> loss;
    std::vector<DimensionalityJump> jumps;
    double final_loss = 0.0;
    bool diverged = false;
};

struct LearningDynamicsResults {
    LearningDynamicsConfig config;
    std::vector<LearningDynamicsRun> runs;
    /// The run to draw: the one with the most jumps (the first such), else the first.
    [[nodiscard]] const LearningDynamicsRun* showcase() const {
        const LearningDynamicsRun* best = runs.empty() ? nullptr : &runs.front();
        for (const LearningDynamicsRun& run : runs)
            if (run.jumps.size() > best->jumps.size()) best = &run;
        return best;
    }
};

/// The jumps in \p dimensionality (snapshots × features, NaN: not represented) recorded at \p steps: per feature,
/// the maximal runs of snapshots within config.level_tolerance of one level of reference_fractions lasting at least
/// config.dwell_steps; two consecutive runs form a jump when their levels differ by at least
/// config.min_level_change and the second starts at most config.max_transition_steps after the first ends.
/// \p loss (one per snapshot, may be empty) fills the jumps' loss_before and loss_after.
[[nodiscard]] inline std::vector<DimensionalityJump> dimensionality_jumps(const Eigen::MatrixXd& dimensionality,
                                                                          const std::vector<std::int64_t>& steps,
                                                                          const std::vector<double>& loss,
                                                                          const LearningDynamicsConfig& config) {
    tms::detail::require(static_cast<std::size_t>(dimensionality.rows()) == steps.size(),
                         "dimensionality_jumps: ", dimensionality.rows(), " snapshots but ", steps.size(), " steps");
    tms::detail::require(loss.empty() || loss.size() == steps.size(), "dimensionality_jumps: ", loss.size(),
                         " losses but ", steps.size(), " steps");
    constexpr int none = -1;
    const auto level_of = [&](double d) {
        if (std::isnan(d)) return none;
        for (int k = 0; k < static_cast<int>(std::size(reference_fractions)); ++k)
            if (std::abs(d - reference_fractions[k]) <= config.level_tolerance) return k;
        return none;
    };
    // Mean loss over the snapshots whose steps fall in [first, last] (snapshot k's loss covers the steps before it).
    const auto mean_loss = [&](std::int64_t first, std::int64_t last) {
        double sum = 0.0;
        int count = 0;
        for (std::size_t k = 0; k < steps.size(); ++k)
            if (steps[k] >= first && steps[k] <= last && !std::isnan(loss[k])) {
                sum += loss[k];
                ++count;
            }
        return count ? sum / count : std::numeric_limits<double>::quiet_NaN();
    };
    struct Dwell {
        int level;
        std::int64_t first, last;
    };
    std::vector<DimensionalityJump> jumps;
    const auto snapshots = static_cast<std::size_t>(dimensionality.rows());
    for (Index i = 0; i < dimensionality.cols(); ++i) {
        std::vector<Dwell> dwells;
        for (std::size_t k = 0; k < snapshots;) {
            const int level = level_of(dimensionality(static_cast<Index>(k), i));
            std::size_t end = k;
            while (end + 1 < snapshots && level_of(dimensionality(static_cast<Index>(end + 1), i)) == level) ++end;
            if (level != none && steps[end] - steps[k] >= config.dwell_steps) dwells.push_back({level, steps[k], steps[end]});
            k = end + 1;
        }
        for (std::size_t k = 0; k + 1 < dwells.size(); ++k) {
            const Dwell& a = dwells[k];
            const Dwell& b = dwells[k + 1];
            const double from = reference_fractions[a.level], to = reference_fractions[b.level];
            if (std::abs(from - to) < config.min_level_change || b.first - a.last > config.max_transition_steps) continue;
            DimensionalityJump jump{i, from, a.first, a.last, to, b.first, b.last, std::nan(""), std::nan(""), std::nan("")};
            if (!loss.empty()) {
                jump.loss_dwell_start = mean_loss(a.first, a.first + config.loss_window_steps);
                jump.loss_before = mean_loss(a.last - config.loss_window_steps, a.last);
                jump.loss_after = mean_loss(b.first, b.first + config.loss_window_steps);
            }
            jumps.push_back(jump);
        }
    }
    return jumps;
}

namespace detail {

/// Trains one run, recording W, D_i and the mean batch loss every snapshot_every steps.
[[nodiscard]] inline LearningDynamicsRun record_run(const LearningDynamicsConfig& config, double density,
                                                    std::int64_t steps, std::uint64_t seed) {
    LearningDynamicsRun run;
    run.seed = seed;
    ReluOutputModel<float> model(config.features, config.hidden);
    initialize(model, seed);
    const SparseFeatureSampler<float> data(VectorX<float>::Constant(config.features, static_cast<float>(density)));
    TrainOptions options;
    options.steps = steps;
    options.learning_rate = config.learning_rate;
    options.seed = seed;
    options.log_every = std::max<std::int64_t>(1, steps);
    // Every step (step 0 included, before any batch), to average the loss between snapshots; unpacking W costs n·m.
    options.callback_every = 1;
    double loss_sum = 0.0;
    std::int64_t loss_count = 0;
    const auto record = [&](std::int64_t step, const ReluOutputModel<float>& current) {
        run.steps.push_back(step);
        run.weights.push_back(current.W());
        run.loss.push_back(loss_count ? loss_sum / static_cast<double>(loss_count) : std::nan(""));
        loss_sum = 0.0;
        loss_count = 0;
    };
    Trainer<ReluOutputModel<float>, SparseFeatureSampler<float>> trainer(model, data,
                                                                         VectorX<float>::Ones(config.features), options);
    try {
        const TrainReport report = trainer.run([&](const TrainingProgress& progress, const ReluOutputModel<float>& current) {
            if (!std::isnan(progress.loss)) {
                loss_sum += progress.loss;
                ++loss_count;
            }
            if (progress.step % config.snapshot_every == 0 || progress.step == steps) record(progress.step, current);
        });
        run.final_loss = report.final_loss;
    } catch (const divergence_error&) {
        run.diverged = true;
        run.final_loss = std::numeric_limits<double>::quiet_NaN();
    }
    run.dimensionality.resize(static_cast<Index>(run.weights.size()), config.features);
    for (std::size_t k = 0; k < run.weights.size(); ++k)
        run.dimensionality.row(static_cast<Index>(k)) = feature_dimensionality(run.weights[k]).cast<double>().transpose();
    run.jumps = dimensionality_jumps(run.dimensionality, run.steps, run.loss, config);
    return run;
}

}  // namespace detail

/// Trains config.seeds runs in parallel (seeds 0, 1, …) and finds their jumps. The untrained control records the
/// initial weights only; the wrong-data control trains on dense data (1 − S = 1), where uniform importance leaves
/// any rotation of two features optimal and no geometry to jump between.
[[nodiscard]] inline LearningDynamicsResults run_learning_dynamics(const LearningDynamicsConfig& config,
                                                                   const Settings& settings) {
    tms::detail::require(config.snapshot_every >= 1, "learning_dynamics: snapshot_every must be at least 1, got ",
                         config.snapshot_every);
    const double density = settings.control == Control::wrong_data ? 1.0 : config.density;
    const std::int64_t steps = settings.control == Control::untrained ? 0 : config.steps;
    const Index seeds = settings.control == Control::untrained ? 1 : std::max<Index>(1, config.seeds);
    LearningDynamicsResults results{config, std::vector<LearningDynamicsRun>(static_cast<std::size_t>(seeds))};
    const std::string label = detail::progress_label("learning_dynamics", settings);
    std::atomic<std::size_t> done{0};
    std::mutex progress_mutex;
    parallel_for(seeds, settings.threads, [&](Index k) {
        results.runs[static_cast<std::size_t>(k)] =
            detail::record_run(config, density, steps, static_cast<std::uint64_t>(k));
        const std::size_t finished = ++done;
        if (settings.progress) {
            std::lock_guard lock(progress_mutex);
            settings.progress(label, finished, static_cast<std::size_t>(seeds));
        }
    });
    return results;
}

namespace detail {

/// The median of \p values (NaN for none).
[[nodiscard]] inline double median(std::vector<double> values) {
    if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

/// "1/2", "2/5", … for a reference fraction.
[[nodiscard]] inline std::string level_name(double level) {
    const std::pair<double, const char*> names[] = {{1.0, "1"},     {0.75, "3/4"}, {2.0 / 3.0, "2/3"},
                                                    {0.5, "1/2"},   {0.4, "2/5"},  {0.375, "3/8"}};
    for (const auto& [value, name] : names)
        if (std::abs(value - level) < 1e-9) return name;
    return format(level);
}

[[nodiscard]] inline std::string jump_text(const LearningDynamicsRun& run, const DimensionalityJump& j) {
    return "seed " + std::to_string(run.seed) + " feature " + std::to_string(j.feature) + ": " + level_name(j.from_level) +
           " (steps " + std::to_string(j.from_first) + "\u2013" + std::to_string(j.from_last) + ") \u2192 " +
           level_name(j.to_level) + " (from step " + std::to_string(j.to_first) + ")";
}

}  // namespace detail

[[nodiscard]] inline std::vector<Claim> claims(const LearningDynamicsResults& r) {
    using namespace detail;
    const LearningDynamicsConfig& c = r.config;
    std::vector<Claim> out;
    std::size_t with_jumps = 0, jumps = 0, falling = 0;
    double smallest_drop = std::numeric_limits<double>::infinity();
    std::vector<double> dwell_drops;  // along the old level, for comparison (reported, not checked)
    std::string example;
    for (const LearningDynamicsRun& run : r.runs) {
        with_jumps += run.jumps.empty() ? 0 : 1;
        for (const DimensionalityJump& j : run.jumps) {
            ++jumps;
            const double drop = 1.0 - j.loss_after / j.loss_before;  // NaN (no loss recorded) counts as not falling
            if (drop >= c.min_loss_drop) ++falling;
            dwell_drops.push_back(1.0 - j.loss_before / j.loss_dwell_start);
            smallest_drop = std::min(smallest_drop, std::isnan(drop) ? -std::numeric_limits<double>::infinity() : drop);
            if (example.empty()) example = "; e.g. " + jump_text(run, j);
        }
    }
    // The share is over the configured seeds, so a control that trains fewer runs cannot pass by a small count.
    const auto seeds = static_cast<double>(std::max<Index>(1, c.seeds));
    const double share = static_cast<double>(with_jumps) / seeds;
    const std::string setting = "relu_output n = " + std::to_string(c.features) + ", m = " + std::to_string(c.hidden) +
                                ", uniform importance, 1\u2212S = " + format(c.density) + ", " +
                                std::to_string(c.steps) + " steps: ";
    out.push_back(make_claim(
        "learning_dynamics.jumps",
        setting + "in at least " + format(100 * c.min_jump_share) + "% of the " + std::to_string(c.seeds) +
            " runs some feature's D\u1d62 (while \u2016W\u1d62\u2016 > 0.5) stays within " + format(c.level_tolerance) +
            " of one level of 1, 3/4, 2/3, 1/2, 2/5, 3/8 for \u2265 " + std::to_string(c.dwell_steps) +
            " steps, then within " + format(c.level_tolerance) + " of a level at least " + format(c.min_level_change) +
            " away for \u2265 " + std::to_string(c.dwell_steps) + " steps, moving between them in \u2264 " +
            std::to_string(c.max_transition_steps) + " steps",
        std::to_string(with_jumps) + " of " + std::to_string(r.runs.size()) + " runs (" + format(100 * share) + "%), " +
            std::to_string(jumps) + " jumps" + example,
        with_jumps > 0 && share >= c.min_jump_share, {}));
    out.push_back(make_claim(
        "learning_dynamics.loss_falls_at_jumps",
        setting + "there is at least one jump (as in learning_dynamics.jumps) and at every one the mean batch loss over "
                  "the first " + std::to_string(c.loss_window_steps) + " steps on the new level is at least " +
            format(100 * c.min_loss_drop) + "% below its mean over the last " + std::to_string(c.loss_window_steps) +
            " steps on the old level",
        jumps == 0 ? std::string("no jumps")
                   : std::to_string(falling) + " of " + std::to_string(jumps) + " jumps; smallest drop " +
                         format(100 * smallest_drop) + "% (along the old level, first to last " +
                         std::to_string(c.loss_window_steps) + " steps: median " + format(100 * median(dwell_drops)) +
                         "%)",
        jumps > 0 && falling == jumps, {}));
    return out;
}

}  // namespace experiments
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
