#pragma once
/// \file models/network_spec.hpp
/// What distinguishes the four models, as a type: scalar, sizes, activations, weight tying, target.

#include <Eigen/Core>

#include "../config.hpp"
#include "../fwd.hpp"
#include "activation.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// What the model is asked to reproduce: the input itself, or its absolute value (the abs-value task).
enum class Target { identity, absolute };

/// The static description of one toy model, shared by the gradient core and the public model classes.
///
/// The network is h = σ_h(U x), y = σ_o(V h + b) with U = W (m×n) and, when tied, V = Wᵀ; otherwise
/// V = W₂ (n×m) is separate. The loss is the mean over batch and features of I_i (target_i − y_i)².
template <real_scalar Scalar_, int Features_, int Hidden_, class HiddenActivation_, class OutputActivation_,
          bool Tied_, Target Target_>
struct NetworkSpec {
    static_assert(Features_ == Dynamic || Features_ > 0, "a toy model needs at least one feature");
    static_assert(Hidden_ == Dynamic || Hidden_ > 0, "a toy model needs at least one hidden dimension");

    using Scalar = Scalar_;
    using HiddenActivation = HiddenActivation_;
    using OutputActivation = OutputActivation_;
    static constexpr int features = Features_;
    static constexpr int hidden = Hidden_;
    static constexpr bool tied = Tied_;
    static constexpr Target target = Target_;

    /// W (tied) or W₁: hidden × features; column i is feature i's direction.
    using Encoder = Eigen::Matrix<Scalar, Hidden_, Features_>;
    /// W₂ of the untied model: features × hidden.
    using Decoder = Eigen::Matrix<Scalar, Features_, Hidden_>;
    using Bias = Eigen::Matrix<Scalar, Features_, 1>;
    /// A batch: one column per sample.
    using Batch = Eigen::Matrix<Scalar, Features_, Dynamic>;
    using HiddenBatch = Eigen::Matrix<Scalar, Hidden_, Dynamic>;
};

/// Where each parameter block sits in the flat vector that optimizers and checkpoints see:
/// [W or W₁, column-major m×n][W₂, column-major n×m, untied only][b, n].
struct ParameterLayout {
    Index features = 0;
    Index hidden = 0;
    bool tied = true;

    [[nodiscard]] constexpr Index encoder_offset() const noexcept { return 0; }
    [[nodiscard]] constexpr Index decoder_offset() const noexcept { return hidden * features; }
    [[nodiscard]] constexpr Index bias_offset() const noexcept {
        return (tied ? 1 : 2) * hidden * features;
    }
    [[nodiscard]] constexpr Index size() const noexcept { return bias_offset() + features; }
};

namespace detail {
using tms::NetworkSpec;  // where they lived before they became public
using tms::ParameterLayout;
using tms::Target;
}  // namespace detail

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
