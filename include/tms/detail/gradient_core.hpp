#pragma once
/// \file detail/gradient_core.hpp
/// The one hand-derived forward/backward pass shared by all four models.
///
/// For h = σ_h(a), a = U x, z = V h + b, y = σ_o(z) and L = 1/(B n) Σ_s Σ_i I_i (y_i − t_i)²:
///   δz = 2/(B n) · I ⊙ (y − t) ⊙ σ_o'(z),   ∂L/∂b = Σ_s δz,   ∂L/∂V = Σ_s δz hᵀ,
///   δa = (Vᵀ δz) ⊙ σ_h'(a),                 ∂L/∂U = Σ_s δa xᵀ,
/// and with tied weights (U = W, V = Wᵀ) ∂L/∂W = Σ_s (δa xᵀ + h δzᵀ).
///
/// The work is arranged so that its cost follows the nonzeros of x:
/// - a sample with no present feature has z = b; such samples are only counted, and settled once per step;
/// - with a linear hidden layer (linear, ReLU output) z = G x + b with G = WᵀW computed once per step, and
///   ∂L/∂W = W (M + Mᵀ) with M = Σ_s δz xᵀ, so a sample with k present features costs O(k n), never O(m n);
/// - with a ReLU hidden layer a sample costs O(k m) for a = U x plus O(n) per active neuron;
/// - a tile dense enough that per-sample work loses to matrix products goes through Eigen's GEMM instead.
/// Vectors over features are padded to the SIMD width with zero importance, so kernels need no tail code.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "../config.hpp"
#include "../sampling/sparse_batch.hpp"
#include "../simd/kernels.hpp"
#include "../simd/sample_lanes_kernel.hpp"
#include "../models/network_spec.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace detail {

/// Workspace and algorithm for one model shape; reusable across steps without allocating.
///
/// One step is begin_step(), any number of accumulate() calls on tiles of the batch, then finish_step().
template <class Spec>
class GradientCore {
public:
    using Scalar = typename Spec::Scalar;
    using Encoder = typename Spec::Encoder;
    using Decoder = typename Spec::Decoder;
    using Bias = typename Spec::Bias;
    using Batch = typename Spec::Batch;
    using HiddenActivation = typename Spec::HiddenActivation;
    using OutputActivation = typename Spec::OutputActivation;
    using PaddedMatrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
    using PaddedVector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

    /// Linear hidden layer with tied weights: the Gram-matrix formulation applies.
    static constexpr bool uses_gram = Spec::tied && HiddenActivation::is_identity;
    static_assert(uses_gram || std::is_same_v<HiddenActivation, Relu>,
                  "the sparse gradient core supports an identity or ReLU hidden layer");

    /// Linear hidden layer: a tile whose fraction of present features exceeds this goes through matrix products
    /// (a sparse sample costs O(k n) for its k present features against O(m n) dense).
    static constexpr double dense_tile_density = 0.3;
    /// Largest hidden size for the lanes-over-samples kernel (its hidden activations stay in registers).
    static constexpr Index lanes_max_hidden = 8;
    /// Above this expected density a small model runs with SIMD lanes over samples: the crossovers measured end to
    /// end (draw included) after the lanes kernel's multi-group passes, relu_hidden (10, 5) between p = 0.003 and
    /// 0.005, relu_output (5, 2), (10, 5) and (20, 5) between 0.03 and 0.05 (docs/performance.md, "Round 3").
    static constexpr double lanes_density = uses_gram ? 0.04 : 0.005;

    /// How a tile should be drawn and processed.
    enum class TileKind {
        sparse,         ///< compressed samples, per-sample work in proportion to the nonzeros
        dense,          ///< a dense features × samples tile through matrix products
        feature_major,  ///< a dense samples-along-rows tile for the lanes-over-samples kernel
    };

    /// The cheapest tile kind for data with \p expected_density present features (each feature independently).
    [[nodiscard]] TileKind preferred_tile(double expected_density) const noexcept {
        if (layout_.hidden <= lanes_max_hidden && expected_density >= lanes_density) return TileKind::feature_major;
        // With a shared p the chance that a sample is nonempty is 1 − (1 − p)ⁿ (for unequal pᵢ it is at least that).
        const double absent = std::log1p(-std::min(expected_density, 1.0));
        const double nonempty = -std::expm1(static_cast<double>(layout_.features) * absent);
        return dense_is_cheaper(expected_density, nonempty) ? TileKind::dense : TileKind::sparse;
    }

    /// Whether a tile with this fraction of present features and of nonempty samples runs faster dense.
    [[nodiscard]] bool dense_is_cheaper(double density, double nonempty_fraction) const noexcept {
        if constexpr (uses_gram) {
            return density > dense_tile_density;
        } else {
            // A sparse sample with a ReLU hidden layer saves the encoder's O(m n) but still pays O(n) per active
            // neuron (about half of them), so only empty samples make it much cheaper. Per-sample costs in units of
            // one dense multiply-add per weight, fitted to sparse/dense timings of both ReLU-hidden models at
            // (n, m) from (20, 10) to (400, 30) and p from 0.005 to 0.2 (docs/performance.md, "Tile choice"):
            // sparse ≈ nonempty · (770 + 0.76 m n) + 2.3 p m n, dense ≈ 355 + m n.
            const double weights = static_cast<double>(layout_.features) * static_cast<double>(layout_.hidden);
            const double sparse_cost = nonempty_fraction * (770.0 + 0.76 * weights) + 2.3 * density * weights;
            const double dense_cost = 355.0 + weights;
            return dense_cost < sparse_cost;
        }
    }

    /// The padded feature count when the model's sizes are fixed, else Dynamic.
    static constexpr Index padded_at_compile_time =
        Spec::features == Dynamic ? Dynamic : (Spec::features + simd::lanes<Scalar> - 1) / simd::lanes<Scalar> *
                                                  simd::lanes<Scalar>;

    GradientCore(Index features, Index hidden)
        : layout_{features, hidden, Spec::tied}, padded_(round_up(features)) {
        const Index n = features;
        const Index m = hidden;
        bias_.setZero(padded_);
        importance_.setZero(padded_);
        target_.setZero(padded_);
        pre_output_.setZero(padded_);
        delta_.setZero(padded_);
        bias_gradient_.setZero(padded_);
        if constexpr (uses_gram) {
            gram_.setZero(padded_, n);
            outer_.setZero(padded_, n);
        } else {
            decoder_.setZero(padded_, m);
            decoder_gradient_.setZero(padded_, m);
            encoder_gradient_.setZero(m, n);
            pre_hidden_.setZero(m);
            delta_hidden_.setZero(m);
            active_.assign(static_cast<std::size_t>(m), 0);
        }
    }

    [[nodiscard]] const ParameterLayout& layout() const noexcept { return layout_; }
    /// Length of the buffers over features: features rounded up to the SIMD width of this instruction set.
    [[nodiscard]] Index padded_features() const noexcept { return padded_; }

    /// y = model(X) for every column of X (dense; for evaluation, not the training loop).
    template <class Input>
    void forward(const Scalar* params, const Eigen::MatrixBase<Input>& input, Batch& output) const {
        const Index n = layout_.features;
        const Index m = layout_.hidden;
        const Eigen::Map<const Encoder> encoder(params + layout_.encoder_offset(), m, n);
        const Eigen::Map<const Bias> bias(params + layout_.bias_offset(), n);
        Eigen::Matrix<Scalar, Spec::hidden, Eigen::Dynamic> hidden = encoder * input;
        HiddenActivation::apply(hidden);
        if constexpr (Spec::tied) {
            output.noalias() = encoder.transpose() * hidden;
        } else {
            const Eigen::Map<const Decoder> decoder(params + layout_.decoder_offset(), n, m);
            output.noalias() = decoder * hidden;
        }
        output.colwise() += bias;
        output = output.unaryExpr([](Scalar z) { return OutputActivation::value(z); });
    }

    /// Starts a step at parameters \p params (flat layout of layout()) with feature importance \p importance.
    void begin_step(const Scalar* params, const Scalar* importance) {
        const Index n = layout_.features;
        const Index m = layout_.hidden;
        params_ = params;
        bias_.head(n) = Eigen::Map<const Bias>(params + layout_.bias_offset(), n);
        importance_.head(n) = Eigen::Map<const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>>(importance, n);
        bias_gradient_.setZero();
        empty_samples_ = 0;
        lanes_used_ = false;
        const Eigen::Map<const Encoder> encoder(params + layout_.encoder_offset(), m, n);
        if constexpr (uses_gram) {
            gram_.topRows(n).noalias() = encoder.transpose() * encoder;
            outer_.setZero();
        } else {
            if constexpr (Spec::tied)
                decoder_.topRows(n) = encoder.transpose();
            else
                decoder_.topRows(n) = Eigen::Map<const Decoder>(params + layout_.decoder_offset(), n, m);
            decoder_gradient_.setZero();
            encoder_gradient_.setZero();
        }
    }

    /// Adds the tile's contribution to the step's gradient; returns its Σ_s Σ_i I_i (y_i − t_i)².
    ///
    /// \p scale is 2/(B n) for a batch of B samples, so that the step's sums are the mean loss's exact gradient.
    Scalar accumulate(const SparseBatch<Scalar>& tile, Scalar scale) {
        TMS_ASSERT(tile.features == layout_.features);
        const Index samples = tile.samples();
        if (samples == 0) return Scalar(0);
        const double density =
            static_cast<double>(tile.nonzeros()) / (static_cast<double>(samples) * static_cast<double>(layout_.features));
        if (dense_is_cheaper(density, static_cast<double>(tile.nonempty()) / static_cast<double>(samples))) {
            dense_tile_ = tile.to_dense();
            return accumulate_dense(dense_tile_, scale);
        }
        return accumulate_sparse(tile, scale);
    }

    /// accumulate() on the sparse path whatever the tile's density (for benchmarks of the tile choice).
    Scalar accumulate_sparse(const SparseBatch<Scalar>& tile, Scalar scale) {
        TMS_ASSERT(tile.features == layout_.features);
        const Index samples = tile.samples();
        empty_samples_ += samples - tile.nonempty();
        Scalar squared_error = 0;
        for (Index j = 0; j < tile.nonempty(); ++j) {
            const std::int32_t first = tile.offsets[j];
            const std::int32_t last = tile.offsets[j + 1];
            const std::span<const std::int32_t> indices(tile.indices.data() + first, tile.indices.data() + last);
            const std::span<const Scalar> values(tile.values.data() + first, tile.values.data() + last);
            if constexpr (uses_gram)
                squared_error += gram_sample(indices, values, scale);
            else
                squared_error += relu_hidden_sample(indices, values, scale);
        }
        return squared_error;
    }

    /// Settles the empty samples and adds the step's gradient to \p gradient (flat layout); returns the empty
    /// samples' share of Σ I_i (y_i − t_i)².
    Scalar finish_step(Scalar scale, Scalar* gradient) {
        const Index n = layout_.features;
        const Index m = layout_.hidden;
        Scalar squared_error = 0;
        if (empty_samples_ > 0) {
            // x = 0 gives h = 0 and z = b: every such sample has the same δz and touches only b.
            const Scalar count = static_cast<Scalar>(empty_samples_);
            squared_error = count * simd::output_gradient<OutputActivation>(bias_.data(), target_.data(),
                                                                            importance_.data(), delta_.data(),
                                                                            padded_, scale);
            bias_gradient_ += count * delta_;
        }
        if (lanes_used_)
            squared_error += lane_accumulators_.reduce(gradient + layout_.encoder_offset(),
                                                       gradient + layout_.decoder_offset(), gradient + layout_.bias_offset());
        Eigen::Map<Bias>(gradient + layout_.bias_offset(), n) += bias_gradient_.head(n);
        const Eigen::Map<const Encoder> encoder(params_ + layout_.encoder_offset(), m, n);
        Eigen::Map<Encoder> encoder_gradient(gradient + layout_.encoder_offset(), m, n);
        if constexpr (uses_gram) {
            // ∂L/∂W = Σ_s W (δz xᵀ + x δzᵀ) = W (M + Mᵀ).
            const auto outer = outer_.topRows(n);
            symmetric_outer_ = outer + outer.transpose();
            encoder_gradient.noalias() += encoder * symmetric_outer_;
        } else {
            encoder_gradient += encoder_gradient_;
            if constexpr (Spec::tied)
                encoder_gradient += decoder_gradient_.topRows(n).transpose();
            else
                Eigen::Map<Decoder>(gradient + layout_.decoder_offset(), n, m) += decoder_gradient_.topRows(n);
        }
        return squared_error;
    }

    /// One whole step on a dense batch: adds scale/2 · ∇ Σ I (y − t)² to \p gradient and returns Σ I (y − t)².
    /// The batch goes through the same density test as a training tile, so both per-sample paths are exercised.
    template <class Input>
    Scalar whole_batch(const Scalar* params, const Eigen::MatrixBase<Input>& input, const Scalar* importance,
                       Scalar scale, Scalar* gradient) {
        dense_input_.assign(input);
        begin_step(params, importance);
        const Scalar squared_error = accumulate(dense_input_, scale);
        return squared_error + finish_step(scale, gradient);
    }

    /// Adds \p samples samples stored feature-major (feature i of sample s at inputs[i·stride + s], with zeros up
    /// to a whole number of SIMD lanes) through the lanes-over-samples kernel; their squared error is returned by
    /// finish_step. \pre hidden() ≤ lanes_max_hidden
    void accumulate_feature_major(const Scalar* inputs, Index stride, Index samples, Scalar scale) {
        TMS_ASSERT(layout_.hidden <= lanes_max_hidden);
        if (!lanes_used_) {
            lane_accumulators_.reset(layout_.features, layout_.hidden, Spec::tied);
            lanes_used_ = true;
        }
        const simd::SmallModelView<Scalar> view{
            params_ + layout_.encoder_offset(), Spec::tied ? nullptr : params_ + layout_.decoder_offset(),
            params_ + layout_.bias_offset(), importance_.data(), layout_.features, layout_.hidden};
        dispatch_hidden<1>(view, inputs, stride, samples, scale);
    }

    /// Lanes of the lanes-over-samples kernel: feature-major tiles are padded to a multiple of this.
    static constexpr Index sample_lanes = simd::LaneAccumulators<Scalar>::lanes;

    /// Adds a dense tile (features × samples) through matrix products; returns its Σ_s Σ_i I_i (y_i − t_i)².
    template <class Input>
    Scalar accumulate_dense(const Eigen::MatrixBase<Input>& tile, Scalar scale) {
        const Index n = layout_.features;
        const Index m = layout_.hidden;
        const Index samples = tile.cols();
        TMS_ASSERT(tile.rows() == n);
        dense_target_.setZero(padded_, samples);
        if constexpr (Spec::target == Target::absolute)
            dense_target_.topRows(n) = tile.cwiseAbs();
        else
            dense_target_.topRows(n) = tile;
        dense_output_.resize(padded_, samples);
        const Eigen::Map<const Encoder> encoder(params_ + layout_.encoder_offset(), m, n);
        if constexpr (uses_gram) {
            dense_output_.noalias() = gram_ * tile;
        } else {
            dense_pre_hidden_.noalias() = encoder * tile;
            dense_hidden_ = dense_pre_hidden_.cwiseMax(Scalar(0));
            dense_output_.noalias() = decoder_ * dense_hidden_;
        }
        dense_output_.colwise() += bias_;
        // δz overwrites z in place: the kernel reads each z_i before writing δ_i.
        Scalar squared_error = 0;
        for (Index s = 0; s < samples; ++s)
            squared_error += simd::output_gradient<OutputActivation>(dense_output_.col(s).data(),
                                                                     dense_target_.col(s).data(), importance_.data(),
                                                                     dense_output_.col(s).data(), padded_, scale);
        bias_gradient_.noalias() += dense_output_.rowwise().sum();
        if constexpr (uses_gram) {
            outer_.noalias() += dense_output_ * tile.transpose();
        } else {
            decoder_gradient_.noalias() += dense_output_ * dense_hidden_.transpose();
            dense_delta_hidden_.noalias() = decoder_.transpose() * dense_output_;
            Relu::chain(dense_delta_hidden_, dense_pre_hidden_);
            encoder_gradient_.noalias() += dense_delta_hidden_ * tile.transpose();
        }
        return squared_error;
    }

private:
    /// The padded length, as a constant the compiler can unroll with when the sizes are fixed.
    [[nodiscard]] Index padded() const noexcept {
        if constexpr (padded_at_compile_time != Dynamic)
            return padded_at_compile_time;
        else
            return padded_;
    }
    [[nodiscard]] Index hidden_size() const noexcept {
        if constexpr (Spec::hidden != Dynamic)
            return Spec::hidden;
        else
            return layout_.hidden;
    }

    /// Calls the kernel instantiated for the run-time hidden size (1 … lanes_max_hidden).
    template <int Hidden>
    void dispatch_hidden(const simd::SmallModelView<Scalar>& view, const Scalar* inputs, Index stride, Index samples,
                         Scalar scale) {
        if constexpr (Hidden <= lanes_max_hidden) {
            if (layout_.hidden == Hidden) {
                simd::lanes_over_samples_gradient<Hidden, HiddenActivation, OutputActivation,
                                                  Spec::target == Target::absolute>(view, inputs, stride, samples,
                                                                                    scale, lane_accumulators_);
                return;
            }
            dispatch_hidden<Hidden + 1>(view, inputs, stride, samples, scale);
        }
    }

    static Index round_up(Index n) noexcept {
        constexpr Index width = simd::lanes<Scalar>;
        return (n + width - 1) / width * width;
    }

    static Scalar target_of(Scalar x) noexcept {
        if constexpr (Spec::target == Target::absolute)
            return x < Scalar(0) ? -x : x;
        else
            return x;
    }

    /// The output step of the ReLU-hidden per-sample path: δz into delta_, b's gradient, the squared error.
    /// (Building the target in registers, as the Gram kernel does, measured 10% slower here at n = 100, m = 40.)
    Scalar output_step(std::span<const std::int32_t> indices, std::span<const Scalar> values, Scalar scale) {
        const Index length = padded();
        Scalar* target = target_.data();
        for (std::size_t k = 0; k < indices.size(); ++k) target[indices[k]] = target_of(values[k]);
        const Scalar squared_error = simd::output_gradient<OutputActivation>(
            pre_output_.data(), target, importance_.data(), delta_.data(), length, scale);
        for (const std::int32_t i : indices) target[i] = Scalar(0);
        simd::axpy(Scalar(1), delta_.data(), bias_gradient_.data(), length);
        return squared_error;
    }

    /// z = b + Σ_k x_k G_{:,i_k}; M_{:,i_k} += x_k δz (one fused kernel; the target of these models is x).
    Scalar gram_sample(std::span<const std::int32_t> indices, std::span<const Scalar> values, Scalar scale) {
        static_assert(Spec::target == Target::identity, "the Gram path reconstructs x itself");
        return simd::sparse_gram_gradient<OutputActivation>(bias_.data(), gram_.data(), importance_.data(),
                                                            outer_.data(), bias_gradient_.data(), padded(),
                                                            indices.data(), values.data(),
                                                            static_cast<Index>(indices.size()), scale);
    }

    /// a = Σ_k x_k U_{:,i_k}; z = b + Σ_{j: a_j > 0} a_j V_{:,j}; gradients through the active neurons only.
    Scalar relu_hidden_sample(std::span<const std::int32_t> indices, std::span<const Scalar> values, Scalar scale) {
        const Index length = padded();
        const Index m = hidden_size();
        const Scalar* encoder = params_ + layout_.encoder_offset();  // column-major m×n: column i at i·m
        Scalar* a = pre_hidden_.data();
        std::fill_n(a, m, Scalar(0));
        for (std::size_t k = 0; k < indices.size(); ++k) {
            const Scalar* column = encoder + indices[k] * m;
            const Scalar x = values[k];
            for (Index j = 0; j < m; ++j) a[j] += x * column[j];
        }
        Scalar* z = pre_output_.data();
        std::copy_n(bias_.data(), length, z);
        Index active = 0;
        for (Index j = 0; j < m; ++j) {
            if (a[j] > Scalar(0)) {
                active_[static_cast<std::size_t>(active++)] = j;
                simd::axpy(a[j], decoder_.data() + j * length, z, length);
            }
        }
        const Scalar squared_error = output_step(indices, values, scale);
        Scalar* delta_hidden = delta_hidden_.data();
        std::fill_n(delta_hidden, m, Scalar(0));
        for (Index t = 0; t < active; ++t) {
            const Index j = active_[static_cast<std::size_t>(t)];
            simd::axpy(a[j], delta_.data(), decoder_gradient_.data() + j * length, length);
            delta_hidden[j] = simd::dot(decoder_.data() + j * length, delta_.data(), length);
        }
        Scalar* encoder_gradient = encoder_gradient_.data();
        for (std::size_t k = 0; k < indices.size(); ++k) {
            Scalar* column = encoder_gradient + indices[k] * m;
            const Scalar x = values[k];
            for (Index j = 0; j < m; ++j) column[j] += x * delta_hidden[j];
        }
        return squared_error;
    }

    ParameterLayout layout_;
    Index padded_;
    const Scalar* params_ = nullptr;
    std::int64_t empty_samples_ = 0;
    // Per-feature vectors, padded with zeros (zero importance makes the padding inert).
    PaddedVector bias_, importance_, target_, pre_output_, delta_, bias_gradient_;
    // Linear hidden layer: G = WᵀW and M = Σ δz xᵀ.
    PaddedMatrix gram_, outer_, symmetric_outer_;
    // ReLU hidden layer: the decoder (Wᵀ or W₂) padded, and the gradient accumulators.
    PaddedMatrix decoder_, decoder_gradient_, encoder_gradient_;
    PaddedVector pre_hidden_, delta_hidden_;
    std::vector<Index> active_;
    // Dense tiles.
    PaddedMatrix dense_tile_, dense_target_, dense_output_, dense_pre_hidden_, dense_hidden_, dense_delta_hidden_;
    SparseBatch<Scalar> dense_input_;
    // Small models: per-lane gradient sums of the lanes-over-samples kernel.
    simd::LaneAccumulators<Scalar> lane_accumulators_;
    bool lanes_used_ = false;
};

}  // namespace detail
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
