#pragma once
/// \file detail/validate.hpp
/// Argument checks that throw std::invalid_argument with a message naming the value.

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <Eigen/Core>

#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace detail {

/// Streams its arguments into one message string.
template <class... Parts>
[[nodiscard]] std::string concat(const Parts&... parts) {
    std::ostringstream out;
    out.precision(17);
    (out << ... << parts);
    return out.str();
}

/// Throws std::invalid_argument built from \p parts unless \p condition holds.
template <class... Parts>
void require(bool condition, const Parts&... parts) {
    if (!condition) throw std::invalid_argument(concat(parts...));
}

/// A size that must be at least one (features, hidden units, batch size, steps).
inline void require_positive_size(Eigen::Index value, std::string_view what) {
    require(value > 0, what, " must be at least 1, got ", value);
}

/// A run-time size that must agree with the compile-time one unless that is Dynamic.
template <int CompileTime>
void require_compile_time_size(Eigen::Index value, std::string_view what) {
    if constexpr (CompileTime != Eigen::Dynamic)
        require(value == CompileTime, what, " is fixed at compile time to ", CompileTime, " but ", value,
                " was requested");
}

/// A probability: finite and inside [0, 1].
inline void require_probability(double p, std::string_view what) {
    require(std::isfinite(p) && p >= 0.0 && p <= 1.0, what, " must be a probability in [0, 1], got ", p);
}

/// A finite, strictly positive number (learning rates, epsilons).
inline void require_finite_positive(double value, std::string_view what) {
    require(std::isfinite(value) && value > 0.0, what, " must be finite and positive, got ", value);
}

/// Exact shape equality of an argument, naming both shapes.
inline void require_shape(Eigen::Index rows, Eigen::Index cols, Eigen::Index expected_rows,
                          Eigen::Index expected_cols, std::string_view what) {
    require(rows == expected_rows && cols == expected_cols, what, " has shape ", rows, "x", cols, " but ",
            expected_rows, "x", expected_cols, " was expected");
}

}  // namespace detail
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
