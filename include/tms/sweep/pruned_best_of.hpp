#pragma once
/// \file sweep/pruned_best_of.hpp
/// tms::pruned_best_of: the best of K seeds by successive halving. **Not the paper's protocol.**
///
/// The paper trains every seed for all its steps and keeps the lowest final loss (what tms::run_config on each seed
/// and `tms reproduce` do). pruned_best_of trains every candidate to a first cut, keeps the best fraction by the mean
/// batch loss of the last steps before the cut, continues only those to the next cut, and so on; the survivors of
/// the last cut train to the end and the lowest final loss wins. A candidate trains exactly as run_config trains it
/// (the same data stream, the same weights at every step), so whenever the full protocol's winner survives every
/// cut, the result is the same model. What it can miss is a seed whose loss is poor early and best late; docs/
/// performance.md measures how often that happens for the ReLU-hidden figure.
///
///     std::vector<tms::ModelConfig> seeds;          // one config per seed of the same point
///     const tms::PrunedBestOf best = tms::pruned_best_of(seeds, tms::PruneSchedule{});
///     // best.best: the winner (weights, analyses); best.trained_steps / best.full_steps: the compute spent

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <numeric>
#include <type_traits>
#include <vector>

#include "../config.hpp"
#include "../detail/validate.hpp"
#include "../errors.hpp"
#include "../fwd.hpp"
#include "../parallel/thread_pool.hpp"
#include "run_config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// When successive halving cuts and how much it keeps.
struct PruneSchedule {
    /// The first cut, as a fraction of the steps; the later cuts are spaced geometrically between it and the end:
    /// cut k of C (k = 1 … C) at steps · first_cut^((C − k + 1) / C).
    double first_cut = 0.1;
    /// Number of cuts.
    int cuts = 2;
    /// Fraction of the candidates kept at each cut (rounded up: at least one survives).
    double keep = 0.25;
};

/// \throws std::invalid_argument naming the field unless 0 < first_cut < 1, 1 ≤ cuts ≤ 16 and 0 < keep ≤ 1.
inline void validate(const PruneSchedule& schedule) {
    detail::require(schedule.first_cut > 0.0 && schedule.first_cut < 1.0,
                    "pruned best-of: first_cut must be in (0, 1), got ", schedule.first_cut);
    detail::require(schedule.cuts >= 1 && schedule.cuts <= 16, "pruned best-of: cuts must be in 1 … 16, got ",
                    schedule.cuts);
    detail::require(schedule.keep > 0.0 && schedule.keep <= 1.0, "pruned best-of: keep must be in (0, 1], got ",
                    schedule.keep);
}

/// The steps at which \p schedule cuts a run of \p steps steps: increasing, each in [1, steps) (cuts that would
/// coincide are merged).
[[nodiscard]] inline std::vector<std::int64_t> cut_steps(std::int64_t steps, const PruneSchedule& schedule) {
    validate(schedule);
    std::vector<std::int64_t> cuts;
    for (int k = 1; k <= schedule.cuts; ++k) {
        const double exponent = static_cast<double>(schedule.cuts - k + 1) / static_cast<double>(schedule.cuts);
        const auto at = static_cast<std::int64_t>(
            std::llround(static_cast<double>(steps) * std::pow(schedule.first_cut, exponent)));
        if (at >= 1 && at < steps && (cuts.empty() || at > cuts.back())) cuts.push_back(at);
    }
    return cuts;
}

/// How many of \p count candidates survive one cut of \p schedule.
[[nodiscard]] inline std::size_t survivors(std::size_t count, const PruneSchedule& schedule) {
    const auto kept = static_cast<std::size_t>(std::ceil(static_cast<double>(count) * schedule.keep - 1e-9));
    return std::clamp<std::size_t>(kept, 1, count);
}

/// The winner of a pruned best-of and the compute it took.
struct PrunedBestOf {
    /// The candidate with the lowest final loss among those trained to the end, as tms::run_config reports it
    /// (\ref SweepResult::seconds counts its own training and analysis).
    SweepResult best;
    /// Training steps taken over all candidates (a diverged candidate counts the steps before its divergence).
    std::int64_t trained_steps = 0;
    /// Training steps the paper's protocol takes for the same candidates: candidates × steps.
    std::int64_t full_steps = 0;
};

namespace detail {

/// The positions of the \p kept lowest last losses among \p alive (NaN last; ties keep the earlier candidate).
template <class Candidate>
[[nodiscard]] std::vector<std::size_t> lowest_last_losses(const std::vector<std::unique_ptr<Candidate>>& all,
                                                          std::vector<std::size_t> alive, std::size_t kept) {
    std::stable_sort(alive.begin(), alive.end(), [&](std::size_t a, std::size_t b) {
        const double la = all[a]->last_loss, lb = all[b]->last_loss;
        if (std::isnan(la) || std::isnan(lb)) return !std::isnan(la) && std::isnan(lb);
        return la < lb;
    });
    alive.resize(std::min(kept, alive.size()));
    std::sort(alive.begin(), alive.end());
    return alive;
}

template <class Model, class Sampler>
PrunedBestOf pruned_best_of_as(const std::vector<ModelConfig>& configs, const PruneSchedule& schedule,
                               unsigned threads, const std::function<void(std::size_t, std::size_t)>& progress) {
    using Candidate = SeedRun<Model, Sampler>;
    const std::int64_t steps = configs.front().steps;
    std::vector<std::unique_ptr<Candidate>> all(configs.size());
    std::vector<std::int64_t> stops = cut_steps(steps, schedule);
    stops.push_back(steps);

    // Progress counts candidate-segments: every candidate to the first cut, the survivors to each later stop.
    std::size_t total = 0;
    for (std::size_t stage = 0, alive = configs.size(); stage < stops.size(); ++stage) {
        total += alive;
        alive = survivors(alive, schedule);
    }
    std::atomic<std::size_t> done{0};
    std::mutex progress_mutex;
    const auto report = [&] {
        const std::size_t finished = ++done;
        if (progress) {
            std::lock_guard lock(progress_mutex);
            progress(finished, total);
        }
    };

    PrunedBestOf out;
    out.full_steps = static_cast<std::int64_t>(configs.size()) * steps;
    std::vector<std::size_t> alive(configs.size());
    std::iota(alive.begin(), alive.end(), std::size_t{0});
    for (std::size_t stage = 0; stage < stops.size(); ++stage) {
        const std::int64_t stop = stops[stage];
        parallel_for(static_cast<Index>(alive.size()), threads, [&](Index k) {
            const std::size_t c = alive[static_cast<std::size_t>(k)];
            if (!all[c])
                with_config_sampler<Model>(configs[c], [&](const auto& data) {
                    if constexpr (std::is_same_v<std::decay_t<decltype(data)>, Sampler>)
                        all[c] = std::make_unique<Candidate>(configs[c], data);
                });
            all[c]->advance(stop);
            report();
        });
        if (stage + 1 == stops.size()) break;
        const std::vector<std::size_t> kept = lowest_last_losses(all, alive, survivors(alive.size(), schedule));
        for (const std::size_t c : alive)
            if (!std::binary_search(kept.begin(), kept.end(), c)) {
                out.trained_steps += all[c]->trainer.step();
                all[c].reset();  // its memory: a candidate cut here never trains again
            }
        alive = kept;
    }
    for (const std::size_t c : alive) out.trained_steps += all[c]->trainer.step();
    const std::vector<std::size_t> winner = lowest_last_losses(all, alive, 1);
    out.best = all[winner.front()]->result();
    return out;
}

}  // namespace detail

/// Trains \p candidates (typically one config per seed of one point) by successive halving on \p threads threads
/// (0: every core) and returns the one with the lowest final loss. See the file comment: this is not the paper's
/// protocol, and it keeps a Trainer per candidate alive until the cut that drops it (measured: 36 KB each for
/// n = 10, m = 5; 0.5 MB for n = 100, m = 20).
///
/// \p progress(done, total), if given, is called after each candidate finishes a stage (serialised).
/// \throws std::invalid_argument if \p candidates is empty, a config is invalid (validate(const ModelConfig&)),
/// the candidates differ in model kind, steps, or in having feature sets, or \p schedule is invalid.
[[nodiscard]] inline PrunedBestOf pruned_best_of(const std::vector<ModelConfig>& candidates,
                                                 const PruneSchedule& schedule = {}, unsigned threads = 0,
                                                 const std::function<void(std::size_t, std::size_t)>& progress = {}) {
    detail::require(!candidates.empty(), "pruned best-of: no candidates");
    validate(schedule);
    const ModelConfig& first = candidates.front();
    for (const ModelConfig& config : candidates) {
        validate(config);
        detail::require(config.model == first.model && config.steps == first.steps &&
                            config.feature_sets.empty() == first.feature_sets.empty(),
                        "pruned best-of: every candidate must have the same model kind, steps and sampler kind; got ",
                        config.model, " with ", config.steps, " steps after ", first.model, " with ", first.steps);
    }
    return with_model_type<float>(parse_model_kind(first.model), [&]<class Model>(std::type_identity<Model>) {
        return detail::with_config_sampler<Model>(first, [&](const auto& data) {
            using Sampler = std::decay_t<decltype(data)>;
            return detail::pruned_best_of_as<Model, Sampler>(candidates, schedule, threads, progress);
        });
    });
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
