#pragma once
/// \file sampling/importance.hpp
/// Feature importance vectors I_i for the weighted loss.

#include <cmath>

#include "../config.hpp"
#include "../detail/validate.hpp"
#include "../fwd.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// I_i = ratio^i for i = 0 … n−1 (the paper's 0.7^i, 0.75^i, 0.8^i, 0.9^i).
/// \throws std::invalid_argument for zero features or a ratio that is not finite and positive.
template <real_scalar Scalar>
[[nodiscard]] VectorX<Scalar> geometric_importance(Index features, double ratio) {
    detail::require_positive_size(features, "features (n)");
    detail::require_finite_positive(ratio, "importance ratio");
    VectorX<Scalar> importance(features);
    for (Index i = 0; i < features; ++i) importance[i] = static_cast<Scalar>(std::pow(ratio, static_cast<double>(i)));
    return importance;
}

/// I_i = 1 for every feature.
template <real_scalar Scalar>
[[nodiscard]] VectorX<Scalar> uniform_importance(Index features) {
    detail::require_positive_size(features, "features (n)");
    return VectorX<Scalar>::Ones(features);
}

/// Throws unless every importance is finite and non-negative; names the first bad entry.
template <class Derived>
void validate_importance(const Eigen::MatrixBase<Derived>& importance) {
    for (Index i = 0; i < importance.size(); ++i) {
        const double value = static_cast<double>(importance(i));
        detail::require(std::isfinite(value) && value >= 0.0, "importance[", i,
                        "] must be finite and non-negative, got ", value);
    }
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
