#pragma once
/// \file analysis/neurons.hpp
/// Neuron polysemanticity for models with a privileged hidden basis (ReLU hidden, abs value).

#include <cmath>
#include <vector>

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../config.hpp"
#include "../detail/validate.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// How many features a neuron carries.
enum class NeuronKind {
    dead,           ///< no weight above the threshold
    monosemantic,   ///< exactly one feature
    polysemantic,   ///< more than one feature
};

/// The name of a NeuronKind ("dead", "monosemantic", "polysemantic").
[[nodiscard]] inline const char* to_string(NeuronKind kind) noexcept {
    switch (kind) {
        case NeuronKind::dead: return "dead";
        case NeuronKind::monosemantic: return "monosemantic";
        case NeuronKind::polysemantic: return "polysemantic";
    }
    return "dead";
}

/// Counts of each NeuronKind in a model.
struct NeuronCounts {
    Eigen::Index dead = 0;
    Eigen::Index monosemantic = 0;
    Eigen::Index polysemantic = 0;
};

/// The default relative threshold: a feature counts for a neuron when its weight reaches 20% of W's largest.
inline constexpr double default_neuron_threshold = 0.2;

/// For each neuron (row j of W, hidden × features): how many features i have |W_ji| ≥ threshold · max|W|.
///
/// The threshold is relative to the largest weight in W so that the answer does not depend on the model's scale.
/// \throws std::invalid_argument if \p relative_threshold is not in (0, 1].
template <class Derived>
[[nodiscard]] std::vector<Eigen::Index> neuron_feature_counts(const Eigen::MatrixBase<Derived>& weights,
                                                              double relative_threshold = default_neuron_threshold) {
    detail::require(std::isfinite(relative_threshold) && relative_threshold > 0.0 && relative_threshold <= 1.0,
                    "neuron threshold must be in (0, 1], got ", relative_threshold);
    const double largest = weights.size() == 0 ? 0.0 : static_cast<double>(weights.cwiseAbs().maxCoeff());
    std::vector<Eigen::Index> counts(static_cast<std::size_t>(weights.rows()), 0);
    if (largest == 0.0) return counts;
    const double cutoff = relative_threshold * largest;
    for (Eigen::Index j = 0; j < weights.rows(); ++j)
        counts[static_cast<std::size_t>(j)] =
            (weights.row(j).cwiseAbs().array().template cast<double>() >= cutoff).count();
    return counts;
}

/// The NeuronKind of every neuron of W (hidden × features).
template <class Derived>
[[nodiscard]] std::vector<NeuronKind> classify_neurons(const Eigen::MatrixBase<Derived>& weights,
                                                       double relative_threshold = default_neuron_threshold) {
    std::vector<NeuronKind> kinds;
    for (const Eigen::Index count : neuron_feature_counts(weights, relative_threshold))
        kinds.push_back(count == 0   ? NeuronKind::dead
                        : count == 1 ? NeuronKind::monosemantic
                                     : NeuronKind::polysemantic);
    return kinds;
}

/// How many neurons of W are dead, monosemantic and polysemantic.
template <class Derived>
[[nodiscard]] NeuronCounts count_neurons(const Eigen::MatrixBase<Derived>& weights,
                                         double relative_threshold = default_neuron_threshold) {
    NeuronCounts counts;
    for (const NeuronKind kind : classify_neurons(weights, relative_threshold)) {
        if (kind == NeuronKind::dead) ++counts.dead;
        else if (kind == NeuronKind::monosemantic) ++counts.monosemantic;
        else ++counts.polysemantic;
    }
    return counts;
}

template <toy_model Model>
[[nodiscard]] NeuronCounts count_neurons(const Model& model, double relative_threshold = default_neuron_threshold) {
    return count_neurons(model.feature_weights(), relative_threshold);
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
