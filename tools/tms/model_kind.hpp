#pragma once
// The four toy models chosen at run time: parse a name, then dispatch to a template over the concrete type.
//
// Used by `tms train`, `tms reproduce` and `tms sweep`:
//
//     const tms::cli::ModelKind kind = tms::cli::parse_model_kind("relu_hidden");   // throws on a bad name
//     tms::cli::with_model_type(kind, tms::cli::Precision::single, [&]<class Model>(std::type_identity<Model>) {
//         Model model(n, m);                       // e.g. tms::ReluHiddenModel<float> (dynamic sizes)
//         ...
//     });

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <tms/tms.hpp>

namespace tms::cli {

/// The model architectures of the paper; the names are the models' kind_name.
enum class ModelKind { linear, relu_output, relu_hidden, abs_value };

/// Every kind, in the order the CLI lists them.
inline constexpr std::array<ModelKind, 4> all_model_kinds = {ModelKind::linear, ModelKind::relu_output,
                                                             ModelKind::relu_hidden, ModelKind::abs_value};

/// The scalar type models are trained in.
enum class Precision { single, double_ };

/// "linear", "relu_output", "relu_hidden" or "abs_value" (the same as the model's kind_name).
[[nodiscard]] constexpr std::string_view model_kind_name(ModelKind kind) noexcept {
    switch (kind) {
        case ModelKind::linear: return "linear";
        case ModelKind::relu_output: return "relu_output";
        case ModelKind::relu_hidden: return "relu_hidden";
        case ModelKind::abs_value: return "abs_value";
    }
    return "linear";
}

/// The kind named \p name; throws std::invalid_argument naming it otherwise.
[[nodiscard]] inline ModelKind parse_model_kind(std::string_view name) {
    for (const ModelKind kind : all_model_kinds)
        if (model_kind_name(kind) == name) return kind;
    throw std::invalid_argument("unknown model '" + std::string(name) +
                                "' (expected linear, relu_output, relu_hidden or abs_value)");
}

/// "float" or "double".
[[nodiscard]] constexpr std::string_view precision_name(Precision precision) noexcept {
    return precision == Precision::double_ ? "double" : "float";
}

/// The data a kind trains on: [-1, 1) for the absolute-value task, [0, 1) for the reconstruction tasks.
[[nodiscard]] constexpr FeatureRange feature_range(ModelKind kind) noexcept {
    return kind == ModelKind::abs_value ? FeatureRange::symmetric : FeatureRange::unit;
}

/// The model type of \p kind with run-time sizes, e.g. ModelType<ModelKind::relu_output, float> is
/// tms::ReluOutputModel<float>.
template <ModelKind Kind, class Scalar>
using ModelType = std::conditional_t<
    Kind == ModelKind::linear, LinearModel<Scalar>,
    std::conditional_t<Kind == ModelKind::relu_output, ReluOutputModel<Scalar>,
                       std::conditional_t<Kind == ModelKind::relu_hidden, ReluHiddenModel<Scalar>,
                                          AbsValueModel<Scalar>>>>;

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

/// Calls f(std::type_identity<Model>{}) with the dynamic-size model type of \p kind in \p precision and returns
/// its result; every instantiation of f must return the same type.
template <class F>
decltype(auto) with_model_type(ModelKind kind, Precision precision, F&& f) {
    if (precision == Precision::double_) return detail::with_model_scalar<double>(kind, std::forward<F>(f));
    return detail::with_model_scalar<float>(kind, std::forward<F>(f));
}

}  // namespace tms::cli
