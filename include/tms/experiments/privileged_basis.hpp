#pragma once
/// \file experiments/privileged_basis.hpp
/// The ReLU hidden layer model (n = 10, m = 5, I_i = 0.75^i), best of many seeds per sparsity: as features get
/// sparser, neurons go from monosemantic to polysemantic through the excerpt's six regimes.

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../analysis/neurons.hpp"
#include "../fwd.hpp"
#include "claim_support.hpp"
#include "experiment.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace experiments {

/// A regime of the excerpt: how many features are represented, and how many neurons are mono- and polysemantic.
struct NeuronRegime {
    Index represented = 0;
    Index monosemantic = 0;
    Index polysemantic = 0;
    friend bool operator==(const NeuronRegime&, const NeuronRegime&) = default;
};

struct PrivilegedBasisConfig {
    Index features = 10;
    Index hidden = 5;
    double importance_ratio = 0.75;
    /// The excerpt's sparsities, densest first, and the regime it shows at each.
    std::vector<double> probabilities = {0.7, 0.35, 0.15, 0.12, 0.065, 0.03};
    std::vector<NeuronRegime> excerpt_regimes = {{5, 5, 0}, {6, 3, 2}, {7, 2, 3}, {7, 1, 4}, {8, 0, 5}, {10, 0, 5}};
};

struct PrivilegedBasisResults {
    PrivilegedBasisConfig config;
    /// Best of Settings::best_of seeds per probability.
    std::vector<Point> points;
};

/// The regime of a trained model: represented features (‖W_i‖ > 0.5) and neuron kinds (tms::classify_neurons on
/// x ≥ 0).
[[nodiscard]] inline NeuronRegime regime_of(const SweepResult& r) {
    const NeuronCounts counts = count_neurons(r.W, NeuronCriteria{});
    return {static_cast<Index>(detail::represented_set(r).size()), counts.monosemantic, counts.polysemantic};
}

/// "(7, 1, 4)".
[[nodiscard]] inline std::string to_string(const NeuronRegime& regime) {
    return "(" + std::to_string(regime.represented) + ", " + std::to_string(regime.monosemantic) + ", " +
           std::to_string(regime.polysemantic) + ")";
}

/// For each feature, the neurons that store it: W_ji ≥ half of feature i's largest positive weight and above the
/// neuron floor (0.1). On x ≥ 0 a feature reaches a neuron only through a positive weight.
[[nodiscard]] inline std::vector<std::vector<Index>> feature_neurons(const MatrixX<float>& W,
                                                                   double absolute_floor = NeuronCriteria{}.absolute_floor) {
    std::vector<std::vector<Index>> neurons(static_cast<std::size_t>(W.cols()));
    for (Index i = 0; i < W.cols(); ++i) {
        const double largest = static_cast<double>(W.col(i).maxCoeff());
        for (Index j = 0; j < W.rows(); ++j) {
            const double w = static_cast<double>(W(j, i));
            if (w > absolute_floor && w >= 0.5 * largest) neurons[static_cast<std::size_t>(i)].push_back(j);
        }
    }
    return neurons;
}

/// Trains Settings::best_of seeds per probability and keeps the lowest final loss. Wrong data: points at
/// 1−S ≥ 0.15 train on 1−S = 0.03, sparser ones on 1−S = 0.7.
[[nodiscard]] inline PrivilegedBasisResults run_privileged_basis(const PrivilegedBasisConfig& config,
                                                                 const Settings& settings) {
    const auto wrong = [](double p) { return p >= 0.15 ? 0.03 : 0.7; };
    return {config, detail::train_points("relu_hidden", "relu_hidden", config.features, config.hidden,
                                         config.importance_ratio, config.probabilities, settings.best_of, settings,
                                         wrong)};
}

/// Whether each of the n features is stored by exactly two neurons (tms::experiments::feature_neurons) and no two
/// features share a pair; \p sizes receives the number of neurons per feature.
[[nodiscard]] inline bool features_are_neuron_pairs(const MatrixX<float>& W, std::vector<Index>& sizes) {
    const std::vector<std::vector<Index>> stored = feature_neurons(W);
    std::set<std::vector<Index>> distinct;
    bool pairs = true;
    sizes.clear();
    for (const auto& neurons : stored) {
        sizes.push_back(static_cast<Index>(neurons.size()));
        pairs = pairs && neurons.size() == 2;
        distinct.insert(neurons);
    }
    return pairs && distinct.size() == stored.size();
}

/// One claim per sparsity: the excerpt's regime, with the represented features the most important ones (the
/// excerpt's "the three most important features still get dedicated neurons"), and at the sparsest point (all
/// features represented) the excerpt's "each feature corresponds to a pair of neurons".
[[nodiscard]] inline std::vector<Claim> claims(const PrivilegedBasisResults& r) {
    using namespace detail;
    std::vector<Claim> out;
    const Index n = r.config.features;
    for (std::size_t k = 0; k < r.points.size() && k < r.config.excerpt_regimes.size(); ++k) {
        const Point& p = r.points[k];
        const NeuronRegime measured = regime_of(p.model);
        const NeuronRegime& expected = r.config.excerpt_regimes[k];
        const std::vector<Index> represented = represented_set(p.model);
        bool holds = measured == expected && represented == first_features(expected.represented);
        std::string text = "1\u2212S = " + format(p.probability) +
                           ": (features represented, monosemantic, polysemantic neurons) = " + to_string(expected) +
                           " as in the excerpt, the represented being the " + std::to_string(expected.represented) +
                           " most important";
        std::string value = "measured " + to_string(measured) + ", represented " + set_text(represented);
        if (expected.represented == n) {
            std::vector<Index> sizes;
            holds = holds && features_are_neuron_pairs(p.model.W, sizes);
            text += "; each feature stored by exactly two neurons (positive weights \u2265 half its largest and "
                    "> 0.1), no two features on the same pair";
            value += ", neurons per feature " + join(sizes);
        }
        out.push_back(make_claim("relu_hidden.regime_" + format(p.probability), text, value, holds, {&p}));
    }
    return out;
}

}  // namespace experiments
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
