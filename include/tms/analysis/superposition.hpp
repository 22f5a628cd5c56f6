#pragma once
/// \file analysis/superposition.hpp
/// The interference sum Σ_{j≠i} (Ŵ_i · W_j)²: 0 for a feature orthogonal to all others, ≥ 1 when other
/// features can activate its direction as strongly as it does itself.

#include <algorithm>
#include <limits>

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../config.hpp"
#include "effective_weights.hpp"
#include "feature_norms.hpp"
#include "gram.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// Σ_{j≠i} (Ŵ_i · W_j)² for every feature i, NaN for a feature that is not represented (‖W_i‖ ≤ \p threshold).
///
/// With G = WᵀW this is (Σ_j G_ij² − G_ii²) / G_ii. A feature the model does not represent has no direction worth
/// speaking of: dividing by a tiny G_ii would report large "superposition" for a column of noise, so the value
/// is NaN ("not applicable"), never a number a table or a colour could mistake for interference.
template <class Derived>
[[nodiscard]] auto superposition(const Eigen::MatrixBase<Derived>& weights, double threshold = represented_threshold) {
    using Scalar = typename Derived::Scalar;
    const auto g = gram(weights);
    const auto represented = represented_mask(weights, threshold);
    Eigen::Matrix<Scalar, Derived::ColsAtCompileTime, 1> result(weights.cols());
    for (Eigen::Index i = 0; i < weights.cols(); ++i) {
        if (!represented[i]) {
            result[i] = std::numeric_limits<Scalar>::quiet_NaN();
            continue;
        }
        const Scalar self = g(i, i);
        // Rounding can leave −ε for an exactly orthogonal feature; interference is a sum of squares.
        result[i] = std::max(Scalar(0), (g.col(i).squaredNorm() - self * self) / self);
    }
    return result;
}

/// Superposition of a model's effective weights (tms::effective_weights).
template <toy_model Model>
[[nodiscard]] auto superposition(const Model& model, double threshold = represented_threshold) {
    return superposition(effective_weights(model), threshold);
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
