/// \file bench_gradient.cpp
/// Forward + backward per sample: loss and exact gradient of a 1024-sample batch, at several n, m and p.
///
/// items/s = samples/s. `flops` is the dense-equivalent rate, 10·m·n FLOP per sample (bench_support.hpp), and
/// `fraction_of_peak` divides it by the single-core FMA peak measured at start-up (also in the context). At p < 1
/// the sparse paths skip absent features, so their dense-equivalent rate can exceed what the arithmetic needs.
///
/// Two entry points:
/// - BM_LossAndGradient: the public model.loss_and_gradient on a dense batch (includes packing the parameters,
///   converting the batch to the core's input form and unpacking the gradient: what a user calling it pays);
/// - BM_CoreStep: the training hot path without sampling or optimizer — tiles of 256 samples through
///   detail::GradientCore as tms::Trainer feeds it (sparse tiles below the core's density threshold, dense tiles
///   above). Internal API: if the core's tile interface changes, this benchmark reports a skip instead of
///   breaking the build, and BM_TrainStep in bench_training covers the same path through tms::Trainer.
///   (tms::Trainer may also pick a lanes-over-samples tile for small models; BM_CoreStep times only the sparse
///   and dense tiles, and BM_CoreStep<..., true> forces the dense one.)

#include <type_traits>
#include <vector>

#include "bench_support.hpp"

namespace {

using tms::Index;

template <class Model>
Model make_model(Index n, Index m) {
    Model model(n, m);
    tms::initialize(model, 11);
    return model;
}

template <class Model>
tms::FeatureRange range_of() {
    return Model::absolute_value_task ? tms::FeatureRange::symmetric : tms::FeatureRange::unit;
}

template <class Model>
void BM_LossAndGradient(benchmark::State& state) {
    const Index n = state.range(0);
    const Index m = state.range(1);
    const double p = tms::bench::probability_from_inverse(state.range(2));
    const Model model = make_model<Model>(n, m);
    const tms::MatrixX<float> batch = tms::bench::sample_batch(n, p, tms::bench::batch_size, range_of<Model>());
    const tms::VectorX<float> importance = tms::geometric_importance<float>(n, 0.7);
    Model gradient(n, m);
    const tms::bench::LoopTimer timer;
    for (auto _ : state) {
        const float loss = model.loss_and_gradient(batch, importance, gradient);
        benchmark::DoNotOptimize(loss);
        benchmark::ClobberMemory();
    }
    tms::bench::set_sample_counters(state, timer, static_cast<double>(state.iterations() * tms::bench::batch_size),
                                    tms::bench::dense_flops_per_sample(n, m));
}

template <class Core>
concept tile_core = requires(Core& core, const float* p, float* g, const tms::SparseBatch<float>& tile,
                             const tms::MatrixX<float>& dense) {
    core.begin_step(p, p);
    core.accumulate(tile, 1.0f);
    core.accumulate_dense(dense, 1.0f);
    core.finish_step(1.0f, g);
    { Core::dense_tile_density } -> std::convertible_to<double>;
};

/// \tparam AlwaysDense  send every tile through the dense (GEMM) path whatever its density, to check the core's
///                     density threshold against measurement.
template <class Model, bool AlwaysDense = false>
void BM_CoreStep(benchmark::State& state) {
    using Core = tms::detail::GradientCore<typename Model::Spec>;
    if constexpr (tile_core<Core>) {
        constexpr Index tile_samples = 256;
        const Index n = state.range(0);
        const Index m = state.range(1);
        const double p = tms::bench::probability_from_inverse(state.range(2));
        const Model model = make_model<Model>(n, m);
        std::vector<float> params(static_cast<std::size_t>(model.parameter_count()));
        model.pack(params);
        std::vector<float> gradient(params.size(), 0.0f);
        const tms::VectorX<float> importance = tms::geometric_importance<float>(n, 0.7);
        const tms::SparseFeatureSampler<float> sampler(n, p, range_of<Model>());
        tms::RandomEngine engine(7, 1);
        const bool dense = AlwaysDense || p > Core::dense_tile_density;
        std::vector<tms::SparseBatch<float>> sparse_tiles(tms::bench::batch_size / tile_samples);
        std::vector<tms::MatrixX<float>> dense_tiles(sparse_tiles.size());
        for (std::size_t t = 0; t < sparse_tiles.size(); ++t) {
            sampler.sample_sparse(engine, tile_samples, sparse_tiles[t]);
            dense_tiles[t] = sampler.sample(engine, tile_samples);
        }
        Core core(n, m);
        const float scale = 2.0f / static_cast<float>(tms::bench::batch_size * n);
        const tms::bench::LoopTimer timer;
        for (auto _ : state) {
            core.begin_step(params.data(), importance.data());
            float squared_error = 0.0f;
            for (std::size_t t = 0; t < sparse_tiles.size(); ++t)
                squared_error += dense ? core.accumulate_dense(dense_tiles[t], scale)
                                       : core.accumulate(sparse_tiles[t], scale);
            squared_error += core.finish_step(scale, gradient.data());
            benchmark::DoNotOptimize(squared_error);
            benchmark::ClobberMemory();
        }
        state.counters["dense_path"] = dense ? 1.0 : 0.0;
        tms::bench::set_sample_counters(state, timer, static_cast<double>(state.iterations() * tms::bench::batch_size),
                                        tms::bench::dense_flops_per_sample(n, m));
    } else {
        state.SkipWithError("detail::GradientCore's tile interface changed; use BM_LossAndGradient / bench_training");
    }
}

/// (n, m) at p = 1, 0.1, 0.01 (the last argument is 1/p).
void shapes(benchmark::internal::Benchmark* b, std::initializer_list<std::pair<int, int>> nm) {
    for (const auto& [n, m] : nm)
        for (const int inverse_p : {1, 10, 100}) b->Args({n, m, inverse_p});
    b->ArgNames({"n", "m", "inv_p"});
}
void tied_shapes(benchmark::internal::Benchmark* b) { shapes(b, {{20, 5}, {100, 40}, {10, 5}}); }
void shape_20_5(benchmark::internal::Benchmark* b) { shapes(b, {{20, 5}}); }
void shape_10_5(benchmark::internal::Benchmark* b) { shapes(b, {{10, 5}}); }
void shape_100_40(benchmark::internal::Benchmark* b) { shapes(b, {{100, 40}}); }

using ReluOutput = tms::ReluOutputModel<float>;
using ReluOutputFixed = tms::ReluOutputModel<float, 20, 5>;
using ReluHidden = tms::ReluHiddenModel<float>;
using AbsValue = tms::AbsValueModel<float>;

}  // namespace

BENCHMARK_TEMPLATE(BM_LossAndGradient, ReluOutput)->Apply(tied_shapes);
BENCHMARK_TEMPLATE(BM_LossAndGradient, ReluOutputFixed)->Apply(shape_20_5);
BENCHMARK_TEMPLATE(BM_LossAndGradient, ReluHidden)->Apply(shape_10_5);
BENCHMARK_TEMPLATE(BM_LossAndGradient, AbsValue)->Apply(shape_100_40);
BENCHMARK_TEMPLATE(BM_CoreStep, ReluOutput)->Apply(tied_shapes);
BENCHMARK_TEMPLATE(BM_CoreStep, ReluOutputFixed)->Apply(shape_20_5);
BENCHMARK_TEMPLATE(BM_CoreStep, ReluHidden)->Apply(shape_10_5);
BENCHMARK_TEMPLATE(BM_CoreStep, AbsValue)->Apply(shape_100_40);
BENCHMARK_TEMPLATE(BM_CoreStep, ReluOutput, true)->Apply(tied_shapes);
BENCHMARK_TEMPLATE(BM_CoreStep, ReluHidden, true)->Apply(shape_10_5);
BENCHMARK_TEMPLATE(BM_CoreStep, AbsValue, true)->Apply(shape_100_40);

TMS_BENCHMARK_MAIN(true)
