#pragma once
// JSON for `tms sweep`: the grid file (read into a tms::SweepGrid) and one results line per trained config.
// The schema is documented in docs/distributed.md; every error is a std::invalid_argument of one line that names
// the key and the bad value, e.g. "grid.json: probabilities[1]: 1.5 is outside [0, 1]".

#include <charconv>
#include <cmath>
#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <variant>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tms/sweep/run_config.hpp>
#include <tms/sweep/sweep_config.hpp>

#include "json_output.hpp"
#include "limits.hpp"
#include "model_kind.hpp"

namespace tms::cli::sweep {

namespace detail {

[[noreturn]] inline void fail(const std::string& where, const std::string& what) {
    throw std::invalid_argument(where + ": " + what);
}

/// A JSON value shortened for an error message.
[[nodiscard]] inline std::string quote(const nlohmann::json& value) {
    std::string text = value.dump();
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    return text;
}

[[nodiscard]] inline double number(const nlohmann::json& value, const std::string& where) {
    if (!value.is_number()) fail(where, "expected a number, got " + quote(value));
    const double x = value.get<double>();
    if (!std::isfinite(x)) fail(where, "expected a finite number, got " + quote(value));
    return x;
}

[[nodiscard]] inline std::int64_t integer(const nlohmann::json& value, const std::string& where, std::int64_t min) {
    if (!value.is_number_integer()) fail(where, "expected an integer, got " + quote(value));
    const std::int64_t x = value.get<std::int64_t>();
    if (x < min) fail(where, std::to_string(x) + " is below the minimum " + std::to_string(min));
    return x;
}

[[nodiscard]] inline double probability(const nlohmann::json& value, const std::string& where) {
    const double p = number(value, where);
    if (!(p >= 0.0 && p <= 1.0)) fail(where, value.dump() + " is outside [0, 1]");
    return p;
}

/// A probability entry: one number for every feature, or a list (its length is checked against n on expansion).
[[nodiscard]] inline PerFeature probability_entry(const nlohmann::json& value, const std::string& where) {
    if (!value.is_array()) return probability(value, where);
    if (value.empty()) fail(where, "empty probability list");
    std::vector<double> list;
    for (std::size_t i = 0; i < value.size(); ++i)
        list.push_back(probability(value[i], where + "[" + std::to_string(i) + "]"));
    return list;
}

/// An importance entry: a ratio r > 0 (I_i = r^i) or a list of non-negative values.
[[nodiscard]] inline PerFeature importance_entry(const nlohmann::json& value, const std::string& where) {
    if (!value.is_array()) {
        const double r = number(value, where);
        if (!(r > 0.0)) fail(where, "importance ratio " + value.dump() + " must be positive");
        return r;
    }
    if (value.empty()) fail(where, "empty importance list");
    std::vector<double> list;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string at = where + "[" + std::to_string(i) + "]";
        list.push_back(number(value[i], at));
        if (list.back() < 0.0) fail(at, "importance " + value[i].dump() + " is negative");
        if (list.back() > static_cast<double>(std::numeric_limits<float>::max()))
            fail(at, "importance " + value[i].dump() + " is beyond the float range the models train in");
    }
    return list;
}

[[nodiscard]] inline OptimizerOptions optimizer(const nlohmann::json& value, const std::string& where) {
    const nlohmann::json* name = &value;
    if (value.is_object()) {
        if (!value.contains("name")) fail(where, "an optimizer object needs a \"name\"");
        name = &value["name"];
    }
    if (!name->is_string()) fail(where, "expected \"adamw\", \"adam\", \"sgd\" or an object, got " + quote(value));
    const std::string kind = name->get<std::string>();
    auto field = [&](const char* key, double fallback) {
        return value.is_object() && value.contains(key) ? number(value[key], where + "." + key) : fallback;
    };
    std::set<std::string> allowed{"name"};
    OptimizerOptions result;
    if (kind == "adamw" || kind == "adam") {
        allowed.insert({"beta1", "beta2", "epsilon", "weight_decay"});
        if (kind == "adamw")
            result = AdamWOptions{field("beta1", 0.9), field("beta2", 0.999), field("epsilon", 1e-8),
                                  field("weight_decay", 0.01)};
        else
            result = AdamOptions{field("beta1", 0.9), field("beta2", 0.999), field("epsilon", 1e-8),
                                 field("weight_decay", 0.0)};
    } else if (kind == "sgd") {
        allowed.insert({"momentum", "dampening", "weight_decay", "nesterov"});
        SgdOptions sgd{field("momentum", 0.0), field("dampening", 0.0), field("weight_decay", 0.0), false};
        if (value.is_object() && value.contains("nesterov")) {
            if (!value["nesterov"].is_boolean()) fail(where + ".nesterov", "expected true or false");
            sgd.nesterov = value["nesterov"].get<bool>();
        }
        result = sgd;
    } else {
        fail(where, "unknown optimizer '" + kind + "' (expected adamw, adam or sgd)");
    }
    if (value.is_object())
        for (const auto& [key, ignored] : value.items())
            if (!allowed.contains(key)) fail(where, "unknown " + kind + " option '" + key + "'");
    // The optimizers' own rules, checked here so that the message names the key and no results file is created.
    std::visit(
        [&](const auto& o) {
            using O = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<O, SgdOptions>) {
                if (!(o.momentum >= 0.0)) fail(where + ".momentum", "must be non-negative, got " + quote(o.momentum));
                if (!(o.dampening >= 0.0 && o.dampening <= 1.0))
                    fail(where + ".dampening", "must be in [0, 1], got " + quote(o.dampening));
                if (o.nesterov && !(o.momentum > 0.0 && o.dampening == 0.0))
                    fail(where + ".nesterov", "Nesterov momentum needs a positive momentum and zero dampening");
            } else {
                if (!(o.beta1 >= 0.0 && o.beta1 < 1.0)) fail(where + ".beta1", "must be in [0, 1), got " + quote(o.beta1));
                if (!(o.beta2 >= 0.0 && o.beta2 < 1.0)) fail(where + ".beta2", "must be in [0, 1), got " + quote(o.beta2));
                if (!(o.epsilon > 0.0)) fail(where + ".epsilon", "must be positive, got " + quote(o.epsilon));
            }
            if (!(o.weight_decay >= 0.0))
                fail(where + ".weight_decay", "must be non-negative, got " + quote(o.weight_decay));
        },
        result);
    return result;
}

/// The list under \p plural, or a one-entry list from \p singular; not both. nullptr: neither is given.
[[nodiscard]] inline std::vector<nlohmann::json> axis(const nlohmann::json& grid, const std::string& singular,
                                                      const std::string& plural) {
    const bool has_one = grid.contains(singular);
    const bool has_many = grid.contains(plural);
    if (has_one && has_many) fail(plural, "give either \"" + singular + "\" or \"" + plural + "\", not both");
    if (has_one) return {grid[singular]};
    if (!has_many) return {};
    const nlohmann::json& list = grid[plural];
    if (!list.is_array()) fail(plural, "expected a list, got " + quote(list));
    if (list.empty()) fail(plural, "the list is empty, so the grid has no configurations");
    return {list.begin(), list.end()};
}

}  // namespace detail

/// The grid that \p text (the contents of \p name) describes. See docs/distributed.md for the schema.
/// \throws std::invalid_argument "<name>: <key>: <problem>" for malformed JSON, an unknown key or model, an empty
///         axis, a probability outside [0, 1], a vector of the wrong length, or a duplicate config.
[[nodiscard]] inline SweepGrid parse_grid(std::string_view text, const std::string& name) {
    nlohmann::json grid;
    try {
        grid = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann's message already says where: "[json.exception.parse_error.101] parse error at line 3, ..."
        std::string what = e.what();
        if (const auto bracket = what.find("] "); what.starts_with("[json.exception") && bracket != std::string::npos)
            what = what.substr(bracket + 2);
        throw std::invalid_argument(name + ": malformed JSON: " + what);
    }
    if (!grid.is_object()) throw std::invalid_argument(name + ": expected a JSON object, got " + detail::quote(grid));
    static const std::set<std::string> known{"comment", "model",  "models",        "n",
                                             "m",       "sizes",  "probability",   "probabilities",
                                             "importance", "importances", "learning_rate", "learning_rates",
                                             "seed",    "seeds",  "steps",         "batch_size",
                                             "optimizer", "schedule", "correlated_sets", "anticorrelated_sets"};
    for (const auto& [key, ignored] : grid.items())
        if (!known.contains(key)) throw std::invalid_argument(name + ": unknown key '" + key + "'");

    SweepGrid result;
    try {
        for (const nlohmann::json& model : detail::axis(grid, "model", "models")) {
            if (!model.is_string()) detail::fail("models", "expected a model name, got " + detail::quote(model));
            result.models.push_back(std::string(model_kind_name(parse_model_kind(model.get<std::string>()))));
        }
        if (result.models.empty()) detail::fail("models", "missing: name at least one model");

        const bool has_n = grid.contains("n"), has_m = grid.contains("m");
        if (grid.contains("sizes")) {
            if (has_n || has_m) detail::fail("sizes", "give either \"n\" and \"m\" or \"sizes\", not both");
            const auto sizes = detail::axis(grid, "", "sizes");
            for (std::size_t i = 0; i < sizes.size(); ++i) {
                const std::string at = "sizes[" + std::to_string(i) + "]";
                if (!sizes[i].is_array() || sizes[i].size() != 2) detail::fail(at, "expected [n, m], got " + detail::quote(sizes[i]));
                result.sizes.emplace_back(detail::integer(sizes[i][0], at + "[0]", 1),
                                          detail::integer(sizes[i][1], at + "[1]", 1));
            }
        } else {
            if (!has_n || !has_m) detail::fail(has_n ? "m" : "n", "missing: give \"n\" and \"m\", or \"sizes\"");
            result.base.features = detail::integer(grid["n"], "n", 1);
            result.base.hidden = detail::integer(grid["m"], "m", 1);
        }

        const auto probabilities = detail::axis(grid, "probability", "probabilities");
        if (probabilities.empty()) detail::fail("probabilities", "missing: give at least one feature probability");
        for (std::size_t i = 0; i < probabilities.size(); ++i)
            result.probabilities.push_back(
                detail::probability_entry(probabilities[i], "probabilities[" + std::to_string(i) + "]"));

        const auto importances = detail::axis(grid, "importance", "importances");
        for (std::size_t i = 0; i < importances.size(); ++i)
            result.importances.push_back(
                detail::importance_entry(importances[i], "importances[" + std::to_string(i) + "]"));

        const auto rates = detail::axis(grid, "learning_rate", "learning_rates");
        for (std::size_t i = 0; i < rates.size(); ++i) {
            const std::string at = "learning_rates[" + std::to_string(i) + "]";
            result.learning_rates.push_back(detail::number(rates[i], at));
            if (!(result.learning_rates.back() > 0.0)) detail::fail(at, "learning rate must be positive");
        }

        if (grid.contains("seeds") && grid["seeds"].is_object()) {
            const nlohmann::json& seeds = grid["seeds"];
            if (grid.contains("seed")) detail::fail("seeds", "give either \"seed\" or \"seeds\", not both");
            for (const auto& [key, ignored] : seeds.items())
                if (key != "first" && key != "count") detail::fail("seeds", "unknown key '" + key + "' (expected first, count)");
            const std::int64_t first = seeds.contains("first") ? detail::integer(seeds["first"], "seeds.first", 0) : 0;
            if (!seeds.contains("count")) detail::fail("seeds", "{\"count\": K} is missing \"count\"");
            const std::int64_t count = detail::integer(seeds["count"], "seeds.count", 1);
            limits::require_at_most(count, limits::max_configs, "seeds.count", "configurations of one grid");
            for (std::int64_t s = 0; s < count; ++s) result.seeds.push_back(static_cast<std::uint64_t>(first + s));
        } else {
            const auto seeds = detail::axis(grid, "seed", "seeds");
            for (std::size_t i = 0; i < seeds.size(); ++i)
                result.seeds.push_back(
                    static_cast<std::uint64_t>(detail::integer(seeds[i], "seeds[" + std::to_string(i) + "]", 0)));
        }

        // Feature sets (tms::CorrelatedFeatureSampler) on the first features of every config, correlated sets
        // first: "COUNTxSIZE@P", or "COUNTxSIZE" to follow each config's probability (NaN until expand()).
        for (const auto& [key, correlation] : {std::pair{"correlated_sets", SetCorrelation::correlated},
                                               std::pair{"anticorrelated_sets", SetCorrelation::anticorrelated}}) {
            if (!grid.contains(key)) continue;
            const nlohmann::json& value = grid[key];
            std::vector<nlohmann::json> specs = value.is_array() ? std::vector<nlohmann::json>(value.begin(), value.end())
                                                                 : std::vector<nlohmann::json>{value};
            for (std::size_t i = 0; i < specs.size(); ++i) {
                const std::string at = value.is_array() ? std::string(key) + "[" + std::to_string(i) + "]" : key;
                if (!specs[i].is_string()) detail::fail(at, "expected \"COUNTxSIZE\" or \"COUNTxSIZE@P\", got " + detail::quote(specs[i]));
                const std::string spec = specs[i].get<std::string>();
                // Bounded by the largest n a grid may have; expand() checks the sets against each config's n.
                std::vector<FeatureSet> sets = parse_feature_sets(spec, correlation, 0.5, at, limits::max_features);
                if (spec.find('@') == std::string::npos)
                    for (FeatureSet& set : sets) set.probability = std::numeric_limits<double>::quiet_NaN();
                result.base.feature_sets.insert(result.base.feature_sets.end(), sets.begin(), sets.end());
            }
        }
        if (grid.contains("steps")) result.base.steps = detail::integer(grid["steps"], "steps", 0);
        if (grid.contains("batch_size")) result.base.batch_size = detail::integer(grid["batch_size"], "batch_size", 1);
        if (grid.contains("optimizer")) result.base.optimizer = detail::optimizer(grid["optimizer"], "optimizer");
        if (grid.contains("schedule")) {
            if (!grid["schedule"].is_string()) detail::fail("schedule", "expected a string, got " + detail::quote(grid["schedule"]));
            result.base.schedule = Schedule::parse(grid["schedule"].get<std::string>());
        }
        // Sizes and the number of configurations are bounded before anything is expanded or allocated.
        std::vector<std::pair<Index, Index>> sizes = result.sizes;
        if (sizes.empty()) sizes.emplace_back(result.base.features, result.base.hidden);
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            const bool listed = !result.sizes.empty();
            const std::string at = "sizes[" + std::to_string(i) + "]";
            limits::require_model_sizes(sizes[i].first, sizes[i].second, result.base.batch_size, result.base.steps,
                                        listed ? at + "[0] (n)" : "n", listed ? at + "[1] (m)" : "m", "batch_size",
                                        "steps");
            for (std::size_t k = 0; k < result.importances.size(); ++k)
                if (const double* ratio = std::get_if<double>(&result.importances[k])) {
                    const double extreme = std::pow(*ratio, static_cast<double>(sizes[i].first - 1));
                    if (!(extreme <= static_cast<double>(std::numeric_limits<float>::max())))
                        detail::fail("importances[" + std::to_string(k) + "]",
                                     "ratio " + detail::quote(*ratio) + " gives I_" + std::to_string(sizes[i].first - 1) +
                                         " beyond the float range the models train in");
                }
        }
        {
            const auto count = [](std::size_t axis) { return static_cast<std::int64_t>(std::max<std::size_t>(axis, 1)); };
            std::int64_t configs = 1;
            for (const std::int64_t axis : {count(result.models.size()), count(result.sizes.size()),
                                            count(result.importances.size()), count(result.probabilities.size()),
                                            count(result.learning_rates.size()), count(result.seeds.size())}) {
                configs = axis > limits::max_configs ? limits::max_configs + 1 : configs * axis;
                if (configs > limits::max_configs) break;
            }
            if (configs > limits::max_configs)
                detail::fail("grid", "more than " + std::to_string(limits::max_configs) +
                                         " configurations (the product of the axes); split the sweep into several grids");
        }
        (void)result.expand();  // every config valid (vector lengths against n), no duplicates
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(name + ": " + e.what());
    }
    return result;
}

namespace detail {

using cli::detail::json_double;
using cli::detail::json_float;
using cli::detail::json_rows;
using cli::detail::json_vector;

[[nodiscard]] inline nlohmann::ordered_json json_per_feature(const PerFeature& values) {
    if (const double* x = std::get_if<double>(&values)) return *x;
    return std::get<std::vector<double>>(values);
}

[[nodiscard]] inline nlohmann::ordered_json json_optimizer(const OptimizerOptions& optimizer) {
    nlohmann::ordered_json out;
    out["name"] = std::string(optimizer_name(optimizer));
    std::visit(
        [&](const auto& o) {
            if constexpr (std::is_same_v<std::decay_t<decltype(o)>, SgdOptions>) {
                out["momentum"] = o.momentum;
                out["dampening"] = o.dampening;
                out["weight_decay"] = o.weight_decay;
                out["nesterov"] = o.nesterov;
            } else {
                out["beta1"] = o.beta1;
                out["beta2"] = o.beta2;
                out["epsilon"] = o.epsilon;
                out["weight_decay"] = o.weight_decay;
            }
        },
        optimizer);
    return out;
}

}  // namespace detail

/// The config as the grid schema spells one point (single values), with the seed.
[[nodiscard]] inline nlohmann::ordered_json config_json(const ModelConfig& c) {
    nlohmann::ordered_json out;
    out["model"] = c.model;
    out["n"] = c.features;
    out["m"] = c.hidden;
    out["probability"] = detail::json_per_feature(c.probability);
    if (!c.feature_sets.empty()) {
        out["feature_sets"] = nlohmann::ordered_json::array();
        for (const FeatureSet& set : c.feature_sets)
            out["feature_sets"].push_back(
                {{"correlation", set.correlation == SetCorrelation::correlated ? "correlated" : "anticorrelated"},
                 {"size", set.size},
                 {"probability", set.probability}});
    }
    out["importance"] = detail::json_per_feature(c.importance);
    out["learning_rate"] = c.learning_rate;
    out["steps"] = c.steps;
    out["batch_size"] = c.batch_size;
    out["optimizer"] = detail::json_optimizer(c.optimizer);
    out["schedule"] = c.schedule.name();
    out["seed"] = c.seed;
    return out;
}

/// One results line (without the newline): ids, config, loss, weights and analyses, and "seconds" last, the only
/// field that differs between two runs of the same config.
[[nodiscard]] inline std::string result_line(const SweepResult& r) {
    nlohmann::ordered_json out;
    out["id"] = r.config.id();
    out["point"] = r.config.point_id();
    out["seed"] = r.config.seed;
    out["config"] = config_json(r.config);
    out["final_loss"] = detail::json_double(r.final_loss);
    out["steps_completed"] = r.steps_completed;
    out["diverged"] = r.diverged;
    if (r.diverged) out["error"] = r.error;
    out[r.W2.size() > 0 ? "W1" : "W"] = detail::json_rows(r.W);
    if (r.W2.size() > 0) out["W2"] = detail::json_rows(r.W2);
    out["b"] = detail::json_vector(r.b);
    out["feature_norms"] = detail::json_vector(r.feature_norms);
    out["superposition"] = detail::json_vector(r.superposition);
    out["represented"] = r.represented;
    out["neurons"] = {{"dead", r.neurons.dead},
                      {"monosemantic", r.neurons.monosemantic},
                      {"polysemantic", r.neurons.polysemantic}};
    out["dimensions_per_feature"] = detail::json_double(r.dimensions_per_feature);
    out["seconds"] = r.seconds;
    return out.dump();
}

}  // namespace tms::cli::sweep
