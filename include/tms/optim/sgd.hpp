#pragma once
/// \file optim/sgd.hpp
/// Stochastic gradient descent with PyTorch's semantics (torch.optim.SGD).

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../config.hpp"
#include "../detail/validate.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// Hyper-parameters of Sgd; defaults are PyTorch's.
struct SgdOptions {
    double momentum = 0.0;
    double dampening = 0.0;
    double weight_decay = 0.0;  ///< L2 penalty added to the gradient
    bool nesterov = false;
};

/// SGD: g ← g + λp; with momentum μ, buf ← μ buf + (1 − τ) g (buf ← g on the first step),
/// g ← g + μ buf (Nesterov) or buf; then p ← p − lr g.
template <real_scalar Scalar_>
class Sgd {
public:
    using Scalar = Scalar_;
    using Options = SgdOptions;

    explicit Sgd(SgdOptions options = {}) : options_(options) {
        detail::require(options.momentum >= 0.0 && std::isfinite(options.momentum),
                        "SGD momentum must be finite and non-negative, got ", options.momentum);
        detail::require(options.weight_decay >= 0.0 && std::isfinite(options.weight_decay),
                        "SGD weight decay must be finite and non-negative, got ", options.weight_decay);
        detail::require(!options.nesterov || (options.momentum > 0.0 && options.dampening == 0.0),
                        "Nesterov momentum requires a momentum and zero dampening");
    }

    void step(std::span<Scalar> params, std::span<const Scalar> gradient, double learning_rate) {
        detail::require(params.size() == gradient.size(), "SGD: ", params.size(), " parameters but ",
                        gradient.size(), " gradient entries");
        const auto size = static_cast<Eigen::Index>(params.size());
        Eigen::Map<Eigen::Array<Scalar, Eigen::Dynamic, 1>> p(params.data(), size);
        const Eigen::Map<const Eigen::Array<Scalar, Eigen::Dynamic, 1>> g_in(gradient.data(), size);
        const auto lr = static_cast<Scalar>(learning_rate);
        const auto decay = static_cast<Scalar>(options_.weight_decay);
        if (options_.momentum == 0.0) {
            p -= lr * (g_in + decay * p);
        } else {
            const auto mu = static_cast<Scalar>(options_.momentum);
            const auto keep = static_cast<Scalar>(1.0 - options_.dampening);
            direction_.resize(size);
            direction_ = g_in + decay * p;
            if (momentum_buffer_.size() == 0) {
                momentum_buffer_ = direction_;
            } else {
                detail::require(momentum_buffer_.size() == size, "SGD: the parameter count changed from ",
                                momentum_buffer_.size(), " to ", size);
                momentum_buffer_ = mu * momentum_buffer_ + keep * direction_;
            }
            if (options_.nesterov)
                p -= lr * (direction_ + mu * momentum_buffer_);
            else
                p -= lr * momentum_buffer_;
        }
        ++steps_;
    }

    [[nodiscard]] std::int64_t step_count() const noexcept { return steps_; }
    [[nodiscard]] const SgdOptions& options() const noexcept { return options_; }
    /// The momentum buffer (empty before the first step or without momentum), for checkpoints.
    [[nodiscard]] std::span<const Scalar> momentum_buffer() const noexcept {
        return {momentum_buffer_.data(), static_cast<std::size_t>(momentum_buffer_.size())};
    }
    /// Restores the state saved by step_count() and momentum_buffer().
    void restore(std::int64_t steps, std::span<const Scalar> momentum_buffer) {
        detail::require(steps >= 0, "SGD state: negative step count ", steps);
        detail::require(momentum_buffer.empty() || options_.momentum > 0.0,
                        "SGD state: a momentum buffer of ", momentum_buffer.size(), " entries but no momentum");
        steps_ = steps;
        momentum_buffer_ = Eigen::Map<const Eigen::Array<Scalar, Eigen::Dynamic, 1>>(
            momentum_buffer.data(), static_cast<Eigen::Index>(momentum_buffer.size()));
    }

private:
    SgdOptions options_;
    std::int64_t steps_ = 0;
    Eigen::Array<Scalar, Eigen::Dynamic, 1> momentum_buffer_;
    Eigen::Array<Scalar, Eigen::Dynamic, 1> direction_;
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
