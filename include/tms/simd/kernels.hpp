#pragma once
/// \file simd/kernels.hpp
/// The SIMD kernel layer: the only header that includes xsimd.
///
/// Each kernel takes raw pointers and a length, is templated on `Arch` (so builds with different `-march`
/// flags never share a symbol, see STYLE.md), loads unaligned, finishes the tail in scalar code, and has a
/// plain scalar twin in `tms::simd::reference` that the tests compare it against.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include <xsimd/xsimd.hpp>

#include "../config.hpp"
#include "../models/activation.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace simd {

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

/// Scalar twin of simd::sparse_gram_gradient, over rows [begin, end) of the padded columns.
template <class Activation, class T>
T sparse_gram_gradient(const T* bias, const T* gram, const T* importance, T* outer, T* bias_gradient,
                       std::ptrdiff_t stride, const std::int32_t* indices, const T* values, std::ptrdiff_t count,
                       T scale, std::ptrdiff_t begin, std::ptrdiff_t end) noexcept {
    T loss = 0;
    for (std::ptrdiff_t i = begin; i < end; ++i) {
        T z = bias[i];
        T target = 0;
        for (std::ptrdiff_t k = 0; k < count; ++k) {
            z += values[k] * gram[indices[k] * stride + i];
            if (indices[k] == i) target += values[k];
        }
        const T residual = Activation::value(z) - target;
        const T weighted = importance[i] * residual;
        loss += weighted * residual;
        const T delta = scale * weighted * Activation::derivative(z);
        bias_gradient[i] += delta;
        for (std::ptrdiff_t k = 0; k < count; ++k) outer[indices[k] * stride + i] += values[k] * delta;
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

namespace detail {

/// δ = scale · I ⊙ r ⊙ f'(z) for the residual r = f(z) − t, accumulating Σ I r² into `loss`: the lane-wise heart of
/// both output kernels below.
template <class Activation, class T, class Arch>
[[gnu::always_inline]] inline xsimd::batch<T, Arch> residual_gradient(const xsimd::batch<T, Arch>& z,
                                                                     const xsimd::batch<T, Arch>& target,
                                                                     const xsimd::batch<T, Arch>& importance,
                                                                     const xsimd::batch<T, Arch>& scale,
                                                                     xsimd::batch<T, Arch>& loss) noexcept {
    using batch = xsimd::batch<T, Arch>;
    const batch zero(T(0));
    const batch y = Activation::is_identity ? z : xsimd::max(z, zero);
    const batch residual = y - target;
    const batch weighted = importance * residual;
    loss = xsimd::fma(weighted, residual, loss);
    const batch delta = scale * weighted;
    if constexpr (Activation::is_identity) return delta;
    else return xsimd::select(z > zero, delta, zero);
}

/// 1 at index lanes<T, Arch>, zeros around it: loading lanes elements at (lanes − j) gives the unit vector e_j for
/// 0 ≤ j < lanes.
template <class T, class Arch>
inline constexpr auto unit_window = [] {
    constexpr std::size_t lanes = xsimd::batch<T, Arch>::size;
    std::array<T, 2 * lanes> window{};
    window[lanes] = T(1);
    return window;
}();

/// Rows [first, first + lanes) of the dense sample Σ_k x_k e_{i_k}, built in a register. Indices are increasing
/// and blocks are visited in order, so `cursor` (start at 0) walks each present feature once: the cost is O(count) per sample, not per block.
template <class T, class Arch>
[[gnu::always_inline]] inline xsimd::batch<T, Arch> densify(const std::int32_t* indices, const T* values,
                                                                  std::ptrdiff_t count, std::ptrdiff_t first,
                                                                  std::ptrdiff_t& cursor) noexcept {
    using batch = xsimd::batch<T, Arch>;
    constexpr auto lanes = static_cast<std::ptrdiff_t>(batch::size);
    const T* unit = unit_window<T, Arch>.data() + lanes;
    batch x(T(0));
    for (; cursor < count && indices[cursor] < first + lanes; ++cursor)
        x = xsimd::fma(batch(values[cursor]), batch::load_unaligned(unit - (indices[cursor] - first)), x);
    return x;
}

}  // namespace detail

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
    const batch scale_batch(scale);
    batch loss_batch(T(0));
    for (std::ptrdiff_t i = 0; i < vector_end; i += lanes)
        detail::residual_gradient<Activation>(batch::load_unaligned(pre_activation + i),
                                              batch::load_unaligned(target + i), batch::load_unaligned(importance + i),
                                              scale_batch, loss_batch)
            .store_unaligned(delta + i);
    return horizontal_sum(loss_batch) +
           reference::output_gradient<Activation>(pre_activation + vector_end, target + vector_end,
                                                  importance + vector_end, delta + vector_end, n - vector_end,
                                                  scale);
}

/// One sparse sample of a model whose output is z = G x + b with G = WᵀW (linear hidden layer, tied weights),
/// fused into one pass over the features so that z, the target and δz never leave registers:
///   z = b + Σ_k x_k G_{:,i_k},  t = x,  δz = scale · I ⊙ (f(z) − t) ⊙ f'(z),
///   bias_gradient += δz,  outer_{:,i_k} += x_k δz  (M = Σ_s δz xᵀ, from which ∂L/∂W = W (M + Mᵀ)),
/// and returns Σ_i I_i (f(z_i) − t_i)². `gram` and `outer` are column-major with column stride `stride`; the
/// sample's features are `indices[0..count)` (increasing) with values `values[0..count)`; rows [0, stride) are
/// processed. Keeping the target out of memory matters: writing it element by element and loading it as a vector
/// defeats store-to-load forwarding, which cost more than the arithmetic (1.6x on a whole training step at n = 20,
/// p = 0.01).
template <class Activation, class T, class Arch = xsimd::default_arch>
[[gnu::always_inline]] inline T sparse_gram_gradient(const T* bias, const T* gram, const T* importance, T* outer,
                                                      T* bias_gradient, std::ptrdiff_t stride,
                                                      const std::int32_t* indices, const T* values,
                                                      std::ptrdiff_t count, T scale) noexcept {
    using batch = xsimd::batch<T, Arch>;
    constexpr std::ptrdiff_t lanes = batch::size;
    const std::ptrdiff_t vector_end = stride - stride % lanes;
    const batch scale_batch(scale);
    batch loss_batch(T(0));
    std::ptrdiff_t cursor = 0;
    for (std::ptrdiff_t i = 0; i < vector_end; i += lanes) {
        batch z = batch::load_unaligned(bias + i);
        for (std::ptrdiff_t k = 0; k < count; ++k)
            z = xsimd::fma(batch(values[k]), batch::load_unaligned(gram + indices[k] * stride + i), z);
        const batch delta = detail::residual_gradient<Activation>(
            z, detail::densify<T, Arch>(indices, values, count, i, cursor), batch::load_unaligned(importance + i),
            scale_batch, loss_batch);
        (batch::load_unaligned(bias_gradient + i) + delta).store_unaligned(bias_gradient + i);
        for (std::ptrdiff_t k = 0; k < count; ++k) {
            T* column = outer + indices[k] * stride + i;
            xsimd::fma(batch(values[k]), delta, batch::load_unaligned(column)).store_unaligned(column);
        }
    }
    return horizontal_sum(loss_batch) +
           reference::sparse_gram_gradient<Activation>(bias, gram, importance, outer, bias_gradient, stride, indices,
                                                       values, count, scale, vector_end, stride);
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

}  // namespace simd
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
