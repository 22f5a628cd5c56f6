#pragma once
/// \file analysis/dimensionality.hpp
/// Feature dimensionality D_i and dimensions per feature m/‖W‖_F².

#include <limits>

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../config.hpp"
#include "gram.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// D_i = ‖W_i‖² / Σ_j (Ŵ_i · W_j)² for every feature: the fraction of a dimension feature i gets
/// (1 orthogonal, 1/2 antipodal pair, 2/5 pentagon, 3/4 tetrahedron; 0 for a zero column).
///
/// With G = WᵀW this is G_ii² / Σ_j G_ij².
template <class Derived>
[[nodiscard]] auto feature_dimensionality(const Eigen::MatrixBase<Derived>& weights) {
    using Scalar = typename Derived::Scalar;
    const auto g = gram(weights);
    Eigen::Matrix<Scalar, Derived::ColsAtCompileTime, 1> result(weights.cols());
    for (Eigen::Index i = 0; i < weights.cols(); ++i) {
        const Scalar denominator = g.col(i).squaredNorm();
        result[i] = denominator > Scalar(0) ? g(i, i) * g(i, i) / denominator : Scalar(0);
    }
    return result;
}

template <toy_model Model>
[[nodiscard]] auto feature_dimensionality(const Model& model) {
    return feature_dimensionality(model.feature_weights());
}

/// m / ‖W‖_F²: hidden dimensions per (norm-weighted) feature; +∞ for W = 0.
template <class Derived>
[[nodiscard]] double dimensions_per_feature(const Eigen::MatrixBase<Derived>& weights) {
    const double frobenius_squared = static_cast<double>(weights.squaredNorm());
    if (frobenius_squared == 0.0) return std::numeric_limits<double>::infinity();
    return static_cast<double>(weights.rows()) / frobenius_squared;
}

template <toy_model Model>
[[nodiscard]] double dimensions_per_feature(const Model& model) {
    return dimensions_per_feature(model.feature_weights());
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
