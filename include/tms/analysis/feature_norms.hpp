#pragma once
/// \file analysis/feature_norms.hpp
/// ‖W_i‖: how strongly each feature is represented (≈1 represented, ≈0 not).

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// ‖W_i‖ for every column i of W (hidden × features).
template <class Derived>
[[nodiscard]] auto feature_norms(const Eigen::MatrixBase<Derived>& weights) {
    using Scalar = typename Derived::Scalar;
    Eigen::Matrix<Scalar, Derived::ColsAtCompileTime, 1> norms = weights.colwise().norm().transpose();
    return norms;
}

template <toy_model Model>
[[nodiscard]] auto feature_norms(const Model& model) {
    return feature_norms(model.feature_weights());
}

/// The number of features with ‖W_i‖ > \p threshold (the paper's "represented", 0.5 by default).
template <class Derived>
[[nodiscard]] Eigen::Index represented_features(const Eigen::MatrixBase<Derived>& weights, double threshold = 0.5) {
    return (feature_norms(weights).array().template cast<double>() > threshold).count();
}

template <toy_model Model>
[[nodiscard]] Eigen::Index represented_features(const Model& model, double threshold = 0.5) {
    return represented_features(model.feature_weights(), threshold);
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
