#pragma once
/// \file simd/sample_lanes_kernel.hpp
/// Forward and backward pass with SIMD lanes over samples, for models too small to fill the lanes per sample.
///
/// A model with m ≤ 8 hidden units and a few dozen features leaves most of a 16-lane register idle when a
/// sample's vectors run along the lanes; here each lane is a sample instead, every weight is a broadcast scalar,
/// and the m hidden activations of a group of samples stay in registers. Gradients accumulate per lane and are
/// summed across lanes once per step.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
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

/// How many groups of lanes the kernel carries through one pass: each group keeps 2·Hidden vectors (hidden
/// activations and their gradient) live until the pass writes its gradient, and the groups of a pass share each
/// weight's broadcast and one load and store of every gradient accumulator, the kernel's bottleneck. As many groups
/// as those vectors fill the register file: a few spills cost less than the accumulator traffic they save (on
/// Zen 5, m = 8 with two groups ran 1.25× faster than with one; m = 5 the same with two or three).
template <class Arch>
inline constexpr int vector_registers = std::is_base_of_v<xsimd::avx512f, Arch> ? 32 : 16;

/// The most groups of lanes a pass carries (LaneAccumulators sizes its δz scratch for this many).
inline constexpr int max_lane_groups_per_pass = 4;

template <int Hidden, class Arch>
inline constexpr int lane_groups_per_pass =
    std::clamp(vector_registers<Arch> / (2 * Hidden), 1, max_lane_groups_per_pass);

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
        delta_output_.assign(static_cast<std::size_t>(features * max_lane_groups_per_pass * lanes), T(0));
    }

    T* encoder() noexcept { return values_.data(); }
    T* decoder() noexcept { return values_.data() + hidden_ * features_ * lanes; }
    T* bias() noexcept { return values_.data() + hidden_ * features_ * (tied_ ? 1 : 2) * lanes; }
    T* loss() noexcept { return bias() + features_ * lanes; }
    /// Scratch for the kernel: δz of every feature for the groups of one pass, [group][feature] blocks of lanes.
    T* delta_output() noexcept { return delta_output_.data(); }

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
    std::vector<T> delta_output_;
    std::ptrdiff_t features_ = 0, hidden_ = 0;
    bool tied_ = true;
};

namespace detail {

/// One pass of lanes_over_samples_gradient over Groups consecutive groups of lanes starting at sample \p first:
/// each weight is broadcast once for all groups, and each gradient accumulator loaded and stored once.
/// \tparam Tail the pass holds the last samples, so lanes past \p samples are weighted out
template <int Hidden, int Groups, bool Tied, bool Tail, class HiddenActivation, class OutputActivation,
          bool AbsTarget, class T, class Arch>
inline void lanes_pass(const SmallModelView<T>& model, const T* inputs, std::ptrdiff_t stride, std::ptrdiff_t first,
                       std::ptrdiff_t samples, T scale, xsimd::batch<T, Arch>& total_loss,
                       LaneAccumulators<T, Arch>& acc) noexcept {
    using batch = xsimd::batch<T, Arch>;
    constexpr std::ptrdiff_t lanes = batch::size;
    constexpr int m = Hidden;
    // Locals, not members read through references: the stores to the accumulators could alias those, which kept
    // the loss in memory (a store-to-load chain through every feature) and reloaded the pointers per feature.
    const std::ptrdiff_t n = model.features;
    const T* const U = model.encoder;
    const T* const V = model.decoder;
    const T* const bias = model.bias;
    const T* const importance = model.importance;
    batch loss = total_loss;
    const batch zero(T(0));
    const auto input = [&](std::ptrdiff_t i, int g) {
        return batch::load_unaligned(inputs + i * stride + first + g * lanes);
    };
    T* delta_output = acc.delta_output();  // [g][i] blocks of lanes

    // Filled with a zero batch, not value-initialised (which compiled to a memset of the stack array).
    std::array<std::array<batch, m>, Groups> hidden;
    for (auto& group : hidden) group.fill(zero);
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        std::array<batch, m> weight;
        for (int j = 0; j < m; ++j) weight[j] = batch(U[j + i * m]);
        for (int g = 0; g < Groups; ++g) {
            const batch x = input(i, g);
            for (int j = 0; j < m; ++j) hidden[g][j] = xsimd::fma(weight[j], x, hidden[g][j]);
        }
    }
    // ReLU(p) > 0 exactly when p > 0, so the activations also serve as the mask of δh below.
    if constexpr (!HiddenActivation::is_identity)
        for (auto& group : hidden)
            for (auto& h : group) h = xsimd::max(h, zero);

    batch live(T(1));
    if constexpr (Tail) {
        // Lanes past the last sample read zeros (the caller pads) and are weighted out of loss and gradient.
        alignas(64) std::array<T, lanes> lane_index{};
        for (std::ptrdiff_t l = 0; l < lanes; ++l) lane_index[static_cast<std::size_t>(l)] = static_cast<T>(l);
        live = xsimd::select(batch::load_aligned(lane_index.data()) < batch(static_cast<T>(samples - first)),
                             batch(T(1)), zero);
    }
    std::array<std::array<batch, m>, Groups> delta_hidden;
    for (auto& group : delta_hidden) group.fill(zero);
    T* grad_bias = acc.bias();
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        std::array<batch, m> weight;
        for (int j = 0; j < m; ++j) weight[j] = batch(Tied ? U[j + i * m] : V[i + j * n]);
        batch bias_gradient = batch::load_unaligned(grad_bias + i * lanes);
        for (int g = 0; g < Groups; ++g) {
            batch z(bias[i]);
            for (int j = 0; j < m; ++j) z = xsimd::fma(weight[j], hidden[g][j], z);
            const batch x = input(i, g);
            const batch target = AbsTarget ? xsimd::abs(x) : x;
            const batch y = OutputActivation::is_identity ? z : xsimd::max(z, zero);
            batch residual = y - target;
            if constexpr (Tail) residual *= live;
            const batch weighted = batch(importance[i]) * residual;
            loss = xsimd::fma(weighted, residual, loss);
            batch dz = batch(scale) * weighted;
            if constexpr (!OutputActivation::is_identity) dz = xsimd::select(z > zero, dz, zero);
            dz.store_unaligned(delta_output + (g * n + i) * lanes);
            bias_gradient += dz;
            for (int j = 0; j < m; ++j) delta_hidden[g][j] = xsimd::fma(weight[j], dz, delta_hidden[g][j]);
        }
        bias_gradient.store_unaligned(grad_bias + i * lanes);
    }
    if constexpr (!HiddenActivation::is_identity)
        for (int g = 0; g < Groups; ++g)
            for (int j = 0; j < m; ++j)
                delta_hidden[g][j] = xsimd::select(hidden[g][j] > zero, delta_hidden[g][j], zero);
    total_loss = loss;

    // ∂L/∂V_ij = Σ δz_i h_j and ∂L/∂U_ji = Σ δh_j x_i; with tied weights V_ij = U_ji shares U's accumulator.
    T* grad_encoder = acc.encoder();  // [i][j] blocks of lanes
    T* grad_decoder = acc.decoder();
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        std::array<batch, Groups> x, dz;
        for (int g = 0; g < Groups; ++g) {
            x[g] = input(i, g);
            dz[g] = batch::load_unaligned(delta_output + (g * n + i) * lanes);
        }
        for (int j = 0; j < m; ++j) {
            T* encoder_slot = grad_encoder + (i * m + j) * lanes;
            batch encoder = batch::load_unaligned(encoder_slot);
            if constexpr (Tied) {
                for (int g = 0; g < Groups; ++g)
                    encoder = xsimd::fma(delta_hidden[g][j], x[g], xsimd::fma(dz[g], hidden[g][j], encoder));
            } else {
                T* decoder_slot = grad_decoder + (i * m + j) * lanes;
                batch decoder = batch::load_unaligned(decoder_slot);
                for (int g = 0; g < Groups; ++g) {
                    decoder = xsimd::fma(dz[g], hidden[g][j], decoder);
                    encoder = xsimd::fma(delta_hidden[g][j], x[g], encoder);
                }
                decoder.store_unaligned(decoder_slot);
            }
            encoder.store_unaligned(encoder_slot);
        }
    }
}

template <int Hidden, int Groups, bool Tied, class HiddenActivation, class OutputActivation, bool AbsTarget, class T,
          class Arch>
void lanes_over_samples(const SmallModelView<T>& model, const T* inputs, std::ptrdiff_t stride,
                        std::ptrdiff_t samples, T scale, LaneAccumulators<T, Arch>& acc) noexcept {
    constexpr std::ptrdiff_t lanes = xsimd::batch<T, Arch>::size;
    auto loss = xsimd::batch<T, Arch>::load_unaligned(acc.loss());
    std::ptrdiff_t first = 0;
    for (; first + Groups * lanes <= samples; first += Groups * lanes)
        lanes_pass<Hidden, Groups, Tied, false, HiddenActivation, OutputActivation, AbsTarget>(
            model, inputs, stride, first, samples, scale, loss, acc);
    for (; first < samples; first += lanes)
        lanes_pass<Hidden, 1, Tied, true, HiddenActivation, OutputActivation, AbsTarget>(model, inputs, stride, first,
                                                                                         samples, scale, loss, acc);
    loss.store_unaligned(acc.loss());
}

}  // namespace detail

/// Accumulates the gradient of scale/2 · Σ_s Σ_i I_i (y_i − t_i)² for \p samples samples stored feature-major
/// (feature i of sample s at inputs[i·stride + s]; samples is a multiple of the lane count or the tail is masked).
///
/// \tparam Hidden the model's m, fixed so the hidden activations live in registers
template <int Hidden, class HiddenActivation, class OutputActivation, bool AbsTarget, class T,
          class Arch = xsimd::default_arch>
void lanes_over_samples_gradient(const SmallModelView<T>& model, const T* inputs, std::ptrdiff_t stride,
                                 std::ptrdiff_t samples, T scale, LaneAccumulators<T, Arch>& acc) noexcept {
    constexpr int groups = lane_groups_per_pass<Hidden, Arch>;
    if (model.decoder == nullptr)
        detail::lanes_over_samples<Hidden, groups, true, HiddenActivation, OutputActivation, AbsTarget>(
            model, inputs, stride, samples, scale, acc);
    else
        detail::lanes_over_samples<Hidden, groups, false, HiddenActivation, OutputActivation, AbsTarget>(
            model, inputs, stride, samples, scale, acc);
}

}  // namespace simd
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
