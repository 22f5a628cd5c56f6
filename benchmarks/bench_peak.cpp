/// \file bench_peak.cpp
/// The machine's single-core FP32 FMA peak: independent chains of xsimd::fma on xsimd::batch<float>.
///
/// One chain measures the FMA latency; 8 or more chains (latency 4 × 2 pipes) reach the throughput peak, which
/// bench_gradient divides by for its `fraction_of_peak`. The 256-bit (AVX2 + FMA3) rows tell full-width AVX-512
/// (Zen 5: twice the AVX2 rate) from double-pumped AVX-512 (Zen 4: the same rate as AVX2).

#include "bench_support.hpp"

namespace {

template <int Chains, class Arch>
void BM_FmaChains(benchmark::State& state) {
    constexpr std::int64_t iterations = 1'000'000;
    float seed = 1.0f;
    for (auto _ : state) {
        benchmark::DoNotOptimize(tms::bench::fma_chains<Chains, Arch>(iterations, seed));
        seed += 1.0f;
    }
    const double flops = tms::bench::fma_flops_per_iteration<Chains, Arch> * static_cast<double>(iterations) *
                         static_cast<double>(state.iterations());
    state.counters["flops"] = benchmark::Counter(flops, benchmark::Counter::kIsRate);
    state.counters["lanes"] = static_cast<double>(xsimd::batch<float, Arch>::size);
    state.counters["chains"] = Chains;
}

using Native = xsimd::default_arch;

}  // namespace

BENCHMARK_TEMPLATE(BM_FmaChains, 1, Native);
BENCHMARK_TEMPLATE(BM_FmaChains, 4, Native);
BENCHMARK_TEMPLATE(BM_FmaChains, 8, Native);
BENCHMARK_TEMPLATE(BM_FmaChains, 12, Native);
BENCHMARK_TEMPLATE(BM_FmaChains, 16, Native);
#if XSIMD_WITH_FMA3_AVX2
using Avx2 = xsimd::fma3<xsimd::avx2>;
BENCHMARK_TEMPLATE(BM_FmaChains, 8, Avx2);
BENCHMARK_TEMPLATE(BM_FmaChains, 12, Avx2);
#endif

TMS_BENCHMARK_MAIN(true)
