/// \file bench_sampler.cpp
/// Samples/s of tms::SparseFeatureSampler at n = 20, 100 and p = 1, 0.1, 0.01, through both of its outputs:
/// - BM_SampleDense: sample(engine, matrix) fills a dense features × 1024 matrix (cost flat in p);
/// - BM_SampleSparse: sample_sparse(engine, 1024, batch) stores only present features (cost follows the
///   nonzeros: geometric skips below p = 0.25).
/// - BM_SampleFeatureMajor: sample_feature_major(engine, 1024, out, stride), the dense feature-major tile of the
///   lanes-over-samples kernel (cost flat in p).
/// - BM_SampleCorrelatedSparse: tms::CorrelatedFeatureSampler::sample_sparse with n/8 correlated pairs, n/8
///   anticorrelated pairs and the other features independent, all of marginal probability p (p = 1/2, 1/10, 1/100; the
///   anticorrelated pairs fire with 2p, so p = 1 is not a valid configuration): three segments of geometric skips
///   below p = 1/8, per-unit comparisons above.
/// - BM_XoshiroFill: tms::simd::xoshiro_fill alone, the bulk random bits under all of the above (items/s = 64-bit
///   words/s).
/// items/s = samples/s (except BM_XoshiroFill); `nonzeros` is the rate of present features drawn.

#include <cstdint>
#include <vector>

#include "bench_support.hpp"

namespace {

using tms::Index;

// The sampler's bulk random bits alone: eight xoshiro256++ streams, 512 blocks of eight 64-bit words per fill.
void BM_XoshiroFill(benchmark::State& state) {
    tms::simd::WideXoshiroState generators{};
    for (std::size_t word = 0; word < 4; ++word)
        for (std::size_t lane = 0; lane < tms::simd::random_lanes; ++lane)
            generators.words[word][lane] = 0x9E3779B97F4A7C15ULL * (word * tms::simd::random_lanes + lane + 1);
    constexpr std::size_t blocks = 512;
    std::vector<std::uint32_t> out(2 * blocks * tms::simd::random_lanes);
    for (auto _ : state) {
        tms::simd::xoshiro_fill(generators, out.data(), blocks);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(blocks * tms::simd::random_lanes));
}

void BM_SampleDense(benchmark::State& state) {
    const Index n = state.range(0);
    const double p = tms::bench::probability_from_inverse(state.range(1));
    const tms::SparseFeatureSampler<float> sampler(n, p);
    tms::RandomEngine engine(5, 1);
    tms::MatrixX<float> batch(n, tms::bench::batch_size);
    for (auto _ : state) {
        sampler.sample(engine, batch);
        benchmark::DoNotOptimize(batch.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * tms::bench::batch_size);
}

void BM_SampleSparse(benchmark::State& state) {
    const Index n = state.range(0);
    const double p = tms::bench::probability_from_inverse(state.range(1));
    const tms::SparseFeatureSampler<float> sampler(n, p);
    tms::RandomEngine engine(5, 1);
    tms::SparseBatch<float> batch;
    double nonzeros = 0.0;
    for (auto _ : state) {
        sampler.sample_sparse(engine, tms::bench::batch_size, batch);
        nonzeros += static_cast<double>(batch.nonzeros());
        benchmark::DoNotOptimize(batch.values.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * tms::bench::batch_size);
    state.counters["nonzeros"] = benchmark::Counter(nonzeros, benchmark::Counter::kIsRate);
}

void BM_SampleFeatureMajor(benchmark::State& state) {
    const Index n = state.range(0);
    const double p = tms::bench::probability_from_inverse(state.range(1));
    const tms::SparseFeatureSampler<float> sampler(n, p);
    tms::RandomEngine engine(5, 1);
    std::vector<float> tile(static_cast<std::size_t>(n * tms::bench::batch_size));
    for (auto _ : state) {
        sampler.sample_feature_major(engine, tms::bench::batch_size, tile.data(), tms::bench::batch_size);
        benchmark::DoNotOptimize(tile.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * tms::bench::batch_size);
}

void BM_SampleCorrelatedSparse(benchmark::State& state) {
    const Index n = state.range(0);
    const double p = tms::bench::probability_from_inverse(state.range(1));
    const Index pairs = n / 8;
    auto sets = tms::repeated_feature_sets(pairs, 2, tms::SetCorrelation::correlated, p);
    const auto anticorrelated = tms::repeated_feature_sets(pairs, 2, tms::SetCorrelation::anticorrelated, p);
    sets.insert(sets.end(), anticorrelated.begin(), anticorrelated.end());
    const tms::CorrelatedFeatureSampler<float> sampler(sets, n - 4 * pairs, p);
    tms::RandomEngine engine(5, 1);
    tms::SparseBatch<float> batch;
    double nonzeros = 0.0;
    for (auto _ : state) {
        sampler.sample_sparse(engine, tms::bench::batch_size, batch);
        nonzeros += static_cast<double>(batch.nonzeros());
        benchmark::DoNotOptimize(batch.values.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * tms::bench::batch_size);
    state.counters["nonzeros"] = benchmark::Counter(nonzeros, benchmark::Counter::kIsRate);
    state.counters["geometric"] = sampler.skips_geometrically() ? 1.0 : 0.0;
}

void grid(benchmark::internal::Benchmark* b) {
    for (const int n : {20, 100})
        for (const int inverse_p : {1, 10, 100}) b->Args({n, inverse_p});
    b->ArgNames({"n", "inv_p"});
}

void correlated_grid(benchmark::internal::Benchmark* b) {
    for (const int n : {20, 100})
        for (const int inverse_p : {2, 10, 100}) b->Args({n, inverse_p});
    b->ArgNames({"n", "inv_p"});
}

}  // namespace

BENCHMARK(BM_XoshiroFill);
BENCHMARK(BM_SampleDense)->Apply(grid);
BENCHMARK(BM_SampleSparse)->Apply(grid);
BENCHMARK(BM_SampleFeatureMajor)->Apply(grid);
BENCHMARK(BM_SampleCorrelatedSparse)->Apply(correlated_grid);

TMS_BENCHMARK_MAIN(false)
