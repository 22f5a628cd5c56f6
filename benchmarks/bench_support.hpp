#pragma once
/// \file bench_support.hpp
/// What the benchmark executables share: the FMA peak probe, FLOP accounting, the configurations,
/// rate counters and a main() that records the SIMD architecture in the benchmark context.
///
/// Benchmarks go through public entry points (tms::train, tms::Trainer, model.loss_and_gradient, tms::simd
/// kernels, samplers, optimizers), so they keep compiling while the gradient core's internals change.

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <xsimd/xsimd.hpp>

#include <tms/core.hpp>

namespace tms::bench {

// ---------------------------------------------------------------------------------------------------------------
// FMA peak probe.
//
// Chains independent accumulators acc_c ← fma(acc_c, a, b). One chain is bound by the FMA latency (4 cycles);
// with at least latency × pipes chains in flight (4 × 2 = 8) the loop is bound by throughput, which is the
// core's peak. This machine (AMD EPYC, CPU family 26 = Zen 5) has two full-width 512-bit FMA pipes, so the
// 16-lane batch reaches 2 pipes × 16 floats × 2 FLOP = 64 FLOP/cycle, twice the 8-lane (AVX2) rate; on Zen 4,
// which splits a 512-bit FMA into two 256-bit halves, both widths would reach 32 FLOP/cycle.
// ---------------------------------------------------------------------------------------------------------------

/// Runs \p iterations rounds of \p Chains independent FMAs on xsimd::batch<float, Arch>; returns a value that
/// depends on every accumulator, so the compiler cannot drop any chain.
template <int Chains, class Arch = xsimd::default_arch>
[[gnu::noinline]] float fma_chains(std::int64_t iterations, float seed) noexcept {
    using batch = xsimd::batch<float, Arch>;
    std::array<batch, Chains> acc;
    for (int c = 0; c < Chains; ++c) acc[static_cast<std::size_t>(c)] = batch(seed + 1e-3f * static_cast<float>(c));
    // |a| < 1 and a small b keep every accumulator finite and normal however long the loop runs.
    const batch a(0.999999f);
    const batch b(1e-6f);
    for (std::int64_t i = 0; i < iterations; ++i) {
        for (int c = 0; c < Chains; ++c) {
            auto& x = acc[static_cast<std::size_t>(c)];
            x = xsimd::fma(x, a, b);
        }
    }
    batch sum(0.0f);
    for (const auto& x : acc) sum += x;
    return xsimd::hadd(sum);
}

/// FLOP per iteration of fma_chains: every lane of every chain does a multiply and an add.
template <int Chains, class Arch = xsimd::default_arch>
inline constexpr double fma_flops_per_iteration = 2.0 * Chains * static_cast<double>(xsimd::batch<float, Arch>::size);

/// The measured single-core FP32 peak in FLOP/s: the best of several short runs of a 12-chain probe at the native
/// width (best, not mean, because a busy machine only ever makes a run slower). Measured once per process.
inline double fma_peak_flops() {
    static const double peak = [] {
        constexpr std::int64_t iterations = 2'000'000;  // ≈ 12 ms at peak
        double best = 0.0;
        for (int run = 0; run < 9; ++run) {
            const auto start = std::chrono::steady_clock::now();
            benchmark::DoNotOptimize(fma_chains<12>(iterations, 1.0f + static_cast<float>(run)));
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            best = std::max(best, fma_flops_per_iteration<12> * static_cast<double>(iterations) / seconds);
        }
        return best;
    }();
    return peak;
}

// ---------------------------------------------------------------------------------------------------------------
// FLOP accounting and counters.
// ---------------------------------------------------------------------------------------------------------------

/// Dense multiply-add FLOP of one forward+backward sample: five m×n matrix-vector products (U x, V h, δz hᵀ,
/// Vᵀ δz, δa xᵀ) at 2 FLOP each, for tied and untied models alike; the O(n + m) elementwise work is left out.
/// Sparse paths do less work than this; for them the figure is a dense-equivalent rate.
[[nodiscard]] inline double dense_flops_per_sample(Index features, Index hidden) noexcept {
    return 2.0 * 5.0 * static_cast<double>(features) * static_cast<double>(hidden);
}

/// Wall time of a benchmark loop (construct just before `for (auto _ : state)`), for counters that are rates
/// but should print without the "/s" that benchmark::Counter::kIsRate appends.
class LoopTimer {
public:
    LoopTimer() : start_(std::chrono::steady_clock::now()) {}
    [[nodiscard]] double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

private:
    std::chrono::steady_clock::time_point start_;
};

/// items/s = samples/s, plus `flops` (dense-equivalent FLOP/s) and `fraction_of_peak`: that rate over the loop's
/// wall time divided by fma_peak_flops().
inline void set_sample_counters(benchmark::State& state, const LoopTimer& timer, double samples,
                                double flops_per_sample) {
    const double seconds = timer.seconds();
    state.SetItemsProcessed(static_cast<std::int64_t>(samples));
    const double flops = samples * flops_per_sample;
    state.counters["flops"] = benchmark::Counter(flops, benchmark::Counter::kIsRate);
    state.counters["fraction_of_peak"] = flops / seconds / fma_peak_flops();
}

/// `instance_steps` per second: one instance-step is one optimizer step of one model on a full batch.
inline void set_instance_step_counters(benchmark::State& state, double instance_steps, double batch_size) {
    state.counters["instance_steps"] = benchmark::Counter(instance_steps, benchmark::Counter::kIsRate);
    state.SetItemsProcessed(static_cast<std::int64_t>(instance_steps * batch_size));
}

// ---------------------------------------------------------------------------------------------------------------
// Data and configurations.
// ---------------------------------------------------------------------------------------------------------------

/// The notebook's batch size.
inline constexpr Index batch_size = 1024;

/// p encoded as a benchmark argument: 1/p (1 → p = 1, 10 → p = 0.1, 100 → p = 0.01).
[[nodiscard]] inline double probability_from_inverse(std::int64_t inverse) noexcept {
    return 1.0 / static_cast<double>(inverse);
}

/// A features × samples batch from the paper's distribution (deterministic in \p seed).
[[nodiscard]] inline MatrixX<float> sample_batch(Index features, double probability, Index samples,
                                                 FeatureRange range = FeatureRange::unit, std::uint64_t seed = 7) {
    const SparseFeatureSampler<float> sampler(features, probability, range);
    RandomEngine engine(seed, 1);
    return sampler.sample(engine, samples);
}

/// The configuration (1): p_k = 20^(−k/9), k = 0 … 9 (the notebook's 20 ** -linspace(0, 1, 10)).
[[nodiscard]] inline std::vector<double> config1_probabilities() {
    std::vector<double> p(10);
    for (std::size_t k = 0; k < p.size(); ++k) p[k] = std::pow(20.0, -static_cast<double>(k) / 9.0);
    return p;
}

/// The configuration (2) and the ReLU-hidden figure's sparsities: p = 1, .3, .1, .03, .01, .003, .001.
[[nodiscard]] inline std::vector<double> seven_probabilities() { return {1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001}; }

/// Adds the SIMD architecture (and, if asked, the measured FMA peak) to the benchmark context, then runs.
inline int run_benchmarks(int argc, char** argv, bool with_peak) {
    benchmark::AddCustomContext("xsimd_arch", xsimd::default_arch::name());
    benchmark::AddCustomContext("float_lanes", std::to_string(xsimd::batch<float>::size));
    if (with_peak)
        benchmark::AddCustomContext("fma_peak_gflops_one_core", std::to_string(fma_peak_flops() / 1e9));
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

}  // namespace tms::bench

/// main() for a benchmark executable; \p with_peak measures the FMA peak first and records it in the context.
#define TMS_BENCHMARK_MAIN(with_peak) \
    int main(int argc, char** argv) { return ::tms::bench::run_benchmarks(argc, argv, with_peak); }
