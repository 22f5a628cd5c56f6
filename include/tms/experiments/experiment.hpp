#pragma once
/// \file experiments/experiment.hpp
/// What every experiment shares: the run settings (steps, seeds, threads, a control), trained points, claims.
///
/// An experiment is a configuration in and typed results out, with its claims as predicates over the results.
/// Each claim's text says exactly what its predicate checks. The controls are how a claim earns its place: run the
/// same experiment with Control::untrained (the initial weights) or Control::wrong_data (each point trained on data
/// of the opposite regime) and every claim must fail, since the predicates read the experiment's nominal
/// configuration (its sparsity and importance), never the data a control actually trained on.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../fwd.hpp"
#include "../parallel/thread_pool.hpp"
#include "../sweep/pruned_best_of.hpp"
#include "../sweep/run_config.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace experiments {

/// Which weights an experiment's claims are checked on.
enum class Control {
    none,        ///< trained as the paper trains them
    untrained,   ///< the initial (Xavier-normal) weights: no step taken
    wrong_data,  ///< each point trained on data from the opposite regime (dense for sparse, sparse for dense,
                 ///< reversed importance where the claim is about importance)
};

/// "trained", "untrained" or "wrong_data".
[[nodiscard]] inline const char* to_string(Control control) noexcept {
    switch (control) {
        case Control::none: return "trained";
        case Control::untrained: return "untrained";
        case Control::wrong_data: return "wrong_data";
    }
    return "trained";
}

/// How an experiment trains its models.
struct Settings {
    /// Training steps per model (the paper's 10,000).
    std::int64_t steps = 10'000;
    /// AdamW learning rate (the paper's 1e-3).
    double learning_rate = 1e-3;
    /// Seeds per point where an experiment keeps the lowest final loss (the paper: 1000 for the ReLU hidden layer).
    Index best_of = 1000;
    /// Worker threads; 0 means every core.
    unsigned threads = 0;
    /// Unset (the default): every seed of a best-of trains for all its steps, the paper's protocol. Set: points
    /// with more than one seed take the best by successive halving (tms::pruned_best_of), which is **not the
    /// paper's protocol** and may miss a seed that is poor early and best late.
    std::optional<PruneSchedule> pruned_best_of;
    Control control = Control::none;
    /// Called after each model (from worker threads, serialised): experiment name, models done, models in all.
    std::function<void(std::string_view, std::size_t, std::size_t)> progress;
};

/// A claim checked against trained models: what the paper says, what the predicate checks, what was measured.
struct Claim {
    /// Stable identifier ("relu_hidden.regime_0.12"), the same in every run and control.
    std::string id;
    /// Exactly what the predicate checks, in words.
    std::string text;
    /// The measured values the verdict rests on.
    std::string measured;
    bool holds = false;
    /// Whether every model the claim reads had converged (tms::SweepResult::converged).
    bool converged = true;
};

/// \p count values from \p low to \p high (either may be the larger), equally spaced in log (just \p low for a
/// count of 1): the sparsity and importance axes of the experiments.
[[nodiscard]] inline std::vector<double> log_spaced(double low, double high, Index count) {
    std::vector<double> values;
    for (Index k = 0; k < count; ++k)
        values.push_back(count == 1 ? low
                                    : std::exp(std::log(low) + (std::log(high) - std::log(low)) * static_cast<double>(k) /
                                                                   static_cast<double>(count - 1)));
    return values;
}

/// One trained point of an experiment: the sparsity it stands for and the model that represents it.
struct Point {
    /// The nominal presence probability 1 − S of this point (what the claims read).
    double probability = 1.0;
    /// The model (best of the seeds where the experiment takes a best-of); under Control::wrong_data it was
    /// trained on other data than \ref probability says.
    SweepResult model;
    /// Training steps taken over all seeds of this point: seeds × steps under the paper's protocol, fewer under
    /// Settings::pruned_best_of.
    std::int64_t trained_steps = 0;
};

namespace detail {

/// The name progress is reported under: \p name, with the control run (if any) and \p detail in parentheses, so
/// the trained run and each control report as separate experiments.
[[nodiscard]] inline std::string progress_label(std::string_view name, const Settings& settings,
                                                std::string_view detail = {}) {
    std::string inside(detail);
    if (settings.control != Control::none)
        inside += (inside.empty() ? "" : ", ") + std::string(to_string(settings.control)) + " control";
    return inside.empty() ? std::string(name) : std::string(name) + " (" + inside + ")";
}

/// Trains \p configs in parallel on settings.threads threads and reports progress under \p name.
inline std::vector<SweepResult> train_all(const std::vector<ModelConfig>& configs, const Settings& settings,
                                          std::string_view name) {
    std::vector<SweepResult> results(configs.size());
    const std::string label = progress_label(name, settings);
    std::atomic<std::size_t> done{0};
    std::mutex progress_mutex;
    parallel_for(static_cast<Index>(configs.size()), settings.threads, [&](Index k) {
        ModelConfig config = configs[static_cast<std::size_t>(k)];
        if (settings.control == Control::untrained) config.steps = 0;
        results[static_cast<std::size_t>(k)] = run_config(config);
        const std::size_t finished = ++done;
        if (settings.progress) {
            std::lock_guard lock(progress_mutex);
            settings.progress(label, finished, configs.size());
        }
    });
    return results;
}

/// The steps the paper's protocol trains for a point of \p seeds seeds: none under the untrained control.
[[nodiscard]] inline std::int64_t full_protocol_steps(std::size_t seeds, const Settings& settings) {
    return static_cast<std::int64_t>(seeds) * (settings.control == Control::untrained ? 0 : settings.steps);
}

/// The index of the lowest final loss among \p results[first, first + count) (NaN never wins).
[[nodiscard]] inline std::size_t lowest_loss(const std::vector<SweepResult>& results, std::size_t first,
                                             std::size_t count) {
    std::size_t winner = first;
    for (std::size_t i = first; i < first + count && i < results.size(); ++i)
        if (std::isnan(results[winner].final_loss) ||
            (!std::isnan(results[i].final_loss) && results[i].final_loss < results[winner].final_loss))
            winner = i;
    return winner;
}

/// The configuration of one model of an experiment at the settings' steps and learning rate.
[[nodiscard]] inline ModelConfig model_config(std::string model, Index n, Index m, PerFeature importance,
                                              double probability, const Settings& settings, std::uint64_t seed = 0) {
    ModelConfig config;
    config.model = std::move(model);
    config.features = n;
    config.hidden = m;
    config.importance = std::move(importance);
    config.probability = probability;
    config.steps = settings.steps;
    config.learning_rate = settings.learning_rate;
    config.seed = seed;
    return config;
}

/// I_i = r^(n−1−i): the importance order reversed, for the wrong-data control of importance claims.
[[nodiscard]] inline std::vector<double> reversed_importance(Index n, double ratio) {
    std::vector<double> values(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i) values[static_cast<std::size_t>(i)] = std::pow(ratio, static_cast<double>(n - 1 - i));
    return values;
}

/// Trains one point per probability, best of \p seeds each; \p wrong maps a nominal probability to the
/// wrong-data control's, \p wrong_importance replaces the importance under that control (if not empty).
[[nodiscard]] inline std::vector<Point> train_points(std::string_view name, const std::string& model, Index n,
                                                     Index m, double importance_ratio,
                                                     const std::vector<double>& probabilities, Index seeds,
                                                     const Settings& settings,
                                                     const std::function<double(double)>& wrong,
                                                     const std::vector<double>& wrong_importance = {}) {
    const bool wrong_data = settings.control == Control::wrong_data;
    // The untrained control has one model per point: without training, seeds differ only in noise.
    const auto count = static_cast<std::size_t>(settings.control == Control::untrained ? 1 : std::max<Index>(1, seeds));
    std::vector<ModelConfig> configs;
    for (const double p : probabilities)
        for (std::size_t s = 0; s < count; ++s) {
            PerFeature importance = importance_ratio;
            if (wrong_data && !wrong_importance.empty()) importance = wrong_importance;
            configs.push_back(model_config(model, n, m, importance, wrong_data ? wrong(p) : p, settings,
                                           static_cast<std::uint64_t>(s)));
        }
    std::vector<Point> points;
    if (settings.pruned_best_of && count > 1 && settings.control != Control::untrained) {
        // Progress counts seed-stages (every seed to the first cut, the survivors to each later stop).
        const std::string label = progress_label(name, settings, "pruned best-of, seed-stages");
        for (std::size_t k = 0; k < probabilities.size(); ++k) {
            const std::vector<ModelConfig> seeds(configs.begin() + static_cast<std::ptrdiff_t>(k * count),
                                                 configs.begin() + static_cast<std::ptrdiff_t>((k + 1) * count));
            // Progress over the whole experiment: point k of K reports its stages as the k-th K-th of the work.
            const auto progress = [&](std::size_t done, std::size_t total) {
                if (settings.progress)
                    settings.progress(label, k * total + done, probabilities.size() * total);
            };
            PrunedBestOf best = pruned_best_of(seeds, *settings.pruned_best_of, settings.threads, progress);
            points.push_back({probabilities[k], std::move(best.best), best.trained_steps});
        }
        return points;
    }
    std::vector<SweepResult> all = train_all(configs, settings, name);
    for (std::size_t k = 0; k < probabilities.size(); ++k)
        points.push_back({probabilities[k], std::move(all[lowest_loss(all, k * count, count)]),
                          full_protocol_steps(count, settings)});
    return points;
}

}  // namespace detail

}  // namespace experiments
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
