#pragma once
/// \file models/model_kind.hpp
/// The registry of the four toy models by name: parse a name, then dispatch to a template over the concrete type.
///
///     const tms::ModelKind kind = tms::parse_model_kind("relu_hidden");   // throws on a bad name
///     tms::with_model_type(kind, tms::Precision::single, [&]<class Model>(std::type_identity<Model>) {
///         Model model(n, m);                       // tms::ReluHiddenModel<float> (dynamic sizes)
///     });
///
/// The one list of model names: the CLI, sweep configurations and model files all use it.

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "../config.hpp"
#include "../sampling/sparse_feature_sampler.hpp"
#include "abs_value_model.hpp"
#include "linear_model.hpp"
#include "relu_hidden_model.hpp"
#include "relu_output_model.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// The model architectures of the paper; model_kind_name gives each model's kind_name.
enum class ModelKind { linear, relu_output, relu_hidden, abs_value };

/// Every kind, in the order the paper introduces them.
inline constexpr std::array<ModelKind, 4> all_model_kinds = {ModelKind::linear, ModelKind::relu_output,
                                                             ModelKind::relu_hidden, ModelKind::abs_value};

/// The scalar type models are trained in.
enum class Precision { single, double_ };

/// The model type of \p Kind with run-time sizes, e.g. ModelType<ModelKind::relu_output, float> is
/// tms::ReluOutputModel<float>.
template <ModelKind Kind, class Scalar>
using ModelType = std::conditional_t<
    Kind == ModelKind::linear, LinearModel<Scalar>,
    std::conditional_t<Kind == ModelKind::relu_output, ReluOutputModel<Scalar>,
                       std::conditional_t<Kind == ModelKind::relu_hidden, ReluHiddenModel<Scalar>,
                                          AbsValueModel<Scalar>>>>;

/// "linear", "relu_output", "relu_hidden" or "abs_value": the model type's kind_name.
[[nodiscard]] constexpr std::string_view model_kind_name(ModelKind kind) noexcept {
    switch (kind) {
        case ModelKind::linear: return ModelType<ModelKind::linear, float>::kind_name;
        case ModelKind::relu_output: return ModelType<ModelKind::relu_output, float>::kind_name;
        case ModelKind::relu_hidden: return ModelType<ModelKind::relu_hidden, float>::kind_name;
        case ModelKind::abs_value: break;
    }
    return ModelType<ModelKind::abs_value, float>::kind_name;
}

/// The names of all_model_kinds, in the same order.
inline constexpr std::array<std::string_view, 4> model_kind_names = {
    model_kind_name(ModelKind::linear), model_kind_name(ModelKind::relu_output),
    model_kind_name(ModelKind::relu_hidden), model_kind_name(ModelKind::abs_value)};

/// The kind named \p name; throws std::invalid_argument naming it otherwise.
[[nodiscard]] inline ModelKind parse_model_kind(std::string_view name) {
    for (const ModelKind kind : all_model_kinds)
        if (model_kind_name(kind) == name) return kind;
    throw std::invalid_argument("unknown model '" + std::string(name) +
                                "' (expected linear, relu_output, relu_hidden or abs_value)");
}

/// Whether \p name names a model kind.
[[nodiscard]] constexpr bool is_model_kind_name(std::string_view name) noexcept {
    for (const std::string_view known : model_kind_names)
        if (known == name) return true;
    return false;
}

/// "float" or "double".
[[nodiscard]] constexpr std::string_view precision_name(Precision precision) noexcept {
    return precision == Precision::double_ ? "double" : "float";
}

/// The data a kind trains on: [-1, 1) for the absolute-value task, [0, 1) for the reconstruction tasks.
[[nodiscard]] constexpr FeatureRange feature_range(ModelKind kind) noexcept {
    return kind == ModelKind::abs_value ? FeatureRange::symmetric : FeatureRange::unit;
}

/// Whether the kind has a ReLU on its hidden layer (a privileged basis), so counting its neurons means something.
[[nodiscard]] constexpr bool has_hidden_neurons(ModelKind kind) noexcept {
    return kind == ModelKind::relu_hidden || kind == ModelKind::abs_value;
}

namespace detail {
template <class Scalar, class F>
decltype(auto) with_model_scalar(ModelKind kind, F&& f) {
    switch (kind) {
        case ModelKind::linear: return f(std::type_identity<ModelType<ModelKind::linear, Scalar>>{});
        case ModelKind::relu_output: return f(std::type_identity<ModelType<ModelKind::relu_output, Scalar>>{});
        case ModelKind::relu_hidden: return f(std::type_identity<ModelType<ModelKind::relu_hidden, Scalar>>{});
        case ModelKind::abs_value: break;
    }
    return f(std::type_identity<ModelType<ModelKind::abs_value, Scalar>>{});
}
}  // namespace detail

/// Calls f(std::type_identity<Model>{}) with the dynamic-size model type of \p kind in \p Scalar and returns its result;
/// every instantiation of f must return the same type.
template <real_scalar Scalar, class F>
decltype(auto) with_model_type(ModelKind kind, F&& f) {
    return detail::with_model_scalar<Scalar>(kind, std::forward<F>(f));
}

/// Calls f(std::type_identity<Model>{}) with the dynamic-size model type of \p kind in \p precision and returns
/// its result; every instantiation of f must return the same type.
template <class F>
decltype(auto) with_model_type(ModelKind kind, Precision precision, F&& f) {
    if (precision == Precision::double_) return detail::with_model_scalar<double>(kind, std::forward<F>(f));
    return detail::with_model_scalar<float>(kind, std::forward<F>(f));
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
