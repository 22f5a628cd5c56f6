#pragma once
/// \file detail/gradient_core.hpp
/// The one hand-derived forward/backward pass shared by all four models.
///
/// For h = σ_h(a), a = U x, z = V h + b, y = σ_o(z) and L = 1/(B n) Σ_s Σ_i I_i (y_i − t_i)²:
///   δz = 2/(B n) · I ⊙ (y − t) ⊙ σ_o'(z),   ∂L/∂b = Σ_s δz,   ∂L/∂V = Σ_s δz hᵀ,
///   δa = (Vᵀ δz) ⊙ σ_h'(a),                 ∂L/∂U = Σ_s δa xᵀ,
/// and with tied weights (U = W, V = Wᵀ) ∂L/∂W = Σ_s (δa xᵀ + h δzᵀ).

#include <cstddef>
#include <span>

#include <Eigen/Core>

#include "../simd/kernels.hpp"
#include "network.hpp"

namespace tms::detail {

/// Workspace and algorithm for one model shape; reusable across steps without allocating.
template <class Spec>
class GradientCore {
public:
    using Scalar = typename Spec::Scalar;
    using Encoder = typename Spec::Encoder;
    using Decoder = typename Spec::Decoder;
    using Bias = typename Spec::Bias;
    using Batch = typename Spec::Batch;
    using HiddenBatch = typename Spec::HiddenBatch;
    using HiddenActivation = typename Spec::HiddenActivation;
    using OutputActivation = typename Spec::OutputActivation;

    GradientCore(Index features, Index hidden) : layout_{features, hidden, Spec::tied} {}

    [[nodiscard]] const ParameterLayout& layout() const noexcept { return layout_; }

    /// y = model(X) for every column of X.
    template <class Input>
    void forward(const Scalar* params, const Eigen::MatrixBase<Input>& input, Batch& output) {
        compute_output_pre_activation(params, input);
        output = pre_output_.unaryExpr([](Scalar z) { return OutputActivation::value(z); });
    }

    /// Adds scale/2 · ∇ Σ_s Σ_i I_i (y_i − t_i)² to \p gradient and returns that weighted squared error.
    ///
    /// With scale = 2/(B n) over a batch split into tiles, the sums over tiles give the mean loss and its exact
    /// gradient. \p gradient has the flat layout of layout().
    template <class Input>
    Scalar accumulate(const Scalar* params, const Eigen::MatrixBase<Input>& input, const Scalar* importance,
                      Scalar scale, Scalar* gradient) {
        const Index n = layout_.features;
        const Index m = layout_.hidden;
        const Index samples = input.cols();
        compute_output_pre_activation(params, input);
        target_.resize(n, samples);
        if constexpr (Spec::target == Target::absolute)
            target_ = input.cwiseAbs();
        else
            target_ = input;

        // δz overwrites z in place: the kernel reads each z_i before writing δ_i.
        Scalar squared_error = 0;
        for (Index s = 0; s < samples; ++s)
            squared_error += simd::output_gradient<OutputActivation>(
                pre_output_.col(s).data(), target_.col(s).data(), importance, pre_output_.col(s).data(), n, scale);
        const auto& delta_output = pre_output_;

        Eigen::Map<Bias>(gradient + layout_.bias_offset(), n).noalias() += delta_output.rowwise().sum();
        Eigen::Map<Encoder> encoder_gradient(gradient + layout_.encoder_offset(), m, n);
        if constexpr (Spec::tied) {
            const Eigen::Map<const Encoder> weights(params + layout_.encoder_offset(), m, n);
            encoder_gradient.noalias() += hidden_ * delta_output.transpose();
            delta_hidden_.noalias() = weights * delta_output;
        } else {
            const Eigen::Map<const Decoder> decoder(params + layout_.decoder_offset(), n, m);
            Eigen::Map<Decoder>(gradient + layout_.decoder_offset(), n, m).noalias() +=
                delta_output * hidden_.transpose();
            delta_hidden_.noalias() = decoder.transpose() * delta_output;
        }
        HiddenActivation::chain(delta_hidden_, pre_hidden_);
        encoder_gradient.noalias() += delta_hidden_ * input.transpose();
        return squared_error;
    }

private:
    /// Fills pre_hidden_ = U X, hidden_ = σ_h(pre_hidden_) and pre_output_ = V hidden_ + b.
    template <class Input>
    void compute_output_pre_activation(const Scalar* params, const Eigen::MatrixBase<Input>& input) {
        const Index n = layout_.features;
        const Index m = layout_.hidden;
        const Eigen::Map<const Encoder> encoder(params + layout_.encoder_offset(), m, n);
        const Eigen::Map<const Bias> bias(params + layout_.bias_offset(), n);
        pre_hidden_.resize(m, input.cols());
        pre_hidden_.noalias() = encoder * input;
        hidden_ = pre_hidden_;
        HiddenActivation::apply(hidden_);
        pre_output_.resize(n, input.cols());
        if constexpr (Spec::tied) {
            pre_output_.noalias() = encoder.transpose() * hidden_;
        } else {
            const Eigen::Map<const Decoder> decoder(params + layout_.decoder_offset(), n, m);
            pre_output_.noalias() = decoder * hidden_;
        }
        pre_output_.colwise() += bias;
    }

    ParameterLayout layout_;
    HiddenBatch pre_hidden_;
    HiddenBatch hidden_;
    HiddenBatch delta_hidden_;
    Batch pre_output_;
    Batch target_;
};

}  // namespace tms::detail
