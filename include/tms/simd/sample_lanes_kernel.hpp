#pragma once
/// \file simd/sample_lanes_kernel.hpp
/// Forward and backward pass with SIMD lanes over samples, for models too small to fill the lanes per sample.
///
/// A model with m ≤ 8 hidden units and a few dozen features leaves most of a 16-lane register idle when a
/// sample's vectors run along the lanes; here each lane is a sample instead, every weight is a broadcast scalar,
/// and the m hidden activations of a group of samples stay in registers. Gradients accumulate per lane and are
/// summed across lanes once per step.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "../config.hpp"
#include "kernels.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace simd {

/// Read-only view of a small model's parameters (column-major as in the flat layout).
template <class T>
struct SmallModelView {
    const T* encoder;  ///< U = W or W₁, m×n: entry (j, i) at encoder[j + i·m]
    const T* decoder;  ///< W₂, n×m: entry (i, j) at decoder[i + j·n]; null when tied (V = Uᵀ)
    const T* bias;
    const T* importance;
    std::ptrdiff_t features;
    std::ptrdiff_t hidden;
};

/// Per-lane gradient accumulators of one step; reduce() sums the lanes into a flat gradient.
template <class T, class Arch = xsimd::default_arch>
class LaneAccumulators {
public:
    using batch = xsimd::batch<T, Arch>;
    static constexpr std::ptrdiff_t lanes = batch::size;

    void reset(std::ptrdiff_t features, std::ptrdiff_t hidden, bool tied) {
        features_ = features;
        hidden_ = hidden;
        tied_ = tied;
        const std::size_t blocks = static_cast<std::size_t>(
            hidden * features * (tied ? 1 : 2) + features + 1);  // U, [V], b, loss
        values_.assign(blocks * lanes, T(0));
    }

    T* encoder() noexcept { return values_.data(); }
    T* decoder() noexcept { return values_.data() + hidden_ * features_ * lanes; }
    T* bias() noexcept { return values_.data() + hidden_ * features_ * (tied_ ? 1 : 2) * lanes; }
    T* loss() noexcept { return bias() + features_ * lanes; }

    /// Adds the lane sums to \p encoder_gradient (m×n col-major), \p decoder_gradient (n×m col-major; for tied
    /// models the decoder part is already in the encoder's), \p bias_gradient; returns the summed squared error.
    T reduce(T* encoder_gradient, T* decoder_gradient, T* bias_gradient) const {
        const auto sum = [&](std::ptrdiff_t block) {
            return horizontal_sum(batch::load_unaligned(values_.data() + block * lanes));
        };
        const std::ptrdiff_t mn = hidden_ * features_;
        // Accumulators are laid out [i][j] (feature-major) so the hot loop walks them in order.
        for (std::ptrdiff_t i = 0; i < features_; ++i)
            for (std::ptrdiff_t j = 0; j < hidden_; ++j) encoder_gradient[j + i * hidden_] += sum(i * hidden_ + j);
        if (!tied_)
            for (std::ptrdiff_t i = 0; i < features_; ++i)
                for (std::ptrdiff_t j = 0; j < hidden_; ++j)
                    decoder_gradient[i + j * features_] += sum(mn + i * hidden_ + j);
        const std::ptrdiff_t bias_block = mn * (tied_ ? 1 : 2);
        for (std::ptrdiff_t i = 0; i < features_; ++i) bias_gradient[i] += sum(bias_block + i);
        return sum(bias_block + features_);
    }

private:
    std::vector<T> values_;
    std::ptrdiff_t features_ = 0, hidden_ = 0;
    bool tied_ = true;
};

/// Accumulates the gradient of scale/2 · Σ_s Σ_i I_i (y_i − t_i)² for \p samples samples stored feature-major
/// (feature i of sample s at inputs[i·stride + s]; samples is a multiple of the lane count or the tail is masked).
///
/// \tparam Hidden the model's m, fixed so the hidden activations live in registers
template <int Hidden, class HiddenActivation, class OutputActivation, bool AbsTarget, class T,
          class Arch = xsimd::default_arch>
void lanes_over_samples_gradient(const SmallModelView<T>& model, const T* inputs, std::ptrdiff_t stride,
                                 std::ptrdiff_t samples, T scale, LaneAccumulators<T, Arch>& acc) noexcept {
    using batch = xsimd::batch<T, Arch>;
    constexpr std::ptrdiff_t lanes = batch::size;
    constexpr int m = Hidden;
    const std::ptrdiff_t n = model.features;
    const bool tied = model.decoder == nullptr;
    const T* U = model.encoder;
    T* grad_encoder = acc.encoder();  // [i][j] blocks of lanes
    T* grad_decoder = tied ? grad_encoder : acc.decoder();
    T* grad_bias = acc.bias();
    batch loss = batch::load_unaligned(acc.loss());
    const batch zero(T(0));
    alignas(64) std::array<T, lanes> lane_index{};
    for (std::ptrdiff_t l = 0; l < lanes; ++l) lane_index[static_cast<std::size_t>(l)] = static_cast<T>(l);
    const batch lane_numbers = batch::load_aligned(lane_index.data());

    for (std::ptrdiff_t first = 0; first < samples; first += lanes) {
        // Lanes past the last sample read zeros (the caller pads) and are weighted out of loss and gradient.
        const batch live = xsimd::select(lane_numbers < batch(static_cast<T>(samples - first)), batch(T(1)), zero);
        std::array<batch, m> pre_hidden;
        pre_hidden.fill(zero);
        for (std::ptrdiff_t i = 0; i < n; ++i) {
            const batch x = batch::load_unaligned(inputs + i * stride + first);
            for (int j = 0; j < m; ++j) pre_hidden[j] = xsimd::fma(batch(U[j + i * m]), x, pre_hidden[j]);
        }
        std::array<batch, m> hidden;
        for (int j = 0; j < m; ++j)
            hidden[j] = HiddenActivation::is_identity ? pre_hidden[j] : xsimd::max(pre_hidden[j], zero);
        std::array<batch, m> delta_hidden;
        delta_hidden.fill(zero);
        for (std::ptrdiff_t i = 0; i < n; ++i) {
            const auto decoder_weight = [&](int j) { return tied ? U[j + i * m] : model.decoder[i + j * n]; };
            batch z(model.bias[i]);
            for (int j = 0; j < m; ++j) z = xsimd::fma(batch(decoder_weight(j)), hidden[j], z);
            const batch x = batch::load_unaligned(inputs + i * stride + first);
            const batch target = AbsTarget ? xsimd::abs(x) : x;
            const batch y = OutputActivation::is_identity ? z : xsimd::max(z, zero);
            const batch residual = (y - target) * live;
            const batch weighted = batch(model.importance[i]) * residual;
            loss = xsimd::fma(weighted, residual, loss);
            batch dz = batch(scale) * weighted;
            if constexpr (!OutputActivation::is_identity) dz = xsimd::select(z > zero, dz, zero);
            T* bias_slot = grad_bias + i * lanes;
            (batch::load_unaligned(bias_slot) + dz).store_unaligned(bias_slot);
            for (int j = 0; j < m; ++j) {
                // ∂L/∂V_ij = Σ δz_i h_j; with tied weights V_ij = U_ji shares U's accumulator slot.
                T* slot = grad_decoder + (i * m + j) * lanes;
                xsimd::fma(dz, hidden[j], batch::load_unaligned(slot)).store_unaligned(slot);
                delta_hidden[j] = xsimd::fma(batch(decoder_weight(j)), dz, delta_hidden[j]);
            }
        }
        if constexpr (!HiddenActivation::is_identity)
            for (int j = 0; j < m; ++j) delta_hidden[j] = xsimd::select(pre_hidden[j] > zero, delta_hidden[j], zero);
        for (std::ptrdiff_t i = 0; i < n; ++i) {
            const batch x = batch::load_unaligned(inputs + i * stride + first);
            for (int j = 0; j < m; ++j) {
                T* slot = grad_encoder + (i * m + j) * lanes;
                xsimd::fma(delta_hidden[j], x, batch::load_unaligned(slot)).store_unaligned(slot);
            }
        }
    }
    loss.store_unaligned(acc.loss());
}

}  // namespace simd
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
