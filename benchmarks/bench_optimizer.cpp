/// \file bench_optimizer.cpp
/// One AdamW step (PyTorch semantics: decoupled weight decay, bias correction) over a flat parameter vector.
/// 120 parameters is the ReLU output model n = 20, m = 5 (W 100 + b 20); 8140 is the size of the issue's
/// large case (the abs-value model n = 100, m = 40 has 8100). items/s = parameters updated per second.

#include <span>
#include <vector>

#include "bench_support.hpp"

namespace {

template <class Optimizer>
void BM_OptimizerStep(benchmark::State& state) {
    const auto count = static_cast<std::size_t>(state.range(0));
    std::vector<float> params(count), gradient(count);
    tms::RandomEngine engine(9, 0);
    for (std::size_t i = 0; i < count; ++i) {
        params[i] = static_cast<float>(engine.normal());
        gradient[i] = 1e-3f * static_cast<float>(engine.normal());
    }
    Optimizer optimizer;
    for (auto _ : state) {
        optimizer.step(std::span<float>(params), std::span<const float>(gradient), 1e-3);
        benchmark::DoNotOptimize(params.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

}  // namespace

BENCHMARK_TEMPLATE(BM_OptimizerStep, tms::AdamW<float>)->Arg(120)->Arg(8100)->Arg(8140)->ArgName("params");
BENCHMARK_TEMPLATE(BM_OptimizerStep, tms::Sgd<float>)->Arg(120)->Arg(8140)->ArgName("params");

TMS_BENCHMARK_MAIN(false)
