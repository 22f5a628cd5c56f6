#pragma once
/// \file simd/kernels.hpp
/// The SIMD kernel layer: the only header that includes xsimd.
///
/// Each kernel takes raw pointers and a length, is templated on `Arch` (so builds with different `-march`
/// flags never share a symbol, see STYLE.md), loads unaligned, finishes the tail in scalar code, and has a
/// plain scalar twin in `tms::simd::reference` that the tests compare it against.

#include <cstddef>

#include <xsimd/xsimd.hpp>

#include "../detail/activation.hpp"

namespace tms::simd {

/// SIMD width, in elements of \p T, of the default architecture: the padding unit of the gradient core's buffers.
template <class T, class Arch = xsimd::default_arch>
inline constexpr std::ptrdiff_t lanes = static_cast<std::ptrdiff_t>(xsimd::batch<T, Arch>::size);

// The kernels below are forced inline: they run once or a few times per sample on vectors of one to a few
// registers, where a call costs as much as the work and inlining lets a compile-time length unroll the loop.

/// Horizontal sum; xsimd 8.1 spells it `hadd` (later versions `reduce_add`), so it is wrapped once here.
template <class T, class Arch>
[[nodiscard]] inline T horizontal_sum(const xsimd::batch<T, Arch>& x) noexcept {
    return xsimd::hadd(x);
}

namespace reference {

/// Scalar twin of simd::output_gradient.
template <class Activation, class T>
T output_gradient(const T* pre_activation, const T* target, const T* importance, T* delta, std::ptrdiff_t n,
                  T scale) noexcept {
    T loss = 0;
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        const T residual = Activation::value(pre_activation[i]) - target[i];
        const T weighted = importance[i] * residual;
        loss += weighted * residual;
        delta[i] = scale * weighted * Activation::derivative(pre_activation[i]);
    }
    return loss;
}

/// Scalar twin of simd::axpy.
template <class T>
void axpy(T alpha, const T* x, T* y, std::ptrdiff_t n) noexcept {
    for (std::ptrdiff_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

/// Scalar twin of simd::dot.
template <class T>
T dot(const T* x, const T* y, std::ptrdiff_t n) noexcept {
    T sum = 0;
    for (std::ptrdiff_t i = 0; i < n; ++i) sum += x[i] * y[i];
    return sum;
}

}  // namespace reference

/// The fused output step of the importance-weighted MSE for one sample.
///
/// With y = f(z) and r = y − t: returns Σ_i I_i r_i² and writes δ_i = scale · I_i r_i f'(z_i), the gradient of
/// scale/2 · Σ I_i r_i² with respect to z. `scale` carries the 2/(batch·features) of the mean.
template <class Activation, class T, class Arch = xsimd::default_arch>
[[gnu::always_inline]] inline T output_gradient(const T* pre_activation, const T* target, const T* importance, T* delta, std::ptrdiff_t n,
                  T scale) noexcept {
    using batch = xsimd::batch<T, Arch>;
    constexpr std::ptrdiff_t lanes = batch::size;
    const std::ptrdiff_t vector_end = n - n % lanes;
    const batch zero(T(0));
    const batch scale_batch(scale);
    batch loss_batch(T(0));
    for (std::ptrdiff_t i = 0; i < vector_end; i += lanes) {
        const batch z = batch::load_unaligned(pre_activation + i);
        const batch y = Activation::is_identity ? z : xsimd::max(z, zero);
        const batch residual = y - batch::load_unaligned(target + i);
        const batch weighted = batch::load_unaligned(importance + i) * residual;
        loss_batch = xsimd::fma(weighted, residual, loss_batch);
        batch d = scale_batch * weighted;
        if constexpr (!Activation::is_identity) d = xsimd::select(z > zero, d, zero);
        d.store_unaligned(delta + i);
    }
    return horizontal_sum(loss_batch) +
           reference::output_gradient<Activation>(pre_activation + vector_end, target + vector_end,
                                                  importance + vector_end, delta + vector_end, n - vector_end,
                                                  scale);
}

/// y += alpha · x.
template <class T, class Arch = xsimd::default_arch>
[[gnu::always_inline]] inline void axpy(T alpha, const T* x, T* y, std::ptrdiff_t n) noexcept {
    using batch = xsimd::batch<T, Arch>;
    constexpr std::ptrdiff_t lanes = batch::size;
    const std::ptrdiff_t vector_end = n - n % lanes;
    const batch a(alpha);
    for (std::ptrdiff_t i = 0; i < vector_end; i += lanes)
        xsimd::fma(a, batch::load_unaligned(x + i), batch::load_unaligned(y + i)).store_unaligned(y + i);
    reference::axpy(alpha, x + vector_end, y + vector_end, n - vector_end);
}

/// Σ x_i y_i.
template <class T, class Arch = xsimd::default_arch>
[[gnu::always_inline]] [[nodiscard]] inline T dot(const T* x, const T* y, std::ptrdiff_t n) noexcept {
    using batch = xsimd::batch<T, Arch>;
    constexpr std::ptrdiff_t lanes = batch::size;
    const std::ptrdiff_t vector_end = n - n % lanes;
    batch sum(T(0));
    for (std::ptrdiff_t i = 0; i < vector_end; i += lanes)
        sum = xsimd::fma(batch::load_unaligned(x + i), batch::load_unaligned(y + i), sum);
    return horizontal_sum(sum) + reference::dot(x + vector_end, y + vector_end, n - vector_end);
}

}  // namespace tms::simd
