#pragma once
/// \file detail/reciprocal_divider.hpp
/// Integer division by a fixed divisor as a multiply-high by its rounded-up reciprocal, for hot loops.

#include <cstdint>

#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace detail {

/// x / d for a divisor fixed in advance: the high half of x · ⌈2⁶⁴/d⌉ (computed from 32 × 32-bit halves, so no
/// 128-bit type is needed), exact whenever x < 2³² and 2 ≤ d < 2³², because the rounding of the reciprocal then
/// adds less than x/2⁶⁴ ≤ 1/d to x/d. A hardware division costs tens of cycles of latency; this is two
/// independent multiplies. Outside that range (d = 1, or a dividend bound of 2³² or more) it divides.
class ReciprocalDivider {
public:
    /// For dividends below \p dividend_bound (≤ 2³² for the fast path) and \p divisor ≥ 1.
    ReciprocalDivider(std::uint64_t divisor, std::uint64_t dividend_bound) noexcept
        : divisor_(divisor),
          by_reciprocal_(divisor >= 2 && divisor < (std::uint64_t{1} << 32) &&
                         dividend_bound <= (std::uint64_t{1} << 32)) {
        const std::uint64_t reciprocal = by_reciprocal_ ? ~std::uint64_t{0} / divisor + 1 : 0;
        high_ = reciprocal >> 32;
        low_ = reciprocal & 0xffffffffu;
    }

    /// x / divisor, rounded down; \p x must be below the dividend bound.
    [[nodiscard]] std::uint64_t operator()(std::uint64_t x) const noexcept {
        return by_reciprocal_ ? (x * high_ + ((x * low_) >> 32)) >> 32 : x / divisor_;
    }

private:
    std::uint64_t divisor_;
    bool by_reciprocal_;
    std::uint64_t high_ = 0;
    std::uint64_t low_ = 0;
};

}  // namespace detail
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
