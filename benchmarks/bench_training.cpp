/// \file bench_training.cpp
/// Whole training steps — sampling, forward, backward, AdamW — through tms::Trainer and tms::train at batch 1024,
/// for the configurations. The counter `instance_steps` is optimizer steps of one model per second
/// (the unit of the PyTorch comparison, where one step of a stack of k instances counts as k instance-steps).
///
/// - BM_Config1_ReluOutput20x5:  ReLU output, n = 20, m = 5, I = 0.7^i, 10 instances at p = 20^(−k/9)
/// - BM_Config2_AbsValue100x40:  abs value, n = 100, m = 40, I = 0.8^i, 7 instances at p = 1 … 0.001
/// - BM_Config3_ReluOutput20x5:  ReLU output, n = 20, m = 5, 10 instances at p = 0.01
/// - BM_Config4_ReluHidden10x5:  ReLU hidden, n = 10, m = 5, I = 0.75^i, 20 instances at p = 0.1
/// - BM_TrainStep:               one model per (n, m, p), for the per-sparsity cost
/// - BM_ManyModels:              config 4 with 2 × 20 models over 1 or 2 threads (tms::parallel_for)
/// - BM_ReluHiddenFigureSlice:   7 sparsities × 20 models × 10,000 steps from initialisation with tms::train on 2
///                               threads: a 1/50 slice of the ReLU-hidden figure's 7 × 1000 models, timed once.
///
/// The ensembles are persistent tms::Trainer objects: each benchmark iteration runs every instance for a few
/// more steps (Trainer::run_for(steps_per_iteration)), so construction is not timed.

#include <deque>
#include <memory>
#include <vector>

#include "bench_support.hpp"

namespace {

using tms::Index;
using Sampler = tms::SparseFeatureSampler<float>;

constexpr std::int64_t steps_per_iteration = 20;

/// Instances of one model type, each with its own sparsity, sampler, seed and persistent Trainer.
template <class Model>
class Ensemble {
public:
    Ensemble(Index n, Index m, double importance_ratio, const std::vector<double>& probabilities) {
        const auto range = Model::absolute_value_task ? tms::FeatureRange::symmetric : tms::FeatureRange::unit;
        importance_ = tms::geometric_importance<float>(n, importance_ratio);
        tms::TrainOptions options;
        options.batch_size = tms::bench::batch_size;
        options.steps = steps_per_iteration;  // the planned total; run_for continues past it (constant schedule)
        for (std::size_t k = 0; k < probabilities.size(); ++k) {
            Model& model = models_.emplace_back(n, m);
            tms::initialize(model, k);
            const Sampler& sampler = samplers_.emplace_back(n, probabilities[k], range);
            options.seed = k;
            trainers_.push_back(std::make_unique<tms::Trainer<Model, Sampler>>(model, sampler, importance_, options));
        }
    }

    [[nodiscard]] Index size() const noexcept { return static_cast<Index>(trainers_.size()); }

    /// steps_per_iteration more steps of instance \p k.
    void advance(Index k) {
        trainers_[static_cast<std::size_t>(k)]->run_for(steps_per_iteration);
    }

private:
    tms::VectorX<float> importance_;
    std::deque<Model> models_;
    std::deque<Sampler> samplers_;
    std::vector<std::unique_ptr<tms::Trainer<Model, Sampler>>> trainers_;
};

template <class Model>
void run_ensemble(benchmark::State& state, Ensemble<Model>& ensemble) {
    for (auto _ : state)
        for (Index k = 0; k < ensemble.size(); ++k) ensemble.advance(k);
    tms::bench::set_instance_step_counters(
        state, static_cast<double>(state.iterations() * ensemble.size() * steps_per_iteration),
        static_cast<double>(tms::bench::batch_size));
}

void BM_Config1_ReluOutput20x5(benchmark::State& state) {
    Ensemble<tms::ReluOutputModel<float>> ensemble(20, 5, 0.7, tms::bench::config1_probabilities());
    run_ensemble(state, ensemble);
}

void BM_Config2_AbsValue100x40(benchmark::State& state) {
    Ensemble<tms::AbsValueModel<float>> ensemble(100, 40, 0.8, tms::bench::seven_probabilities());
    run_ensemble(state, ensemble);
}

void BM_Config3_ReluOutput20x5(benchmark::State& state) {
    Ensemble<tms::ReluOutputModel<float>> ensemble(20, 5, 0.7, std::vector<double>(10, 0.01));
    run_ensemble(state, ensemble);
}

constexpr double config4_probability = 0.1;

void BM_Config4_ReluHidden10x5(benchmark::State& state) {
    Ensemble<tms::ReluHiddenModel<float>> ensemble(10, 5, 0.75, std::vector<double>(20, config4_probability));
    run_ensemble(state, ensemble);
}

/// One model: arguments n, m, 1/p (p encoded as in bench_gradient).
template <class Model>
void BM_TrainStep(benchmark::State& state) {
    const double p = tms::bench::probability_from_inverse(state.range(2));
    Ensemble<Model> ensemble(state.range(0), state.range(1), 0.7, {p});
    run_ensemble(state, ensemble);
}

/// Config 4 with 40 models spread over `threads` threads by tms::parallel_for (dynamic scheduling).
void BM_ManyModels(benchmark::State& state) {
    const auto threads = static_cast<unsigned>(state.range(0));
    Ensemble<tms::ReluHiddenModel<float>> ensemble(10, 5, 0.75, std::vector<double>(40, config4_probability));
    for (auto _ : state) tms::parallel_for(ensemble.size(), threads, [&](Index k) { ensemble.advance(k); });
    tms::bench::set_instance_step_counters(
        state, static_cast<double>(state.iterations() * ensemble.size() * steps_per_iteration),
        static_cast<double>(tms::bench::batch_size));
    state.counters["threads"] = threads;
}

/// The ReLU-hidden figure in miniature: arguments models per sparsity, steps, threads. Each model is trained
/// from initialisation with tms::train, as the figure's sweep would. `full_figure_seconds` scales the wall time
/// linearly to 1000 models per sparsity (the work is 1000/models identical independent jobs on the same threads).
void BM_ReluHiddenFigureSlice(benchmark::State& state) {
    const Index models_per_sparsity = state.range(0);
    const std::int64_t steps = state.range(1);
    const auto threads = static_cast<unsigned>(state.range(2));
    const std::vector<double> probabilities = tms::bench::seven_probabilities();
    const auto jobs = static_cast<Index>(probabilities.size()) * models_per_sparsity;
    const tms::VectorX<float> importance = tms::geometric_importance<float>(10, 0.75);
    double seconds = 0.0;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        tms::parallel_for(jobs, threads, [&](Index job) {
            const double p = probabilities[static_cast<std::size_t>(job / models_per_sparsity)];
            tms::ReluHiddenModel<float> model(10, 5);
            tms::initialize(model, static_cast<std::uint64_t>(job));
            const Sampler sampler(10, p);
            tms::TrainOptions options;
            options.steps = steps;
            options.seed = static_cast<std::uint64_t>(job);
            benchmark::DoNotOptimize(tms::train(model, sampler, importance, options).final_loss);
        });
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    const double instance_steps = static_cast<double>(state.iterations() * jobs * steps);
    tms::bench::set_instance_step_counters(state, instance_steps, static_cast<double>(tms::bench::batch_size));
    state.counters["full_figure_seconds"] =
        seconds / static_cast<double>(state.iterations()) * 1000.0 / static_cast<double>(models_per_sparsity);
    state.counters["threads"] = threads;
}

void per_sparsity(benchmark::internal::Benchmark* b, int n, int m) {
    for (const int inverse_p : {1, 10, 100, 1000}) b->Args({n, m, inverse_p});
    b->ArgNames({"n", "m", "inv_p"});
}

}  // namespace

BENCHMARK(BM_Config1_ReluOutput20x5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Config2_AbsValue100x40)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Config3_ReluOutput20x5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Config4_ReluHidden10x5)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_TrainStep, tms::ReluOutputModel<float>)
    ->Apply([](auto* b) { per_sparsity(b, 20, 5); })
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_TrainStep, tms::AbsValueModel<float>)
    ->Apply([](auto* b) { per_sparsity(b, 100, 40); })
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_TrainStep, tms::ReluHiddenModel<float>)
    ->Apply([](auto* b) { per_sparsity(b, 10, 5); })
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ManyModels)->Arg(1)->Arg(2)->ArgName("threads")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReluHiddenFigureSlice)
    ->Args({20, 10'000, 2})
    ->ArgNames({"models_per_sparsity", "steps", "threads"})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

TMS_BENCHMARK_MAIN(false)
