#pragma once
/// \file experiments/computation.hpp
/// Computation in superposition: the absolute-value model (n = 100, m = 40, I_i = 0.8^i, x ∈ [-1, 1], target |x|)
/// across sparsity. Dense: every neuron monosemantic; sparse: polysemantic neurons compute features in
/// superposition, with the asymmetric-superposition-with-inhibition motif in between.

#include <string>
#include <vector>

#include "../analysis/asymmetric_superposition.hpp"
#include "../analysis/effective_weights.hpp"
#include "../analysis/neurons.hpp"
#include "../fwd.hpp"
#include "../sampling/importance.hpp"
#include "claim_support.hpp"
#include "evaluation.hpp"
#include "experiment.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace experiments {

struct ComputationConfig {
    Index features = 100;
    Index hidden = 40;
    double importance_ratio = 0.8;
    /// Densest first (1 − S = 1) to sparsest.
    std::vector<double> probabilities = {1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001};
};

struct ComputationResults {
    ComputationConfig config;
    std::vector<Point> points;
};

/// The neuron kinds of an abs-value model: classify_neurons of its effective weights on x ∈ [-1, 1].
[[nodiscard]] inline std::vector<NeuronKind> abs_value_neuron_kinds(const SweepResult& r) {
    NeuronCriteria criteria;
    criteria.range = FeatureRange::symmetric;
    return classify_neurons(effective_weights(r.W, r.W2), criteria);
}

/// The loss of the best constant output x' = b (b_i = E|x_i| = p/2): I_i Var|x_i| = I_i (p/3 − p²/4) per feature,
/// the loss of a model that computes nothing.
[[nodiscard]] inline double constant_output_loss(const VectorX<double>& importance, double p) {
    return no_superposition_loss(importance, 0, p);
}

/// One model per probability (seed 0). Wrong data: points at 1−S ≥ 0.1 train on 1−S = 0.001, sparser ones dense.
[[nodiscard]] inline ComputationResults run_computation(const ComputationConfig& config, const Settings& settings) {
    const auto wrong = [](double p) { return p >= 0.1 ? 0.001 : 1.0; };
    return {config, detail::train_points("abs_value", "abs_value", config.features, config.hidden,
                                         config.importance_ratio, config.probabilities, 1, settings, wrong)};
}

[[nodiscard]] inline std::vector<Claim> claims(const ComputationResults& r) {
    using namespace detail;
    const Index m = r.config.hidden;
    const VectorX<double> importance = geometric_importance<double>(r.config.features, r.config.importance_ratio);
    std::vector<Claim> out;
    std::vector<NeuronCounts> counts;
    for (const Point& p : r.points) counts.push_back(count_kinds(abs_value_neuron_kinds(p.model)));
    const auto counts_text = [](const NeuronCounts& c) {
        return std::to_string(c.monosemantic) + " mono, " + std::to_string(c.polysemantic) + " poly, " +
               std::to_string(c.dead) + " dead";
    };
    {
        const NeuronCounts& c = counts.front();
        const bool holds = r.points.front().probability == 1.0 && c.polysemantic == 0 && 2 * c.monosemantic >= m;
        out.push_back(make_claim("abs_value.dense_monosemantic",
                                 "1\u2212S = 1: no polysemantic neuron, and at least m/2 = " + std::to_string(m / 2) +
                                     " monosemantic neurons (so an all-dead layer fails)",
                                 counts_text(c), holds, {&r.points.front()}));
    }
    {
        std::vector<Index> mono;
        for (const NeuronCounts& c : counts) mono.push_back(c.monosemantic);
        const bool holds = 2 * mono.front() >= m && mono.back() < mono.front();
        out.push_back(make_claim("abs_value.monosemantic_falls",
                                 "monosemantic neurons fall from the densest point (at least m/2 there) to a strictly "
                                 "smaller count at the sparsest",
                                 "monosemantic per 1\u2212S, dense first: " + join(mono), holds, all_of(r.points)));
    }
    {
        const Point& p = r.points.back();
        const NeuronCounts& c = counts.back();
        const double ratio = expected_loss(p.model, p.probability, importance, Index{1} << 18) /
                             constant_output_loss(importance, p.probability);
        const bool holds = c.monosemantic == 0 && 2 * c.polysemantic >= m && ratio <= 0.8;
        out.push_back(make_claim("abs_value.sparse_polysemantic",
                                 "1\u2212S = " + format(p.probability) +
                                     ": no monosemantic neuron, at least m/2 polysemantic, and the estimated loss at "
                                     "least 20% below that of the best constant output (the model computes |x| in "
                                     "superposition)",
                                 counts_text(c) + ", loss / constant-output loss " + format(ratio), holds, {&p}));
    }
    {
        std::string measured;
        bool found = false;
        std::vector<const Point*> reads;
        for (const Point& p : r.points) {
            const auto instances = find_asymmetric_superposition(p.model.W, p.model.W2);
            if (instances.empty()) continue;
            found = true;
            reads.push_back(&p);
            measured += (measured.empty() ? "" : "; ") + std::string("1\u2212S=") + format(p.probability) + ": " +
                        std::to_string(instances.size()) + " (e.g. neuron " + std::to_string(instances[0].neuron) +
                        " features " + std::to_string(instances[0].strong_feature) + "/" +
                        std::to_string(instances[0].weak_feature) + ", inhibitor " +
                        std::to_string(instances[0].inhibitor) + ")";
        }
        out.push_back(make_claim("abs_value.asymmetric_superposition",
                                 "at some 1\u2212S: asymmetric superposition with inhibition "
                                 "(tms::find_asymmetric_superposition: one neuron storing two features with input and "
                                 "output weights in reciprocal ratios \u2265 2, gains \u2265 0.25, and another neuron "
                                 "cancelling \u2265 half of the interference)",
                                 found ? measured : "no instance", found, reads.empty() ? all_of(r.points) : reads));
    }
    return out;
}

}  // namespace experiments
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
