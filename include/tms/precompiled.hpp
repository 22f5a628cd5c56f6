#pragma once
/// \file precompiled.hpp
/// Explicit instantiation declarations of the common instantiations, for programs linked with tms::precompiled.
///
/// Linking the CMake target tms::precompiled defines TMS_PRECOMPILED and adds a library that instantiates the
/// four models in float and double with run-time sizes (tms::ReluOutputModelXf, ...), tms::Trainer with
/// tms::SparseFeatureSampler (and through it the gradient core), and tms::train / Trainer::run without a callback. With the macro
/// defined, this header (included last by tms/tms.hpp) tells the compiler those instantiations exist elsewhere, so a
/// small experiment does not compile the gradient core again. Without the macro it declares nothing: header-only
/// use is unchanged. Fixed-size models (ReluOutputModel<float, 20, 5>) and callbacks are instantiated as usual.

#include "config.hpp"
#include "fwd.hpp"

#ifdef TMS_PRECOMPILED

#include "models/abs_value_model.hpp"
#include "models/linear_model.hpp"
#include "models/relu_hidden_model.hpp"
#include "models/relu_output_model.hpp"
#include "optim/trainer.hpp"
#include "sampling/sparse_feature_sampler.hpp"

// TMS_PRECOMPILED_EXTERN is empty in src/precompiled.cpp, which holds the definitions; `extern` everywhere else.
#ifndef TMS_PRECOMPILED_EXTERN
#define TMS_PRECOMPILED_EXTERN extern
#endif

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

TMS_PRECOMPILED_EXTERN template class SparseFeatureSampler<float>;
TMS_PRECOMPILED_EXTERN template class SparseFeatureSampler<double>;

#define TMS_PRECOMPILED_MODEL(Model)                                                                               \
    TMS_PRECOMPILED_EXTERN template class ToyModelBase<typename Model::Spec, Model>;                               \
    TMS_PRECOMPILED_EXTERN template class Model;                                                                   \
    TMS_PRECOMPILED_EXTERN template class Trainer<Model, SparseFeatureSampler<typename Model::Scalar>>;            \
    TMS_PRECOMPILED_EXTERN template TrainReport                                                                    \
    Trainer<Model, SparseFeatureSampler<typename Model::Scalar>>::run_for<NoCallback>(std::int64_t, NoCallback&&); \
    TMS_PRECOMPILED_EXTERN template TrainReport                                                                    \
    Trainer<Model, SparseFeatureSampler<typename Model::Scalar>>::run<NoCallback>(NoCallback &&);                  \
    TMS_PRECOMPILED_EXTERN template TrainReport train<Model, SparseFeatureSampler<typename Model::Scalar>,          \
                                                      VectorX<typename Model::Scalar>, NoCallback>(                 \
        Model&, const SparseFeatureSampler<typename Model::Scalar>&,                                               \
        const Eigen::MatrixBase<VectorX<typename Model::Scalar>>&, const TrainOptions&, NoCallback&&);

TMS_PRECOMPILED_MODEL(LinearModel<float>)
TMS_PRECOMPILED_MODEL(LinearModel<double>)
TMS_PRECOMPILED_MODEL(ReluOutputModel<float>)
TMS_PRECOMPILED_MODEL(ReluOutputModel<double>)
TMS_PRECOMPILED_MODEL(ReluHiddenModel<float>)
TMS_PRECOMPILED_MODEL(ReluHiddenModel<double>)
TMS_PRECOMPILED_MODEL(AbsValueModel<float>)
TMS_PRECOMPILED_MODEL(AbsValueModel<double>)

#undef TMS_PRECOMPILED_MODEL

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms

#endif  // TMS_PRECOMPILED
