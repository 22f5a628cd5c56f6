#pragma once
/// \file tests/odr/make_report.hpp
/// make_report() has internal linkage, so each translation unit runs its own copy; everything it calls in tms has
/// external linkage (templates and inline functions), which the linker would merge across the two translation units
/// if their symbols were the same.

#include <cstddef>

#include "report.hpp"

#include <xsimd/xsimd.hpp>

#include <tms/detail/gradient_core.hpp>
#include <tms/models/initialization.hpp>
#include <tms/models/relu_hidden_model.hpp>
#include <tms/optim/trainer.hpp>
#include <tms/sampling/importance.hpp>
#include <tms/sampling/sparse_feature_sampler.hpp>

#define TMS_ODR_STRINGIFY_NAME(name) #name
#define TMS_ODR_STRINGIFY(name) TMS_ODR_STRINGIFY_NAME(name)

namespace tms_odr {

namespace {
Report make_report() {
    using Model = tms::ReluHiddenModel<float>;
    constexpr long width = static_cast<long>(xsimd::batch<float>::size);
    const tms::detail::GradientCore<Model::Spec> core(3, 2);
    Model model(3, 2);
    tms::initialize(model, 1);
    const tms::SparseFeatureSampler<float> data(3, 0.3);
    tms::TrainOptions options;
    options.steps = 20;
    options.batch_size = 64;
    const tms::TrainReport report = tms::train(model, data, tms::uniform_importance<float>(3), options);
    return {xsimd::default_arch::name(), TMS_ODR_STRINGIFY(TMS_ARCH_NAMESPACE), (3 + width - 1) / width * width,
            static_cast<long>(core.padded_features()), report.final_loss};
}
}  // namespace

}  // namespace tms_odr
