#pragma once
/// \file models/toy_model_base.hpp
/// tms::ToyModelBase: storage, checks and the public forward/hidden/loss/gradient interface of the four models.

#include <span>
#include <type_traits>
#include <variant>
#include <vector>

#include <Eigen/Core>

#include "../config.hpp"
#include "../detail/aligned_vector.hpp"
#include "../detail/gradient_core.hpp"
#include "../detail/validate.hpp"
#include "network_spec.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// Holds W (or W₁, W₂) and b and implements everything the four public models share (their public base class).
///
/// A model type of your own can derive from it the way the four models do (CRTP) and is then a tms::toy_model
/// that tms::train accepts.
/// \tparam Spec_   the NetworkSpec that distinguishes the model
/// \tparam Derived the public model type (returned as the gradient, so the gradient has the parameters' shape)
template <class Spec_, class Derived>
class ToyModelBase {
public:
    /// The NetworkSpec that describes this model to the gradient core.
    using Spec = Spec_;
    using Scalar = typename Spec::Scalar;
    using WeightMatrix = typename Spec::Encoder;
    using DecoderMatrix = typename Spec::Decoder;
    using BiasVector = typename Spec::Bias;
    using Batch = typename Spec::Batch;
    /// Hidden activations: one column of m values per sample.
    using HiddenBatch = typename Spec::HiddenBatch;
    using ImportanceVector = Eigen::Matrix<Scalar, Spec::features, 1>;

    static constexpr int features_at_compile_time = Spec::features;
    static constexpr int hidden_at_compile_time = Spec::hidden;
    static constexpr bool tied_weights = Spec::tied;
    /// Whether the task is |x| on inputs in [-1, 1] rather than reconstructing x in [0, 1].
    static constexpr bool absolute_value_task = Spec::target == Target::absolute;

    /// A zero model of the compile-time sizes (use tms::initialize to draw Xavier-normal weights).
    ToyModelBase()
        requires(Spec::features != Dynamic && Spec::hidden != Dynamic)
        : ToyModelBase(Spec::features, Spec::hidden) {}

    /// A zero model with \p features inputs and \p hidden hidden dimensions.
    /// \throws std::invalid_argument if a size is zero or disagrees with a compile-time size.
    ToyModelBase(Index features, Index hidden) {
        detail::require_positive_size(features, "features (n)");
        detail::require_positive_size(hidden, "hidden (m)");
        detail::require_compile_time_size<Spec::features>(features, "features (n)");
        detail::require_compile_time_size<Spec::hidden>(hidden, "hidden (m)");
        encoder_.setZero(hidden, features);
        if constexpr (!Spec::tied) decoder_.setZero(features, hidden);
        bias_.setZero(features);
    }

    [[nodiscard]] Index features() const noexcept { return encoder_.cols(); }
    [[nodiscard]] Index hidden() const noexcept { return encoder_.rows(); }

    /// The m×n matrix whose column i is feature i's direction: W, or W₁ for the untied model.
    [[nodiscard]] const WeightMatrix& feature_weights() const noexcept { return encoder_; }
    [[nodiscard]] const BiasVector& b() const noexcept { return bias_; }
    [[nodiscard]] BiasVector& b() noexcept { return bias_; }

    /// Number of scalars in the flat parameter vector (W, [W₂,] b).
    [[nodiscard]] Index parameter_count() const noexcept { return layout().size(); }

    /// Copies the parameters into \p flat in the layout of tms::ParameterLayout.
    void pack(std::span<Scalar> flat) const {
        check_consistent();
        detail::require(static_cast<Index>(flat.size()) == parameter_count(), "pack: buffer holds ", flat.size(),
                " scalars but the model has ", parameter_count(), " parameters");
        const ParameterLayout l = layout();
        Eigen::Map<WeightMatrix>(flat.data() + l.encoder_offset(), hidden(), features()) = encoder_;
        if constexpr (!Spec::tied)
            Eigen::Map<DecoderMatrix>(flat.data() + l.decoder_offset(), features(), hidden()) = decoder_;
        Eigen::Map<BiasVector>(flat.data() + l.bias_offset(), features()) = bias_;
    }

    /// Reads the parameters back from \p flat (the inverse of pack).
    void unpack(std::span<const Scalar> flat) {
        detail::require(static_cast<Index>(flat.size()) == parameter_count(), "unpack: buffer holds ", flat.size(),
                " scalars but the model has ", parameter_count(), " parameters");
        const ParameterLayout l = layout();
        encoder_ = Eigen::Map<const WeightMatrix>(flat.data() + l.encoder_offset(), hidden(), features());
        if constexpr (!Spec::tied)
            decoder_ = Eigen::Map<const DecoderMatrix>(flat.data() + l.decoder_offset(), features(), hidden());
        bias_ = Eigen::Map<const BiasVector>(flat.data() + l.bias_offset(), features());
    }

    /// The model's output for each column of \p input (features × batch).
    template <class Input>
    [[nodiscard]] Batch forward(const Eigen::MatrixBase<Input>& input) const {
        check_input(input);
        const auto params = packed();
        detail::GradientCore<Spec> core(features(), hidden());
        Batch output;
        core.forward(params.data(), input.template cast<Scalar>(), output);
        return output;
    }

    /// The hidden activations h = σ_h(W x) for each column of \p input (features × batch), as a hidden × batch
    /// matrix: Wx for LinearModel and ReluOutputModel, ReLU(Wx) for ReluHiddenModel, ReLU(W₁x) for AbsValueModel.
    /// (hidden() without an argument is the number m of hidden dimensions.)
    template <class Input>
    [[nodiscard]] HiddenBatch hidden(const Eigen::MatrixBase<Input>& input) const {
        check_input(input);
        HiddenBatch activations = encoder_ * input;
        Spec::HiddenActivation::apply(activations);
        return activations;
    }

    /// The loss: mean over samples and features of I_i (target_i − y_i)².
    template <class Input, class Importance>
    [[nodiscard]] Scalar loss(const Eigen::MatrixBase<Input>& input,
                              const Eigen::MatrixBase<Importance>& importance) const {
        Derived unused = zero_like();
        return loss_and_gradient(input, importance, unused);
    }

    /// The loss and, in \p gradient (resized and overwritten), its exact gradient with respect to every parameter.
    template <class Input, class Importance>
    Scalar loss_and_gradient(const Eigen::MatrixBase<Input>& input, const Eigen::MatrixBase<Importance>& importance,
                             Derived& gradient) const {
        check_input(input);
        check_importance(importance);
        const auto params = packed();
        detail::aligned_vector<Scalar> flat_gradient(params.size(), Scalar(0));
        const ImportanceVector weights = importance;
        detail::GradientCore<Spec> core(features(), hidden());
        const Scalar scale = Scalar(2) / static_cast<Scalar>(input.cols() * features());
        const Scalar squared_error =
            core.whole_batch(params.data(), input.template cast<Scalar>(), weights.data(), scale, flat_gradient.data());
        gradient = zero_like();
        gradient.unpack(flat_gradient);
        return squared_error / static_cast<Scalar>(input.cols() * features());
    }

    /// The layout of the flat parameter vector.
    [[nodiscard]] ParameterLayout layout() const noexcept { return {features(), hidden(), Spec::tied}; }

    /// Throws if W, W₂ and b no longer agree in size (they are mutable references, like Eigen members).
    void check_consistent() const {
        detail::require_compile_time_size<Spec::features>(features(), "features (n)");
        detail::require(hidden() > 0 && features() > 0, "model has an empty weight matrix (", hidden(), "x", features(),
                ")");
        detail::require(bias_.size() == features(), "bias b has ", bias_.size(), " entries but W has ", features(),
                " feature columns");
        if constexpr (!Spec::tied)
            detail::require_shape(decoder_.rows(), decoder_.cols(), features(), hidden(), "W2");
    }

    friend bool operator==(const ToyModelBase& a, const ToyModelBase& b) {
        if (a.encoder_.rows() != b.encoder_.rows() || a.encoder_.cols() != b.encoder_.cols()) return false;
        bool same = a.encoder_ == b.encoder_ && a.bias_ == b.bias_;
        if constexpr (!Spec::tied) same = same && a.decoder_ == b.decoder_;
        return same;
    }

protected:
    template <class Input>
    void check_input(const Eigen::MatrixBase<Input>& input) const {
        static_assert(std::is_same_v<typename Input::Scalar, Scalar>,
                      "the input batch must have the model's scalar type (use .cast<Scalar>())");
        static_assert(Input::RowsAtCompileTime == Dynamic || Spec::features == Dynamic ||
                          Input::RowsAtCompileTime == Spec::features,
                      "the input batch must have one row per feature of the model");
        check_consistent();
        detail::require(input.rows() == features(), "input batch has ", input.rows(), " rows but the model has ",
                features(), " features");
        detail::require(input.cols() > 0, "input batch is empty (0 samples)");
    }

    template <class Importance>
    void check_importance(const Eigen::MatrixBase<Importance>& importance) const {
        static_assert(Importance::ColsAtCompileTime == 1 || Importance::ColsAtCompileTime == Dynamic,
                      "the importance must be a column vector");
        detail::require(importance.cols() == 1 && importance.rows() == features(), "importance has ", importance.rows(),
                "x", importance.cols(), " entries but the model has ", features(), " features");
    }

    /// The flat parameter vector (aligned for the SIMD kernels; the type spelled out, not detail's alias).
    [[nodiscard]] std::vector<Scalar, Eigen::aligned_allocator<Scalar>> packed() const {
        std::vector<Scalar, Eigen::aligned_allocator<Scalar>> params(static_cast<std::size_t>(parameter_count()));
        pack(params);
        return params;
    }

    [[nodiscard]] Derived zero_like() const { return Derived(features(), hidden()); }

    WeightMatrix encoder_;
    [[no_unique_address]] std::conditional_t<Spec::tied, std::monostate, DecoderMatrix> decoder_{};
    BiasVector bias_;
};

namespace detail {
template <class Spec, class Derived>
using ToyModelBase = tms::ToyModelBase<Spec, Derived>;  // its name before it became public
}  // namespace detail

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
