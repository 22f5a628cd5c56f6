#pragma once
/// \file analysis/gram.hpp
/// WᵀW: the features × features matrix of dot products between feature directions.

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../config.hpp"
#include "effective_weights.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// WᵀW (n×n) for W of shape hidden × features; entry (i, j) is W_i · W_j.
template <class Derived>
[[nodiscard]] auto gram(const Eigen::MatrixBase<Derived>& weights) {
    using Scalar = typename Derived::Scalar;
    using Result = Eigen::Matrix<Scalar, Derived::ColsAtCompileTime, Derived::ColsAtCompileTime>;
    Result result = weights.transpose() * weights;
    return result;
}

/// WᵀW of a model's effective weights (W, or W₁ scaled by W₂'s column norms: tms::effective_weights).
template <toy_model Model>
[[nodiscard]] auto gram(const Model& model) {
    return gram(effective_weights(model));
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
