#pragma once
/// \file analysis/superposition.hpp
/// The interference sum Σ_{j≠i} (Ŵ_i · W_j)²: 0 for a feature orthogonal to all others, ≥ 1 when other
/// features can activate its direction as strongly as it does itself.

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../config.hpp"
#include "gram.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// Σ_{j≠i} (Ŵ_i · W_j)² for every feature i; 0 for a zero column (it has no direction to interfere with).
///
/// With G = WᵀW this is (Σ_j G_ij² − G_ii²) / G_ii.
template <class Derived>
[[nodiscard]] auto superposition(const Eigen::MatrixBase<Derived>& weights) {
    using Scalar = typename Derived::Scalar;
    const auto g = gram(weights);
    Eigen::Matrix<Scalar, Derived::ColsAtCompileTime, 1> result(weights.cols());
    for (Eigen::Index i = 0; i < weights.cols(); ++i) {
        const Scalar self = g(i, i);
        result[i] = self > Scalar(0) ? (g.col(i).squaredNorm() - self * self) / self : Scalar(0);
        // Rounding can leave −ε for an exactly orthogonal feature; interference is a sum of squares.
        if (result[i] < Scalar(0)) result[i] = Scalar(0);
    }
    return result;
}

template <toy_model Model>
[[nodiscard]] auto superposition(const Model& model) {
    return superposition(model.feature_weights());
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
