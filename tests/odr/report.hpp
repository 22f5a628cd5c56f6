#pragma once
/// \file tests/odr/report.hpp
/// What one translation unit of the two-instruction-set program (tests/odr/main.cpp) reports about itself.

namespace tms_odr {

struct Report {
    const char* xsimd_arch;  ///< this translation unit's own xsimd::default_arch
    const char* tms_namespace;  ///< the inline namespace tms's declarations got here
    long expected_padding;  ///< 3 features rounded up to this translation unit's float SIMD width
    long gradient_core_padding;  ///< what tms's GradientCore (an external, mergeable symbol) computed
    double trained_loss;  ///< final loss of a short training run through Trainer, the sampler and the lanes kernel
};

}  // namespace tms_odr
