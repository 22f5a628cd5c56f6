#pragma once
/// \file analysis/extra_feature_phase.hpp
/// Which solution a trained model found for its "extra" feature: ignored, given its own dimension, or put in
/// superposition (the three phases of the paper's n = 2, m = 1 and n = 3, m = 2 phase diagrams).

#include <cmath>
#include <string_view>

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../detail/validate.hpp"
#include "effective_weights.hpp"
#include "feature_norms.hpp"
#include "superposition.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// The phases of the extra-feature phase diagrams.
enum class ExtraFeaturePhase {
    ignore_extra,    ///< the extra feature is not represented; some other feature is
    dedicate_extra,  ///< the extra feature is represented with (almost) no interference: a dimension of its own
    superposition,   ///< the extra feature shares its direction with another feature, at negative interference
                     ///< (for n = 2, m = 1: the antipodal pair)
    unclassified,    ///< none of the three: nothing represented, or the main sharer interferes positively
};

/// "ignore extra", "dedicate to extra", "superposition", "unclassified".
[[nodiscard]] constexpr std::string_view phase_name(ExtraFeaturePhase phase) noexcept {
    switch (phase) {
        case ExtraFeaturePhase::ignore_extra: return "ignore extra";
        case ExtraFeaturePhase::dedicate_extra: return "dedicate to extra";
        case ExtraFeaturePhase::superposition: return "superposition";
        case ExtraFeaturePhase::unclassified: return "unclassified";
    }
    return "unclassified";
}

/// Thresholds of classify_extra_feature.
struct PhaseThresholds {
    /// A feature is represented when ‖W_i‖ exceeds this (the paper's and represented_features' 0.5).
    double represented = 0.5;
    /// The extra feature shares its direction when Σ_{j≠e} (Ŵ_e · W_j)² reaches this. 0.25 is the interference of
    /// a feature of norm 0.5 (the represented threshold) lying on the extra's line, so "shares with a represented
    /// feature" and "interferes at least 0.25" agree; a dedicated direction with residual interference from
    /// unrepresented features (norm < 0.5, any angle) stays below it when one such feature is present.
    double shared = 0.25;
};

/// Classifies the solution for feature \p extra of W (hidden × features), from W alone:
/// - extra not represented (‖W_e‖ ≤ represented): ignore_extra if any other feature is represented, else unclassified;
/// - extra represented with Σ_{j≠e} (Ŵ_e · W_j)² < shared: dedicate_extra;
/// - otherwise superposition if the feature j with the largest |Ŵ_e · W_j| has W_e · W_j < 0, else unclassified.
/// The bias is not needed: the three solutions differ in W (the bias only sets the ignored feature's constant
/// output and the small negative offsets of superposition).
/// \throws std::invalid_argument if \p extra is not a column of W.
template <class Derived>
[[nodiscard]] ExtraFeaturePhase classify_extra_feature(const Eigen::MatrixBase<Derived>& weights, Eigen::Index extra,
                                                       const PhaseThresholds& thresholds = {}) {
    detail::require(extra >= 0 && extra < weights.cols(), "extra feature ", extra, " is not one of the ",
                    weights.cols(), " features");
    const auto norms = feature_norms(weights);
    if (static_cast<double>(norms[extra]) <= thresholds.represented) {
        for (Eigen::Index j = 0; j < weights.cols(); ++j)
            if (j != extra && static_cast<double>(norms[j]) > thresholds.represented)
                return ExtraFeaturePhase::ignore_extra;
        return ExtraFeaturePhase::unclassified;
    }
    if (static_cast<double>(superposition(weights)[extra]) < thresholds.shared)
        return ExtraFeaturePhase::dedicate_extra;
    Eigen::Index sharer = -1;
    double largest = -1.0;
    for (Eigen::Index j = 0; j < weights.cols(); ++j) {
        if (j == extra) continue;
        const double overlap = std::abs(static_cast<double>(weights.col(extra).dot(weights.col(j))));
        if (overlap > largest) {
            largest = overlap;
            sharer = j;
        }
    }
    return static_cast<double>(weights.col(extra).dot(weights.col(sharer))) < 0.0 ? ExtraFeaturePhase::superposition
                                                                                  : ExtraFeaturePhase::unclassified;
}

/// classify_extra_feature on a model's feature directions (the abs-value model's effective_weights, as every model
/// analysis).
template <toy_model Model>
[[nodiscard]] ExtraFeaturePhase classify_extra_feature(const Model& model, Eigen::Index extra,
                                                       const PhaseThresholds& thresholds = {}) {
    return classify_extra_feature(effective_weights(model), extra, thresholds);
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
