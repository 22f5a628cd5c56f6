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
/// - BM_CoreStep: the training hot path without sampling or optimizer — 4 pre-drawn tiles of 256 samples through
///   detail::GradientCore, of the kind tms::Trainer would choose (counter `path`: 1 sparse, 2 dense, 3 lanes over
///   samples); BM_CoreStep<Model, Path::x> forces one kind at every density, to check the core's thresholds.
///   Internal API: if the core's tile interface changes, this benchmark reports a skip instead of breaking the
///   build, and BM_TrainStep in bench_training covers the same path through tms::Trainer.

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

/// The lanes-over-samples tile for small models and the core's own choice of tile (newer cores).
template <class Core>
concept lanes_core = tile_core<Core> && requires(Core& core, const float* x) {
    core.accumulate_feature_major(x, Index{256}, Index{256}, 1.0f);
    core.preferred_tile(0.5);
    { Core::sample_lanes } -> std::convertible_to<Index>;
    { Core::lanes_max_hidden } -> std::convertible_to<Index>;
};

/// How BM_CoreStep feeds the core: as tms::Trainer would (automatic), or always one kind of tile.
enum class Path { automatic, sparse, dense, lanes };

template <class Model, Path path = Path::automatic>
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
        Core core(n, m);

        Path used = path;
        if (path == Path::automatic) {
            used = p > Core::dense_tile_density ? Path::dense : Path::sparse;
            if constexpr (lanes_core<Core>) {
                const auto kind = core.preferred_tile(sampler.mean_probability());
                used = kind == Core::TileKind::feature_major ? Path::lanes
                       : kind == Core::TileKind::dense       ? Path::dense
                                                             : Path::sparse;
            }
        }
        if (used == Path::lanes) {
            if constexpr (lanes_core<Core>) {
                if (m > Core::lanes_max_hidden) {
                    state.SkipWithError("the lanes-over-samples tile needs m <= lanes_max_hidden");
                    return;
                }
            } else {
                state.SkipWithError("this gradient core has no lanes-over-samples tile");
                return;
            }
        }

        // The batch, pre-drawn in the form the path consumes: 4 tiles of 256 samples.
        tms::RandomEngine engine(7, 1);
        const std::size_t tiles = tms::bench::batch_size / tile_samples;
        std::vector<tms::SparseBatch<float>> sparse_tiles(tiles);
        std::vector<tms::MatrixX<float>> dense_tiles(tiles);
        std::vector<std::vector<float>> lane_tiles(tiles);
        for (std::size_t t = 0; t < tiles; ++t) {
            if (used == Path::sparse) sampler.sample_sparse(engine, tile_samples, sparse_tiles[t]);
            if (used == Path::dense) dense_tiles[t] = sampler.sample(engine, tile_samples);
            if (used == Path::lanes) {
                lane_tiles[t].resize(static_cast<std::size_t>(tile_samples * n));
                sampler.sample_feature_major(engine, tile_samples, lane_tiles[t].data(), tile_samples);
            }
        }

        const float scale = 2.0f / static_cast<float>(tms::bench::batch_size * n);
        const tms::bench::LoopTimer timer;
        for (auto _ : state) {
            core.begin_step(params.data(), importance.data());
            float squared_error = 0.0f;
            for (std::size_t t = 0; t < tiles; ++t) {
                if (used == Path::sparse) {
                    // A forced sparse path must not switch dense tiles to matrix products (newer cores).
                    if constexpr (requires { core.accumulate_sparse(sparse_tiles[t], scale); })
                        squared_error += path == Path::sparse ? core.accumulate_sparse(sparse_tiles[t], scale)
                                                              : core.accumulate(sparse_tiles[t], scale);
                    else
                        squared_error += core.accumulate(sparse_tiles[t], scale);
                }
                if (used == Path::dense) squared_error += core.accumulate_dense(dense_tiles[t], scale);
                if constexpr (lanes_core<Core>)
                    if (used == Path::lanes)
                        core.accumulate_feature_major(lane_tiles[t].data(), tile_samples, tile_samples, scale);
            }
            squared_error += core.finish_step(scale, gradient.data());
            benchmark::DoNotOptimize(squared_error);
            benchmark::ClobberMemory();
        }
        state.counters["path"] = static_cast<double>(static_cast<int>(used));  // 1 sparse, 2 dense, 3 lanes
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
/// The ReLU-hidden sparse/dense crossover scan behind GradientCore::dense_is_cheaper: (n, m) beyond the lanes tile
/// at p = 0.2 … 0.005.
void crossover_shapes(benchmark::internal::Benchmark* b) {
    for (const auto& [n, m] : {std::pair{20, 10}, {40, 16}, {100, 20}, {100, 40}, {200, 40}, {400, 30}})
        for (const int inverse_p : {5, 10, 20, 33, 50, 100, 200}) b->Args({n, m, inverse_p});
    b->ArgNames({"n", "m", "inv_p"});
}

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
// Every tile kind at every density, to check the core's thresholds against measurement.
BENCHMARK_TEMPLATE(BM_CoreStep, ReluOutput, Path::sparse)->Apply(tied_shapes);
BENCHMARK_TEMPLATE(BM_CoreStep, ReluOutput, Path::dense)->Apply(tied_shapes);
BENCHMARK_TEMPLATE(BM_CoreStep, ReluOutput, Path::lanes)->Apply(shape_20_5)->Apply(shape_10_5);
BENCHMARK_TEMPLATE(BM_CoreStep, ReluHidden, Path::sparse)->Apply(shape_10_5);
BENCHMARK_TEMPLATE(BM_CoreStep, ReluHidden, Path::dense)->Apply(shape_10_5);
BENCHMARK_TEMPLATE(BM_CoreStep, ReluHidden, Path::lanes)->Apply(shape_10_5);
BENCHMARK_TEMPLATE(BM_CoreStep, AbsValue, Path::sparse)->Apply(shape_100_40);
BENCHMARK_TEMPLATE(BM_CoreStep, AbsValue, Path::dense)->Apply(shape_100_40);
// --benchmark_filter=Crossover: the tile-choice scan (docs/performance.md, "Tile choice").
BENCHMARK_TEMPLATE(BM_CoreStep, ReluHidden, Path::sparse)->Name("Crossover/ReluHidden/sparse")->Apply(crossover_shapes);
BENCHMARK_TEMPLATE(BM_CoreStep, ReluHidden, Path::dense)->Name("Crossover/ReluHidden/dense")->Apply(crossover_shapes);
BENCHMARK_TEMPLATE(BM_CoreStep, AbsValue, Path::sparse)->Name("Crossover/AbsValue/sparse")->Apply(crossover_shapes);
BENCHMARK_TEMPLATE(BM_CoreStep, AbsValue, Path::dense)->Name("Crossover/AbsValue/dense")->Apply(crossover_shapes);
BENCHMARK_TEMPLATE(BM_CoreStep, ReluHidden)->Name("Crossover/ReluHidden/chosen")->Apply(crossover_shapes);
BENCHMARK_TEMPLATE(BM_CoreStep, AbsValue)->Name("Crossover/AbsValue/chosen")->Apply(crossover_shapes);

TMS_BENCHMARK_MAIN(true)
