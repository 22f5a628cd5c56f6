/// \file bench_kernels.cpp
/// The SIMD kernels of tms::simd against their scalar twins in tms::simd::reference, at several lengths.
///
/// Lengths 16, 32, 112 and 1024 are whole AVX-512 registers (the gradient core pads feature vectors so);
/// 20 and 100 are the feature counts unpadded, which exercise the scalar tails.
/// items/s = elements/s. The reference twins are compiled at -O3 -march=native too, so GCC may auto-vectorise
/// them (axpy, in particular); the comparison is "our kernel versus what the compiler does with a plain loop".

#include <vector>

#include "bench_support.hpp"

namespace {

struct Simd {};
struct Reference {};

/// Inputs for one length: z around zero (half the ReLUs active), targets and importances in [0, 1).
struct KernelData {
    explicit KernelData(std::ptrdiff_t n)
        : z(static_cast<std::size_t>(n)), t(z.size()), importance(z.size()), delta(z.size()), x(z.size()), y(z.size()) {
        tms::RandomEngine engine(3, 0);
        for (std::size_t i = 0; i < z.size(); ++i) {
            z[i] = engine.uniform<float>() - 0.5f;
            t[i] = engine.uniform<float>();
            importance[i] = engine.uniform<float>();
            x[i] = engine.uniform<float>();
            y[i] = engine.uniform<float>();
        }
    }
    std::vector<float> z, t, importance, delta, x, y;
};

template <class Kind>
void BM_OutputGradient(benchmark::State& state) {
    const auto n = static_cast<std::ptrdiff_t>(state.range(0));
    KernelData d(n);
    float* z = d.z.data();
    float* delta = d.delta.data();
    for (auto _ : state) {
        benchmark::DoNotOptimize(z);
        float loss;
        if constexpr (std::is_same_v<Kind, Simd>)
            loss = tms::simd::output_gradient<tms::Relu>(z, d.t.data(), d.importance.data(), delta, n, 1e-3f);
        else
            loss = tms::simd::reference::output_gradient<tms::Relu>(z, d.t.data(), d.importance.data(), delta,
                                                                            n, 1e-3f);
        benchmark::DoNotOptimize(loss);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * n);
}

template <class Kind>
void BM_Axpy(benchmark::State& state) {
    const auto n = static_cast<std::ptrdiff_t>(state.range(0));
    KernelData d(n);
    float* y = d.y.data();
    for (auto _ : state) {
        benchmark::DoNotOptimize(y);
        if constexpr (std::is_same_v<Kind, Simd>)
            tms::simd::axpy(1e-7f, d.x.data(), y, n);
        else
            tms::simd::reference::axpy(1e-7f, d.x.data(), y, n);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * n);
}

template <class Kind>
void BM_Dot(benchmark::State& state) {
    const auto n = static_cast<std::ptrdiff_t>(state.range(0));
    KernelData d(n);
    const float* x = d.x.data();
    for (auto _ : state) {
        benchmark::DoNotOptimize(x);
        float sum;
        if constexpr (std::is_same_v<Kind, Simd>)
            sum = tms::simd::dot(x, d.y.data(), n);
        else
            sum = tms::simd::reference::dot(x, d.y.data(), n);
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() * n);
}

void lengths(benchmark::internal::Benchmark* b) {
    for (const int n : {16, 20, 32, 100, 112, 1024}) b->Arg(n);
    b->ArgName("n");
}

}  // namespace

BENCHMARK_TEMPLATE(BM_OutputGradient, Simd)->Apply(lengths);
BENCHMARK_TEMPLATE(BM_OutputGradient, Reference)->Apply(lengths);
BENCHMARK_TEMPLATE(BM_Axpy, Simd)->Apply(lengths);
BENCHMARK_TEMPLATE(BM_Axpy, Reference)->Apply(lengths);
BENCHMARK_TEMPLATE(BM_Dot, Simd)->Apply(lengths);
BENCHMARK_TEMPLATE(BM_Dot, Reference)->Apply(lengths);

TMS_BENCHMARK_MAIN(false)
