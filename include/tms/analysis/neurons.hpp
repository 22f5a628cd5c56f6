#pragma once
/// \file analysis/neurons.hpp
/// Neuron polysemanticity for models with a privileged hidden basis (ReLU hidden, abs value), in the paper's sense:
/// a neuron is polysemantic when it stores more than one feature, judged from that neuron's own weights.

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../config.hpp"
#include "../detail/validate.hpp"
#include "../sampling/feature_range.hpp"
#include "effective_weights.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// How many features a neuron carries.
enum class NeuronKind {
    dead,           ///< cannot fire on the data, or only through weights below the absolute floor
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
    friend bool operator==(const NeuronCounts&, const NeuronCounts&) = default;
};

/// When a feature counts for a neuron.
///
/// Feature i counts for neuron j when its weight w_ji is at least \ref relative_threshold times the neuron's
/// largest weight *and* above \ref absolute_floor. Relative to the neuron's own largest weight, because a
/// neuron with small weights can still be monosemantic; above a floor, because weights that stayed near their
/// initial noise are not a stored feature. On the reconstruction tasks (FeatureRange::unit, x ≥ 0) only positive
/// weights count: a ReLU neuron whose weights are all ≤ 0 never fires and is dead, and a negative weight inhibits
/// the neuron rather than storing the feature in it. On the absolute-value task (FeatureRange::symmetric) either
/// sign makes the neuron fire, so |w_ji| counts.
struct NeuronCriteria {
    double relative_threshold = 0.2;
    double absolute_floor = 0.1;
    FeatureRange range = FeatureRange::unit;
};

namespace detail {

inline void validate(const NeuronCriteria& criteria) {
    require(std::isfinite(criteria.relative_threshold) && criteria.relative_threshold > 0.0 &&
                criteria.relative_threshold <= 1.0,
            "neuron relative threshold must be in (0, 1], got ", criteria.relative_threshold);
    require(std::isfinite(criteria.absolute_floor) && criteria.absolute_floor >= 0.0,
            "neuron absolute floor must be finite and non-negative, got ", criteria.absolute_floor);
}

}  // namespace detail

/// For each neuron (row j of W, hidden × features), the features that count for it (see NeuronCriteria), in
/// increasing feature order.
/// \throws std::invalid_argument if \p criteria is out of range.
template <class Derived>
[[nodiscard]] std::vector<std::vector<Eigen::Index>> neuron_features(const Eigen::MatrixBase<Derived>& weights,
                                                                     const NeuronCriteria& criteria = {}) {
    detail::validate(criteria);
    const bool signed_input = criteria.range == FeatureRange::symmetric;
    std::vector<std::vector<Eigen::Index>> features(static_cast<std::size_t>(weights.rows()));
    for (Eigen::Index j = 0; j < weights.rows(); ++j) {
        // The strength with which feature i drives neuron j: |w| when either sign fires it, w⁺ otherwise.
        const auto drive = [&](Eigen::Index i) {
            const double w = static_cast<double>(weights(j, i));
            return signed_input ? std::abs(w) : std::max(w, 0.0);
        };
        double largest = 0.0;
        for (Eigen::Index i = 0; i < weights.cols(); ++i) largest = std::max(largest, drive(i));
        const double cutoff = std::max(criteria.relative_threshold * largest, criteria.absolute_floor);
        if (largest <= criteria.absolute_floor) continue;  // dead: cannot fire, or only through noise
        for (Eigen::Index i = 0; i < weights.cols(); ++i)
            if (drive(i) >= cutoff) features[static_cast<std::size_t>(j)].push_back(i);
    }
    return features;
}

/// For each neuron, how many features count for it (see NeuronCriteria).
template <class Derived>
[[nodiscard]] std::vector<Eigen::Index> neuron_feature_counts(const Eigen::MatrixBase<Derived>& weights,
                                                              const NeuronCriteria& criteria = {}) {
    std::vector<Eigen::Index> counts;
    for (const auto& features : neuron_features(weights, criteria))
        counts.push_back(static_cast<Eigen::Index>(features.size()));
    return counts;
}

/// The NeuronKind of every neuron of W (hidden × features).
template <class Derived>
[[nodiscard]] std::vector<NeuronKind> classify_neurons(const Eigen::MatrixBase<Derived>& weights,
                                                       const NeuronCriteria& criteria = {}) {
    std::vector<NeuronKind> kinds;
    for (const Eigen::Index count : neuron_feature_counts(weights, criteria))
        kinds.push_back(count == 0   ? NeuronKind::dead
                        : count == 1 ? NeuronKind::monosemantic
                                     : NeuronKind::polysemantic);
    return kinds;
}

/// How many of \p kinds are dead, monosemantic and polysemantic.
[[nodiscard]] inline NeuronCounts count_kinds(const std::vector<NeuronKind>& kinds) noexcept {
    NeuronCounts counts;
    for (const NeuronKind kind : kinds) {
        if (kind == NeuronKind::dead) ++counts.dead;
        else if (kind == NeuronKind::monosemantic) ++counts.monosemantic;
        else ++counts.polysemantic;
    }
    return counts;
}

/// How many neurons of W are dead, monosemantic and polysemantic.
template <class Derived>
[[nodiscard]] NeuronCounts count_neurons(const Eigen::MatrixBase<Derived>& weights,
                                         const NeuronCriteria& criteria = {}) {
    return count_kinds(classify_neurons(weights, criteria));
}

/// The criteria for \p Model's data: its input range (symmetric for the absolute-value task), with \p base's
/// thresholds.
template <toy_model Model>
[[nodiscard]] NeuronCriteria criteria_for(NeuronCriteria base = {}) noexcept {
    base.range = Model::absolute_value_task ? FeatureRange::symmetric : FeatureRange::unit;
    return base;
}

/// The NeuronKind of every neuron of \p model, read from its effective weights (tms::effective_weights, so the
/// abs-value model's rescaling symmetry changes nothing) on its data's range. \p criteria's range is ignored.
template <toy_model Model>
[[nodiscard]] std::vector<NeuronKind> classify_neurons(const Model& model, const NeuronCriteria& criteria = {}) {
    return classify_neurons(effective_weights(model), criteria_for<Model>(criteria));
}

template <toy_model Model>
[[nodiscard]] NeuronCounts count_neurons(const Model& model, const NeuronCriteria& criteria = {}) {
    return count_kinds(classify_neurons(model, criteria));
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
