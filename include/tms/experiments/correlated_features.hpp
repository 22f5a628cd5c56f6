#pragma once
/// \file experiments/correlated_features.hpp
/// The paper's "Superposition with correlated features" in its smallest setting: n = 4 features as two pairs in
/// m = 2 dimensions (ReLU output, uniform importance), the pairs correlated (both members present or neither) or
/// anticorrelated (at most one present), trained on tms::CorrelatedFeatureSampler. Sparse correlated features are
/// orthogonal to each other and in superposition (antipodal) with the other pair; sparse anticorrelated features are
/// antipodal to each other; dense correlated pairs merge into one direction each, the two pairs orthogonal.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "../analysis/set_interference.hpp"
#include "../fwd.hpp"
#include "../parallel/thread_pool.hpp"
#include "../sampling/correlated_feature_sampler.hpp"
#include "../sweep/run_config.hpp"
#include "claim_support.hpp"
#include "experiment.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace experiments {

struct CorrelatedFeaturesConfig {
    /// Pairs of features (each pair one FeatureSet of size 2) in \ref hidden dimensions.
    Index pairs = 2;
    Index hidden = 2;
    /// The sparse regime of the orthogonal, antipodal and collapse claims, and the dense one where pairs merge.
    double sparse_probability = 0.05;
    double dense_probability = 0.5;
    /// Seeds per point, the lowest final loss kept.
    Index best_of = 2;
};

/// One trained point: the sets it stands for (nominal) and the model.
struct CorrelatedPoint {
    std::vector<FeatureSet> sets;
    Point point;
    /// WᵀW summarised over the nominal sets.
    SetInterference interference;
};

struct CorrelatedFeaturesResults {
    CorrelatedFeaturesConfig config;
    CorrelatedPoint sparse_correlated, sparse_anticorrelated, dense_correlated;
};

namespace detail {

/// Trains a ReLU output model (uniform importance) on \p sets alone (no independent features), as run_config trains
/// any config with feature sets.
[[nodiscard]] inline SweepResult train_on_sets(const std::vector<FeatureSet>& sets, Index hidden, std::uint64_t seed,
                                               std::int64_t steps, double learning_rate) {
    ModelConfig config = model_config("relu_output", features_in_sets(sets), hidden, 1.0, 0.0, Settings{}, seed);
    config.feature_sets = sets;
    config.steps = steps;
    config.learning_rate = learning_rate;
    return run_config(config);
}

}  // namespace detail

/// Trains the three points, best_of seeds each. Wrong data: each point on the other correlation (correlated ↔
/// anticorrelated) in the other regime (sparse ↔ dense); the claims read the nominal sets.
[[nodiscard]] inline CorrelatedFeaturesResults run_correlated_features(const CorrelatedFeaturesConfig& config,
                                                                       const Settings& settings) {
    const bool wrong = settings.control == Control::wrong_data;
    const auto count = static_cast<std::size_t>(settings.control == Control::untrained ? 1 : std::max<Index>(1, config.best_of));
    const auto flip = [](SetCorrelation c) {
        return c == SetCorrelation::correlated ? SetCorrelation::anticorrelated : SetCorrelation::correlated;
    };
    struct Nominal {
        SetCorrelation correlation;
        double probability;
    };
    const Nominal nominal[] = {{SetCorrelation::correlated, config.sparse_probability},
                               {SetCorrelation::anticorrelated, config.sparse_probability},
                               {SetCorrelation::correlated, config.dense_probability}};
    std::vector<std::vector<FeatureSet>> trained_sets;
    for (const Nominal& point : nominal) {
        const SetCorrelation correlation = wrong ? flip(point.correlation) : point.correlation;
        const double probability = !wrong ? point.probability
                                   : point.probability == config.sparse_probability ? config.dense_probability
                                                                                    : config.sparse_probability;
        for (std::size_t seed = 0; seed < count; ++seed)
            trained_sets.push_back(repeated_feature_sets(config.pairs, 2, correlation, probability));
    }
    const std::int64_t steps = settings.control == Control::untrained ? 0 : settings.steps;
    std::vector<SweepResult> all(trained_sets.size());
    const std::string label = detail::progress_label("correlated_features", settings);
    std::atomic<std::size_t> done{0};
    std::mutex progress_mutex;
    parallel_for(static_cast<Index>(all.size()), settings.threads, [&](Index k) {
        const auto i = static_cast<std::size_t>(k);
        all[i] = detail::train_on_sets(trained_sets[i], config.hidden, i % count, steps, settings.learning_rate);
        const std::size_t finished = ++done;
        if (settings.progress) {
            std::lock_guard lock(progress_mutex);
            settings.progress(label, finished, all.size());
        }
    });
    const auto make = [&](std::size_t k) {
        CorrelatedPoint p;
        p.sets = repeated_feature_sets(config.pairs, 2, nominal[k].correlation, nominal[k].probability);
        p.point = {nominal[k].probability, std::move(all[detail::lowest_loss(all, k * count, count)])};
        p.interference = set_interference(p.point.model.W, p.sets);
        return p;
    };
    return {config, make(0), make(1), make(2)};
}

[[nodiscard]] inline std::vector<Claim> claims(const CorrelatedFeaturesResults& r) {
    using namespace detail;
    std::vector<Claim> out;
    const CorrelatedFeaturesConfig& c = r.config;
    const Index n = 2 * c.pairs;
    const std::string setting = std::to_string(c.pairs) + " pairs (n = " + std::to_string(n) + ") in m = " +
                                std::to_string(c.hidden) + ", ";
    const auto represented_text = [](const CorrelatedPoint& p) {
        return std::to_string(p.point.model.represented) + " represented";
    };
    {
        const CorrelatedPoint& p = r.sparse_correlated;
        const InterferenceSummary& within = p.interference.within_correlated;
        const bool holds = p.point.model.represented == n && within.pairs == c.pairs && within.mean_abs_cosine < 0.1;
        out.push_back(make_claim("correlated_features.correlated_orthogonal",
                                 setting + "correlated pairs at 1\u2212S = " + format(p.point.probability) + ": all " +
                                     std::to_string(n) + " features represented and the mean |cos| between the two "
                                     "members of a pair below 0.1 (correlated features orthogonal)",
                                 represented_text(p) + ", within-pair mean |cos| " + format(within.mean_abs_cosine, 2),
                                 holds, {&p.point}));
    }
    {
        const CorrelatedPoint& p = r.sparse_anticorrelated;
        const InterferenceSummary& within = p.interference.within_anticorrelated;
        const bool holds = p.point.model.represented == n && within.pairs == c.pairs && within.mean_cosine < -0.95;
        out.push_back(make_claim("correlated_features.anticorrelated_antipodal",
                                 setting + "anticorrelated pairs at 1\u2212S = " + format(p.point.probability) +
                                     ": all " + std::to_string(n) + " features represented and the mean cosine "
                                     "between the two members of a pair below \u22120.95 (antipodal)",
                                 represented_text(p) + ", within-pair mean cos " + format(within.mean_cosine, 3), holds,
                                 {&p.point}));
    }
    {
        const CorrelatedPoint& p = r.dense_correlated;
        const InterferenceSummary& within = p.interference.within_correlated;
        const InterferenceSummary& across = p.interference.across_sets;
        const bool holds = within.pairs == c.pairs && within.mean_cosine > 0.9 && across.pairs > 0 &&
                           across.mean_abs_cosine < 0.1;
        out.push_back(make_claim("correlated_features.dense_pairs_merge",
                                 setting + "correlated pairs at 1\u2212S = " + format(p.point.probability) +
                                     ": both members of every pair represented along one direction (within-pair mean "
                                     "cos above 0.9) and the pairs orthogonal to each other (across-pair mean |cos| "
                                     "below 0.1)",
                                 represented_text(p) + ", within-pair mean cos " + format(within.mean_cosine, 3) +
                                     ", across-pair mean |cos| " + format(across.mean_abs_cosine, 2),
                                 holds, {&p.point}));
    }
    {
        const CorrelatedPoint& dense = r.dense_correlated;
        const CorrelatedPoint& sparse = r.sparse_correlated;
        const InterferenceSummary& before = dense.interference.across_sets;
        const InterferenceSummary& after = sparse.interference.across_sets;
        const bool holds = before.pairs > 0 && before.mean_abs_cosine < 0.1 &&
                           after.pairs == c.pairs * (c.pairs - 1) * 2 && after.mean_cosine < -0.4;
        out.push_back(make_claim("correlated_features.sets_collapse_into_superposition",
                                 setting + "correlated pairs: at 1\u2212S = " + format(dense.point.probability) +
                                     " the pairs are orthogonal to each other (across-pair mean |cos| below 0.1); at "
                                     "1\u2212S = " + format(sparse.point.probability) + " all across-pair feature "
                                     "pairs are represented with mean cos below \u22120.4 (each feature antipodal to "
                                     "one of the other pair: the pairs in superposition with each other)",
                                 "across-pair mean |cos| " + format(before.mean_abs_cosine, 2) + " at 1\u2212S = " +
                                     format(dense.point.probability) + "; " + std::to_string(after.pairs) +
                                     " across pairs with mean cos " + format(after.mean_cosine, 3) + " at 1\u2212S = " +
                                     format(sparse.point.probability),
                                 holds, {&dense.point, &sparse.point}));
    }
    return out;
}

}  // namespace experiments
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
