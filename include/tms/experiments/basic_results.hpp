#pragma once
/// \file experiments/basic_results.hpp
/// The paper's basic results: a linear and a ReLU output model (n = 20, m = 5, I_i = 0.7^i) across sparsity.
/// The linear model learns the m most important features at any sparsity; the ReLU output model does the same on
/// dense data and, as features get sparse, represents more than m of them in superposition.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "../fwd.hpp"
#include "../sampling/importance.hpp"
#include "claim_support.hpp"
#include "evaluation.hpp"
#include "experiment.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace experiments {

struct BasicResultsConfig {
    Index features = 20;
    Index hidden = 5;
    double importance_ratio = 0.7;
    /// Densest first; the first must be 1 (dense), the sparse claims read those ≤ sparse_limit.
    std::vector<double> probabilities = {1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001};
    double sparse_limit = 0.01;
};

struct BasicResults {
    BasicResultsConfig config;
    std::vector<Point> linear;
    std::vector<Point> relu_output;
};

/// Trains one linear and one ReLU output model per probability (seed 0). Under Control::wrong_data every model
/// trains on reversed importance (I_i = 0.7^(n−1−i)) and the opposite regime (1−S = 0.001 for points ≥ 0.3,
/// dense otherwise).
[[nodiscard]] inline BasicResults run_basic_results(const BasicResultsConfig& config, const Settings& settings) {
    const auto wrong = [](double p) { return p >= 0.3 ? 0.001 : 1.0; };
    const std::vector<double> reversed = detail::reversed_importance(config.features, config.importance_ratio);
    BasicResults results{config, {}, {}};
    results.linear = detail::train_points("basic_results: linear", "linear", config.features, config.hidden,
                                          config.importance_ratio, config.probabilities, 1, settings, wrong, reversed);
    results.relu_output =
        detail::train_points("basic_results: relu_output", "relu_output", config.features, config.hidden,
                             config.importance_ratio, config.probabilities, 1, settings, wrong, reversed);
    return results;
}

/// How far the linear model's bias on a left-out feature may be from that feature's mean E[x_i]: relative, and an
/// absolute floor for Adam's step-to-step jitter of b (about 10⁻³ at lr 10⁻³), which dominates at 1−S ≤ 0.01.
inline constexpr double linear_bias_relative_tolerance = 0.2;
inline constexpr double linear_bias_absolute_tolerance = 0.005;

/// The claims of the basic results (see each claim's text).
[[nodiscard]] inline std::vector<Claim> claims(const BasicResults& r) {
    using namespace detail;
    const Index n = r.config.features, m = r.config.hidden;
    const std::string ms = std::to_string(m);
    const VectorX<double> importance = geometric_importance<double>(n, r.config.importance_ratio);
    const std::vector<Index> top = first_features(m);
    std::vector<Claim> out;

    // Linear: which features, and how.
    {
        bool holds = true;
        std::string measured;
        for (const Point& p : r.linear) {
            const std::vector<Index> represented = represented_set(p.model);
            const double error = identity_error(p.model.W, top);
            // The features left out are best served by a constant output, their mean: b_i = E[x_i].
            const double mean = feature_mean(p.probability);
            double bias_error = 0.0;
            for (Index i = m; i < n; ++i)
                bias_error = std::max(bias_error, std::abs(static_cast<double>(p.model.b[i]) - mean));
            holds = holds && represented == top && error <= 0.1 &&
                    bias_error <= linear_bias_relative_tolerance * mean + linear_bias_absolute_tolerance;
            measured += (measured.empty() ? "" : "; ") + std::string("1\u2212S=") + format(p.probability) + ": " +
                        set_text(represented) + ", err " + format(error, 2) + ", |b\u2212E[x]| " +
                        format(bias_error, 2);
        }
        out.push_back(make_claim("basic_results.linear_features",
                                 "linear, at every 1\u2212S: the represented features (\u2016W\u1d62\u2016 > 0.5) are "
                                 "exactly the m = " + ms + " most important, 0\u2026" + std::to_string(m - 1) +
                                     ", W\u1d40W on them is the identity within 0.1 (largest entry error), and every "
                                     "other b\u1d62 is within " + format(linear_bias_relative_tolerance) +
                                     "\u00b7E[x\u1d62] + " + format(linear_bias_absolute_tolerance) +
                                     " of E[x\u1d62] = (1\u2212S)/2 (their best constant output)",
                                 measured, holds, all_of(r.linear)));
    }
    {
        bool holds = true;
        std::string measured;
        for (const Point& p : r.linear) {
            const double loss = linear_expected_loss(p.model.W, p.model.b, importance, p.probability);
            const double optimum = no_superposition_loss(importance, m, p.probability);
            holds = holds && loss <= 1.03 * optimum;
            measured += (measured.empty() ? "" : "; ") + format(p.probability) + ": " + format(loss / optimum, 4);
        }
        out.push_back(make_claim("basic_results.linear_loss",
                                 "linear, at every 1\u2212S: the exact expected loss is within 3% of the analytic "
                                 "optimum \u03a3_{i\u2265m} I\u1d62(p/3 \u2212 p\u00b2/4)/n (the m most important "
                                 "features kept, b\u1d62 = E[x\u1d62] for the rest)",
                                 "loss / optimum per 1\u2212S: " + measured, holds, all_of(r.linear)));
    }

    // ReLU output, dense: the linear optimum.
    {
        const Point& dense = r.relu_output.front();
        const std::vector<Index> represented = represented_set(dense.model);
        const double error = identity_error(dense.model.W, top);
        const double loss = expected_loss(dense.model, dense.probability, importance);
        const double optimum = no_superposition_loss(importance, m, dense.probability);
        const bool holds = dense.probability == 1.0 && represented == top && error <= 0.1 &&
                           std::abs(loss / optimum - 1.0) <= 0.05;
        out.push_back(make_claim(
            "basic_results.relu_output_dense",
            "relu_output, 1\u2212S = 1: exactly features 0\u2026" + std::to_string(m - 1) +
                " represented, W\u1d40W the identity on them within 0.1 (no superposition), and the estimated "
                "loss within 5% of the no-superposition optimum",
            "represented " + set_text(represented) + ", identity error " + format(error, 2) + ", loss/optimum " +
                format(loss / optimum, 4),
            holds, {&dense}));
    }

    // ReLU output, sparse: superposition and what it buys.
    std::vector<const Point*> sparse;
    for (const Point& p : r.relu_output)
        if (p.probability <= r.config.sparse_limit) sparse.push_back(&p);
    const std::string sparse_text = "relu_output, at each 1\u2212S \u2264 " + format(r.config.sparse_limit) + " (" +
                                    std::to_string(sparse.size()) + " points): ";
    {
        bool holds = !sparse.empty();
        std::vector<Index> counts;
        for (const Point* p : sparse) {
            Index near_one = 0;
            for (Index i = 0; i < n; ++i) near_one += std::abs(static_cast<double>(p->model.feature_norms[i]) - 1.0) <= 0.2;
            counts.push_back(near_one);
            holds = holds && near_one > m;
        }
        out.push_back(make_claim("basic_results.relu_output_sparse_features",
                                 sparse_text + "more than m = " + ms + " features have \u2016W\u1d62\u2016 within 0.2 of 1",
                                 "features with \u2016W\u1d62\u2016 in [0.8, 1.2]: " + join(counts), holds, sparse));
    }
    {
        bool holds = !sparse.empty();
        std::vector<double> lowest;
        for (const Point* p : sparse) {
            const std::vector<Index> represented = represented_set(p->model);
            double most_negative = 1.0;
            for (const Index i : represented)
                for (const Index j : represented)
                    if (i < j) most_negative = std::min(most_negative, cosine(p->model.W, i, j));
            lowest.push_back(most_negative);
            holds = holds && most_negative < -0.9;
        }
        out.push_back(make_claim("basic_results.relu_output_antipodal",
                                 sparse_text + "some pair of represented features is antipodal: "
                                               "\u0174\u1d62\u00b7\u0174\u2c7c < \u22120.9",
                                 "most negative cosine: " + join(lowest), holds, sparse));
    }
    {
        bool holds = !sparse.empty();
        std::string measured;
        for (const Point* p : sparse) {
            Index superposed = 0, negative = 0;
            for (Index i = 0; i < n; ++i) {
                const double s = static_cast<double>(p->model.superposition[i]);
                if (std::isnan(s) || s < 0.1) continue;
                ++superposed;
                negative += p->model.b[i] < 0.0f;
            }
            holds = holds && superposed > 0 && negative == superposed;
            measured += (measured.empty() ? "" : "; ") + std::to_string(negative) + "/" + std::to_string(superposed);
        }
        out.push_back(make_claim("basic_results.relu_output_negative_bias",
                                 sparse_text + "at least one represented feature is in superposition "
                                               "(\u03a3\u2c7c\u2260\u1d62(\u0174\u1d62\u00b7W\u2c7c)\u00b2 \u2265 0.1) and every "
                                               "such feature has a negative bias b\u1d62 < 0",
                                 "negative / superposed: " + measured, holds, sparse));
    }
    {
        bool holds = !sparse.empty();
        std::vector<double> ratios;
        for (const Point* p : sparse) {
            const double ratio = expected_loss(p->model, p->probability, importance) /
                                 no_superposition_loss(importance, m, p->probability);
            ratios.push_back(ratio);
            holds = holds && ratio <= 0.9;
        }
        out.push_back(make_claim("basic_results.relu_output_sparse_loss",
                                 sparse_text + "the estimated loss is at least 10% below the best loss without "
                                               "superposition, \u03a3_{i\u2265m} I\u1d62(p/3 \u2212 p\u00b2/4)/n",
                                 "loss / no-superposition optimum: " + join(ratios), holds, sparse));
    }
    {
        std::vector<Index> counts;
        for (const Point& p : r.relu_output) counts.push_back(static_cast<Index>(represented_set(p.model).size()));
        const bool rises = std::is_sorted(counts.begin(), counts.end()) && counts.front() == m && counts.back() > m;
        out.push_back(make_claim("basic_results.relu_output_phase_change",
                                 "relu_output, dense to sparse (" + std::to_string(counts.size()) +
                                     " sparsities): the represented count starts at m = " + ms +
                                     ", ends above m, and never falls in between",
                                 "represented per 1\u2212S: " + join(counts), rises, all_of(r.relu_output)));
    }
    return out;
}

}  // namespace experiments
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
