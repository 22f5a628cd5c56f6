#pragma once
/// \file sweep/sweep_config.hpp
/// tms::ModelConfig (one training run described by value) and tms::SweepGrid (axes that expand into an ordered
/// list of configs), each config with a stable id so a re-run recognises finished work.
///
///     tms::SweepGrid grid;
///     grid.base.features = 20;  grid.base.hidden = 5;  grid.base.steps = 2000;
///     grid.models = {"relu_output", "relu_hidden"};
///     grid.probabilities = {0.1, 0.01};          // a number: every feature; a vector: one per feature
///     grid.seeds = {0, 1, 2};
///     for (const tms::ModelConfig& config : grid.expand()) std::cout << config.id() << " " << config.key() << "\n";

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "../detail/validate.hpp"
#include "../fwd.hpp"
#include "../optim/trainer.hpp"
#include "../sampling/correlated_feature_sampler.hpp"
#include "../config.hpp"
#include "../models/model_kind.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// A per-feature quantity: one number for every feature, or one value per feature.
///
/// For a presence probability the number is the probability of each feature; for importance it is the ratio r of
/// the paper's geometric importance I_i = r^i.
using PerFeature = std::variant<double, std::vector<double>>;

/// The model kinds a config can name: the models' kind_name.
inline constexpr std::array<std::string_view, 4> sweep_model_names = model_kind_names;

namespace detail {

/// The shortest decimal that reads back as \p value (std::to_chars), so keys do not depend on the C library's
/// printf or the locale.
[[nodiscard]] inline std::string shortest(double value) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

inline void append_per_feature(std::string& out, const PerFeature& values) {
    if (const double* scalar = std::get_if<double>(&values)) {
        out += shortest(*scalar);
        return;
    }
    out += '[';
    const auto& list = std::get<std::vector<double>>(values);
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out += ',';
        out += shortest(list[i]);
    }
    out += ']';
}

/// "c2@0.05,a3@0.1": each set's kind (correlated, anticorrelated), size and probability.
inline void append_feature_sets(std::string& out, const std::vector<FeatureSet>& sets) {
    for (std::size_t j = 0; j < sets.size(); ++j) {
        if (j > 0) out += ',';
        out += sets[j].correlation == SetCorrelation::correlated ? 'c' : 'a';
        out += std::to_string(sets[j].size) + '@' + shortest(sets[j].probability);
    }
}

/// 64-bit FNV-1a followed by splitmix64's finaliser, so keys that differ in one character get unrelated ids:
/// stable across platforms and runs (std::hash is neither).
[[nodiscard]] inline std::uint64_t stable_hash(std::string_view text) noexcept {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    hash = (hash ^ (hash >> 30)) * 0xbf58476d1ce4e5b9ULL;
    hash = (hash ^ (hash >> 27)) * 0x94d049bb133111ebULL;
    return hash ^ (hash >> 31);
}

[[nodiscard]] inline std::string hex16(std::uint64_t value) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, value >>= 4) out[static_cast<std::size_t>(i)] = digits[value & 0xF];
    return out;
}

[[nodiscard]] inline std::string optimizer_key(const OptimizerOptions& optimizer) {
    return std::visit(
        [](const auto& o) -> std::string {
            using O = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<O, SgdOptions>)
                return "sgd(momentum=" + shortest(o.momentum) + ",dampening=" + shortest(o.dampening) +
                       ",weight_decay=" + shortest(o.weight_decay) + ",nesterov=" + (o.nesterov ? "1" : "0") + ")";
            else
                return std::string(std::is_same_v<O, AdamWOptions> ? "adamw" : "adam") + "(beta1=" +
                       shortest(o.beta1) + ",beta2=" + shortest(o.beta2) + ",epsilon=" + shortest(o.epsilon) +
                       ",weight_decay=" + shortest(o.weight_decay) + ")";
        },
        optimizer);
}

}  // namespace detail

/// The name of \p optimizer: "adamw", "adam" or "sgd".
[[nodiscard]] inline std::string_view optimizer_name(const OptimizerOptions& optimizer) noexcept {
    if (std::holds_alternative<AdamWOptions>(optimizer)) return "adamw";
    if (std::holds_alternative<AdamOptions>(optimizer)) return "adam";
    return "sgd";
}

/// One training run described by value: which model, its sizes, its data, and how to train it (the TrainOptions it
/// is built on: steps, batch_size, learning_rate, optimizer, schedule, seed, final_loss_window).
///
/// Models train in single precision with run-time sizes; the seed draws the initial weights (stream 0) and the
/// data (stream 1), so a config determines its trained weights bit for bit on a given build. A sweep keeps the
/// final loss, not the curve: log_every and callback_every are not used (train_options() sets them).
///
/// With feature_sets the data comes from tms::CorrelatedFeatureSampler: the sets take the first features (in
/// order, each on consecutive features) and \ref probability describes the independent features after them.
struct ModelConfig : TrainOptions {
    std::string model = "relu_output";  ///< one of sweep_model_names
    Index features = 20;                ///< n
    Index hidden = 5;                   ///< m
    PerFeature importance = 1.0;        ///< ratio r (I_i = r^i) or n values
    /// Presence probability p = 1 − S: one for all, or one per feature (per independent feature with sets).
    PerFeature probability = 0.01;
    /// Correlated and anticorrelated sets drawn together (none: every feature independent).
    std::vector<FeatureSet> feature_sets;

    /// Everything but the seed, canonically spelt: configs that differ only in their seed share it.
    [[nodiscard]] std::string point_key() const {
        std::string out = "model=" + model + ";n=" + std::to_string(features) + ";m=" + std::to_string(hidden) +
                          ";importance=";
        detail::append_per_feature(out, importance);
        out += ";probability=";
        detail::append_per_feature(out, probability);
        // Spelt only when present, so the ids of configs without sets stay what they were.
        if (!feature_sets.empty()) {
            out += ";sets=";
            detail::append_feature_sets(out, feature_sets);
        }
        out += ";steps=" + std::to_string(steps) + ";batch=" + std::to_string(batch_size) +
               ";lr=" + detail::shortest(learning_rate) + ";optimizer=" + detail::optimizer_key(optimizer) +
               ";schedule=" + schedule.name();
        // Spelt only when changed, so the ids of configs written before the field was part of the key stay valid.
        if (final_loss_window != TrainOptions{}.final_loss_window)
            out += ";final_loss_window=" + std::to_string(final_loss_window);
        return out;
    }

    /// The whole config canonically spelt (point_key() plus the seed); equal keys mean equal training runs.
    [[nodiscard]] std::string key() const { return point_key() + ";seed=" + std::to_string(seed); }

    /// 16 hex digits of detail::stable_hash of key() (FNV-1a, mixed): the config's stable id in results files.
    [[nodiscard]] std::string id() const { return detail::hex16(detail::stable_hash(key())); }

    /// 16 hex digits of the hash of point_key(): shared by the seeds of one grid point.
    [[nodiscard]] std::string point_id() const { return detail::hex16(detail::stable_hash(point_key())); }

    /// The importance vector I (n entries).
    [[nodiscard]] VectorX<double> importance_vector() const {
        if (const double* ratio = std::get_if<double>(&importance)) {
            VectorX<double> values(features);
            for (Index i = 0; i < features; ++i) values[i] = std::pow(*ratio, static_cast<double>(i));
            return values;
        }
        const auto& list = std::get<std::vector<double>>(importance);
        return Eigen::Map<const VectorX<double>>(list.data(), static_cast<Index>(list.size()));
    }

    /// The presence probability of each independent feature: the n − features_in_sets(feature_sets) after the sets.
    [[nodiscard]] VectorX<double> independent_probability_vector() const {
        const Index independent = features - features_in_sets(feature_sets);
        if (const double* p = std::get_if<double>(&probability))
            return VectorX<double>::Constant(std::max<Index>(independent, 0), *p);
        const auto& list = std::get<std::vector<double>>(probability);
        return Eigen::Map<const VectorX<double>>(list.data(), static_cast<Index>(list.size()));
    }

    /// The marginal presence probability of each feature (n entries): the sets' members, then the independent ones.
    [[nodiscard]] VectorX<double> probability_vector() const {
        const VectorX<double> independent = independent_probability_vector();
        VectorX<double> values(features_in_sets(feature_sets) + independent.size());
        Index i = 0;
        for (const FeatureSet& set : feature_sets)
            for (Index k = 0; k < set.size; ++k) values[i++] = set.probability;
        values.tail(independent.size()) = independent;
        return values;
    }

    /// The trainer options this config implies.
    [[nodiscard]] TrainOptions train_options() const {
        TrainOptions options = *this;
        options.log_every = steps > 0 ? steps : 1;  // a sweep keeps the final loss, not the curve
        options.callback_every = 0;
        return options;
    }
};

/// Throws std::invalid_argument naming the first invalid field of \p config (unknown model, a zero size, a
/// probability outside [0, 1], a per-feature vector whose length is not n, a bad ratio or training option).
inline void validate(const ModelConfig& config) {
    bool known = false;
    for (const std::string_view name : sweep_model_names) known = known || name == config.model;
    detail::require(known, "unknown model '", config.model,
                    "' (expected linear, relu_output, relu_hidden or abs_value)");
    detail::require_positive_size(config.features, "features (n)");
    detail::require_positive_size(config.hidden, "hidden (m)");
    const Index in_sets = features_in_sets(config.feature_sets);
    detail::require(in_sets <= config.features, "the feature sets hold ", in_sets, " features but there are ",
                    config.features);
    if (const double* p = std::get_if<double>(&config.probability)) {
        detail::require_probability(*p, "feature probability");
    } else {
        const auto& list = std::get<std::vector<double>>(config.probability);
        const Index independent = config.features - in_sets;
        detail::require(static_cast<Index>(list.size()) == independent, "probability vector has ", list.size(),
                        " entries but there are ", independent,
                        config.feature_sets.empty() ? " features" : " features outside the feature sets");
        for (std::size_t i = 0; i < list.size(); ++i)
            detail::require_probability(list[i], detail::concat("probability of feature ", in_sets + static_cast<Index>(i)));
    }
    // The sampler's own checks (set sizes and probabilities, an anticorrelated set's size × probability ≤ 1).
    if (!config.feature_sets.empty())
        (void)CorrelatedFeatureSampler<float>(config.feature_sets, config.independent_probability_vector());
    if (const double* ratio = std::get_if<double>(&config.importance)) {
        detail::require_finite_positive(*ratio, "importance ratio");
        // Models train in float: I_i = r^i must stay finite there, for the largest i (or the smallest, r < 1).
        const double extreme = std::pow(*ratio, static_cast<double>(config.features - 1));
        detail::require(extreme <= static_cast<double>(std::numeric_limits<float>::max()),
                        "importance ratio ", *ratio, " gives I_", config.features - 1, " = ", extreme,
                        ", beyond the float range the models train in");
    } else {
        const auto& list = std::get<std::vector<double>>(config.importance);
        detail::require(static_cast<Index>(list.size()) == config.features, "importance vector has ", list.size(),
                        " entries but there are ", config.features, " features");
        for (std::size_t i = 0; i < list.size(); ++i)
            detail::require(std::isfinite(list[i]) && list[i] >= 0.0 &&
                                list[i] <= static_cast<double>(std::numeric_limits<float>::max()),
                            "importance of feature ", i, " must be finite (in float) and non-negative, got ", list[i]);
    }
    validate(config.train_options());
    // The optimizer's own checks (Adam's betas and epsilon, SGD's Nesterov rule), run now rather than when the
    // config starts training.
    std::visit(
        [](const auto& o) {
            using O = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<O, SgdOptions>)
                (void)Sgd<double>(o);
            else if constexpr (std::is_same_v<O, AdamOptions>)
                (void)Adam<double>(o);
            else
                (void)AdamW<double>(o);
        },
        config.optimizer);
}

/// Axes over a base config; expand() takes their Cartesian product in a fixed order.
///
/// An empty axis is not swept (the base value is used). The order is models, sizes, importances, probabilities,
/// learning rates, then seeds innermost, so the seeds of one point are adjacent and the list is the same on every
/// machine and every run. A set of base.feature_sets whose probability is NaN takes each config's probability
/// (which must then be one number), so the sets follow the probability axis.
struct SweepGrid {
    ModelConfig base;
    std::vector<std::string> models;
    std::vector<std::pair<Index, Index>> sizes;  ///< (n, m)
    std::vector<PerFeature> importances;
    std::vector<PerFeature> probabilities;
    std::vector<double> learning_rates;
    std::vector<std::uint64_t> seeds;

    /// The configs of the grid, validated, in the documented order.
    /// \throws std::invalid_argument for an invalid config (naming it) or two identical configs.
    [[nodiscard]] std::vector<ModelConfig> expand() const {
        const auto count = [](const auto& axis) { return axis.empty() ? std::size_t{1} : axis.size(); };
        std::vector<ModelConfig> configs;
        configs.reserve(count(models) * count(sizes) * count(importances) * count(probabilities) *
                        count(learning_rates) * count(seeds));
        std::set<std::string> keys;
        ModelConfig c = base;
        for (std::size_t a = 0; a < count(models); ++a) {
            if (!models.empty()) c.model = models[a];
            for (std::size_t s = 0; s < count(sizes); ++s) {
                if (!sizes.empty()) std::tie(c.features, c.hidden) = sizes[s];
                for (std::size_t i = 0; i < count(importances); ++i) {
                    if (!importances.empty()) c.importance = importances[i];
                    for (std::size_t p = 0; p < count(probabilities); ++p) {
                        if (!probabilities.empty()) c.probability = probabilities[p];
                        for (std::size_t l = 0; l < count(learning_rates); ++l) {
                            if (!learning_rates.empty()) c.learning_rate = learning_rates[l];
                            for (std::size_t k = 0; k < count(seeds); ++k) {
                                if (!seeds.empty()) c.seed = seeds[k];
                                try {
                                    for (std::size_t j = 0; j < c.feature_sets.size(); ++j) {
                                        if (!std::isnan(base.feature_sets[j].probability)) continue;
                                        const double* p = std::get_if<double>(&c.probability);
                                        detail::require(p != nullptr, "feature set ", j, " has no probability of its "
                                                        "own and takes the config's, which is a per-feature list");
                                        c.feature_sets[j].probability = *p;
                                    }
                                    validate(c);
                                } catch (const std::invalid_argument& e) {
                                    throw std::invalid_argument(detail::concat("config ", configs.size(), " (",
                                                                               c.model, " n=", c.features, " m=",
                                                                               c.hidden, "): ", e.what()));
                                }
                                detail::require(keys.insert(c.key()).second, "config ", configs.size(),
                                                " repeats an earlier one (", c.key(), ")");
                                configs.push_back(c);
                            }
                        }
                    }
                }
            }
        }
        return configs;
    }
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
