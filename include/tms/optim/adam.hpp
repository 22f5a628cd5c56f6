#pragma once
/// \file optim/adam.hpp
/// Adam and AdamW with PyTorch's semantics and defaults (torch.optim.Adam / AdamW).

#include <cmath>
#include <cstdint>
#include <span>

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../config.hpp"
#include "../detail/validate.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// Hyper-parameters of Adam; defaults are PyTorch's (weight decay here is an L2 term added to the gradient).
struct AdamOptions {
    double beta1 = 0.9;
    double beta2 = 0.999;
    double epsilon = 1e-8;
    double weight_decay = 0.0;
};

/// Hyper-parameters of AdamW; defaults are PyTorch's (decoupled weight decay 0.01).
struct AdamWOptions {
    double beta1 = 0.9;
    double beta2 = 0.999;
    double epsilon = 1e-8;
    double weight_decay = 0.01;
};

/// The update Adam and AdamW share, and their public interface (step, the moments, restore); \p Decoupled selects
/// AdamW's p ← p(1 − lr λ) over Adam's g ← g + λp. Use Adam or AdamW, which add their options.
template <real_scalar Scalar, bool Decoupled>
class AdamUpdate {
public:
    AdamUpdate(double beta1, double beta2, double epsilon, double weight_decay)
        : beta1_(beta1), beta2_(beta2), epsilon_(epsilon), weight_decay_(weight_decay) {
        detail::require(beta1 >= 0.0 && beta1 < 1.0, "Adam beta1 must be in [0, 1), got ", beta1);
        detail::require(beta2 >= 0.0 && beta2 < 1.0, "Adam beta2 must be in [0, 1), got ", beta2);
        detail::require_finite_positive(epsilon, "Adam epsilon");
        detail::require(std::isfinite(weight_decay) && weight_decay >= 0.0,
                        "Adam weight decay must be finite and non-negative, got ", weight_decay);
    }

    /// One update, in PyTorch's order: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
    /// p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).
    void step(std::span<Scalar> params, std::span<const Scalar> gradient, double learning_rate) {
        detail::require(params.size() == gradient.size(), "Adam: ", params.size(), " parameters but ",
                        gradient.size(), " gradient entries");
        const auto size = static_cast<Eigen::Index>(params.size());
        if (first_moment_.size() != size) {
            detail::require(steps_ == 0, "Adam: the parameter count changed from ", first_moment_.size(), " to ", size);
            first_moment_.setZero(size);
            second_moment_.setZero(size);
        }
        Eigen::Map<Array> p(params.data(), size);
        const Eigen::Map<const Array> g(gradient.data(), size);
        ++steps_;
        const auto lr = static_cast<Scalar>(learning_rate);
        const auto decay = static_cast<Scalar>(weight_decay_);
        const auto b1 = static_cast<Scalar>(beta1_);
        const auto b2 = static_cast<Scalar>(beta2_);
        const double correction1 = 1.0 - std::pow(beta1_, static_cast<double>(steps_));
        const double correction2_sqrt = std::sqrt(1.0 - std::pow(beta2_, static_cast<double>(steps_)));
        const auto step_size = static_cast<Scalar>(learning_rate / correction1);
        const auto inverse_correction2_sqrt = static_cast<Scalar>(1.0 / correction2_sqrt);
        const auto eps = static_cast<Scalar>(epsilon_);
        if constexpr (Decoupled) {
            if (weight_decay_ != 0.0) p *= Scalar(1) - lr * decay;
            first_moment_ = b1 * first_moment_ + (Scalar(1) - b1) * g;
            second_moment_ = b2 * second_moment_ + (Scalar(1) - b2) * g.square();
        } else {
            first_moment_ = b1 * first_moment_ + (Scalar(1) - b1) * (g + decay * p);
            second_moment_ = b2 * second_moment_ + (Scalar(1) - b2) * (g + decay * p).square();
        }
        p -= step_size * first_moment_ / (second_moment_.sqrt() * inverse_correction2_sqrt + eps);
    }

    [[nodiscard]] std::int64_t step_count() const noexcept { return steps_; }
    [[nodiscard]] std::span<const Scalar> first_moment() const noexcept { return view(first_moment_); }
    [[nodiscard]] std::span<const Scalar> second_moment() const noexcept { return view(second_moment_); }

    /// Restores the state saved by step_count(), first_moment() and second_moment().
    void restore(std::int64_t steps, std::span<const Scalar> first, std::span<const Scalar> second) {
        detail::require(first.size() == second.size(), "Adam state: moments of ", first.size(), " and ",
                        second.size(), " entries");
        detail::require(steps >= 0, "Adam state: negative step count ", steps);
        steps_ = steps;
        first_moment_ = Eigen::Map<const Array>(first.data(), static_cast<Eigen::Index>(first.size()));
        second_moment_ = Eigen::Map<const Array>(second.data(), static_cast<Eigen::Index>(second.size()));
    }

private:
    using Array = Eigen::Array<Scalar, Eigen::Dynamic, 1>;
    static std::span<const Scalar> view(const Array& a) noexcept {
        return {a.data(), static_cast<std::size_t>(a.size())};
    }

    double beta1_, beta2_, epsilon_, weight_decay_;
    std::int64_t steps_ = 0;
    Array first_moment_;
    Array second_moment_;
};

/// Adam (Kingma and Ba) with PyTorch's defaults: lr 1e-3 (passed per step), betas 0.9/0.999, eps 1e-8.
template <real_scalar Scalar_>
class Adam : public AdamUpdate<Scalar_, false> {
public:
    using Scalar = Scalar_;
    using Options = AdamOptions;
    explicit Adam(AdamOptions o = {})
        : AdamUpdate<Scalar_, false>(o.beta1, o.beta2, o.epsilon, o.weight_decay), options_(o) {}
    [[nodiscard]] const AdamOptions& options() const noexcept { return options_; }

private:
    AdamOptions options_;
};

/// AdamW (Loshchilov and Hutter): Adam with decoupled weight decay, PyTorch's default λ = 0.01.
template <real_scalar Scalar_>
class AdamW : public AdamUpdate<Scalar_, true> {
public:
    using Scalar = Scalar_;
    using Options = AdamWOptions;
    explicit AdamW(AdamWOptions o = {})
        : AdamUpdate<Scalar_, true>(o.beta1, o.beta2, o.epsilon, o.weight_decay), options_(o) {}
    [[nodiscard]] const AdamWOptions& options() const noexcept { return options_; }

private:
    AdamWOptions options_;
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
