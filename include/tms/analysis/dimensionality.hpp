#pragma once
/// \file analysis/dimensionality.hpp
/// Feature dimensionality D_i and dimensions per feature m/‖W‖_F².

#include <limits>

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../config.hpp"
#include "effective_weights.hpp"
#include "feature_norms.hpp"
#include "gram.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// D_i = ‖W_i‖² / Σ_j (Ŵ_i · W_j)² for every feature: the fraction of a dimension feature i gets (1 orthogonal,
/// 1/2 antipodal pair, 2/5 pentagon, 3/4 tetrahedron); NaN ("not applicable") for a feature that is not
/// represented (‖W_i‖ ≤ \p threshold), whose direction is noise.
///
/// With G = WᵀW this is G_ii² / Σ_j G_ij².
template <class Derived>
[[nodiscard]] auto feature_dimensionality(const Eigen::MatrixBase<Derived>& weights,
                                          double threshold = represented_threshold) {
    using Scalar = typename Derived::Scalar;
    const auto g = gram(weights);
    const auto represented = represented_mask(weights, threshold);
    Eigen::Matrix<Scalar, Derived::ColsAtCompileTime, 1> result(weights.cols());
    for (Eigen::Index i = 0; i < weights.cols(); ++i)
        result[i] = represented[i] ? g(i, i) * g(i, i) / g.col(i).squaredNorm() : std::numeric_limits<Scalar>::quiet_NaN();
    return result;
}

/// Feature dimensionality of a model's effective weights (tms::effective_weights).
template <toy_model Model>
[[nodiscard]] auto feature_dimensionality(const Model& model, double threshold = represented_threshold) {
    return feature_dimensionality(effective_weights(model), threshold);
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
    return dimensions_per_feature(effective_weights(model));
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
