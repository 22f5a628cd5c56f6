#pragma once
/// \file config.hpp
/// Version numbers, the overridable assertion macro, and the instruction-set namespace.

#include <cassert>

#define TMS_VERSION_MAJOR 0
#define TMS_VERSION_MINOR 1
#define TMS_VERSION_PATCH 0

/// Internal invariant check; define TMS_ASSERT before including tms to route it elsewhere (like eigen_assert).
#ifndef TMS_ASSERT
#define TMS_ASSERT(condition) assert(condition)
#endif

/// The inline namespace every tms declaration lives in, named after the widest instruction set this translation
/// unit is compiled for (the one xsimd's default_arch picks). tms is header-only and its SIMD code is inlined into
/// templates and inline functions; without this, two translation units built with different -march flags would
/// emit the same symbols (GradientCore<Spec>::accumulate, SparseFeatureSampler<float>::sample, ...) with
/// different instructions, the linker would keep one, and one of them would run the other's code (an ODR
/// violation: wrong results or SIGILL). With it, each instruction set gets its own symbols. Types from translation
/// units built for different instruction sets are therefore different types: pass weights between them as Eigen
/// matrices or flat vectors, not as tms objects.
#if defined(__AVX512BW__)
#define TMS_ARCH_NAMESPACE arch_avx512bw
#elif defined(__AVX512DQ__)
#define TMS_ARCH_NAMESPACE arch_avx512dq
#elif defined(__AVX512CD__)
#define TMS_ARCH_NAMESPACE arch_avx512cd
#elif defined(__AVX512F__)
#define TMS_ARCH_NAMESPACE arch_avx512f
#elif defined(__AVX2__) && defined(__FMA__)
#define TMS_ARCH_NAMESPACE arch_fma3_avx2
#elif defined(__AVX2__)
#define TMS_ARCH_NAMESPACE arch_avx2
#elif defined(__AVX__) && defined(__FMA__)
#define TMS_ARCH_NAMESPACE arch_fma3_avx
#elif defined(__AVX__)
#define TMS_ARCH_NAMESPACE arch_avx
#elif defined(__SSE4_2__) && defined(__FMA__)
#define TMS_ARCH_NAMESPACE arch_fma3_sse4_2
#elif defined(__SSE4_2__)
#define TMS_ARCH_NAMESPACE arch_sse4_2
#elif defined(__SSE4_1__)
#define TMS_ARCH_NAMESPACE arch_sse4_1
#elif defined(__SSSE3__)
#define TMS_ARCH_NAMESPACE arch_ssse3
#elif defined(__SSE3__)
#define TMS_ARCH_NAMESPACE arch_sse3
#elif defined(__SSE2__)
#define TMS_ARCH_NAMESPACE arch_sse2
#elif defined(__ARM_NEON) && defined(__aarch64__)
#define TMS_ARCH_NAMESPACE arch_neon64
#elif defined(__ARM_NEON)
#define TMS_ARCH_NAMESPACE arch_neon
#else
#define TMS_ARCH_NAMESPACE arch_scalar
#endif

namespace tms {
/// The library version as "major.minor.patch".
inline constexpr const char* version_string = "0.1.0";
}  // namespace tms
