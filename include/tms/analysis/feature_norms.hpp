#pragma once
/// \file analysis/feature_norms.hpp
/// ‖W_i‖: how strongly each feature is represented (≈1 represented, ≈0 not), and the paper's "represented".

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../config.hpp"
#include "effective_weights.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// The paper's "represented": a feature is represented when ‖W_i‖ exceeds this (the norm is ≈1 when it is fully
/// represented and ≈0 when it is not). Superposition and dimensionality are defined only for such features.
inline constexpr double represented_threshold = 0.5;

/// ‖W_i‖ for every column i of W (hidden × features).
template <class Derived>
[[nodiscard]] auto feature_norms(const Eigen::MatrixBase<Derived>& weights) {
    using Scalar = typename Derived::Scalar;
    Eigen::Matrix<Scalar, Derived::ColsAtCompileTime, 1> norms = weights.colwise().norm().transpose();
    return norms;
}

/// ‖W_i‖ of a model's effective weights (tms::effective_weights: W, or W₁ scaled by W₂'s column norms).
template <toy_model Model>
[[nodiscard]] auto feature_norms(const Model& model) {
    return feature_norms(effective_weights(model));
}

/// Whether each feature is represented: ‖W_i‖ > \p threshold.
template <class Derived>
[[nodiscard]] Eigen::Array<bool, Derived::ColsAtCompileTime, 1> represented_mask(
    const Eigen::MatrixBase<Derived>& weights, double threshold = represented_threshold) {
    return feature_norms(weights).array().template cast<double>() > threshold;
}

/// The number of features with ‖W_i‖ > \p threshold (the paper's "represented", 0.5 by default).
template <class Derived>
[[nodiscard]] Eigen::Index represented_features(const Eigen::MatrixBase<Derived>& weights,
                                                double threshold = represented_threshold) {
    return represented_mask(weights, threshold).count();
}

/// Represented features of a model's effective weights: invariant under the abs-value model's rescaling symmetry.
template <toy_model Model>
[[nodiscard]] Eigen::Index represented_features(const Model& model, double threshold = represented_threshold) {
    return represented_features(effective_weights(model), threshold);
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
