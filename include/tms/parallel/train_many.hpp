#pragma once
/// \file parallel/train_many.hpp
/// tms::train_many: train a collection of models (any kinds, any scalars, fixed or dynamic sizes) in parallel and get
/// the trained models and their reports back, typed.
///
///     std::vector<tms::TrainingJob<tms::ReluOutputModelXf, tms::SparseFeatureSampler<float>>> outputs;
///     std::vector<tms::TrainingJob<tms::ReluHiddenModelXd, tms::SparseFeatureSampler<double>>> hidden;
///     ...                                         // fill: model (initialised), sampler, importance, options
///     auto [trained_outputs, trained_hidden] = tms::train_many(/*threads=*/0, std::move(outputs), std::move(hidden));
///     trained_outputs[k].model, trained_outputs[k].report            // in the jobs' order
///
/// Every job trains exactly as tms::train would on one thread, so results do not depend on the thread count.

#include <cstddef>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "../concepts.hpp"
#include "../config.hpp"
#include "../errors.hpp"
#include "../fwd.hpp"
#include "../optim/trainer.hpp"
#include "thread_pool.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// One model to train: the model with its initial weights, its data, the importance of its features, and how.
template <toy_model Model_, feature_sampler Sampler_>
struct TrainingJob {
    using Model = Model_;
    using Sampler = Sampler_;
    Model model;
    Sampler sampler;
    VectorX<typename Model::Scalar> importance;
    TrainOptions options{};
};

/// A trained model and its report. A job that diverged keeps its last finite weights, its report says how far it
/// got, and `error` holds the tms::divergence_error message (empty otherwise).
template <toy_model Model>
struct TrainedModel {
    Model model;
    TrainReport report;
    std::string error;

    [[nodiscard]] bool diverged() const noexcept { return !error.empty(); }
};

namespace detail {
template <class Job>
void train_job(Job& job, std::optional<TrainedModel<typename Job::Model>>& out) {
    out.emplace(TrainedModel<typename Job::Model>{std::move(job.model), {}, {}});
    Trainer<typename Job::Model, typename Job::Sampler> trainer(out->model, job.sampler, job.importance, job.options);
    try {
        out->report = trainer.run();
    } catch (const divergence_error& error) {
        out->error = error.what();
        out->report.steps_completed = trainer.step();
    }
}
}  // namespace detail

/// Trains every job of every collection on \p threads threads (0: all cores), the calling thread included, and
/// returns one vector of TrainedModel per collection, in the jobs' order. The jobs are consumed (their models are
/// moved into the results).
/// \throws std::invalid_argument (after every valid job has finished) if a job is invalid (mismatched sizes or
///         invalid options), naming the collection and the job.
template <toy_model... Models, feature_sampler... Samplers>
[[nodiscard]] std::tuple<std::vector<TrainedModel<Models>>...> train_many(
    unsigned threads, std::vector<TrainingJob<Models, Samplers>>... collections) {
    using Indices = std::index_sequence_for<Models...>;
    std::tuple<std::vector<TrainingJob<Models, Samplers>>&...> jobs(collections...);
    std::tuple<std::vector<std::optional<TrainedModel<Models>>>...> slots;
    // One flat index space over all collections, so one pool balances models of every kind and size.
    std::vector<std::pair<std::size_t, std::size_t>> work;
    [&]<std::size_t... C>(std::index_sequence<C...>) {
        ((std::get<C>(slots).resize(std::get<C>(jobs).size()),
          [&] {
              for (std::size_t k = 0; k < std::get<C>(jobs).size(); ++k) work.emplace_back(C, k);
          }()),
         ...);
    }(Indices{});

    std::vector<std::exception_ptr> errors(work.size());
    parallel_for(static_cast<Index>(work.size()), threads, [&](Index i) {
        // Plain variables, not a structured binding: Clang 14 (the fuzzers' compiler) cannot capture those.
        const std::size_t collection = work[static_cast<std::size_t>(i)].first;
        const std::size_t k = work[static_cast<std::size_t>(i)].second;
        try {
            [&]<std::size_t... C>(std::index_sequence<C...>) {
                ((collection == C ? detail::train_job(std::get<C>(jobs)[k], std::get<C>(slots)[k]) : void()), ...);
            }(Indices{});
        } catch (const std::invalid_argument& error) {
            errors[static_cast<std::size_t>(i)] = std::make_exception_ptr(std::invalid_argument(
                detail::concat("train_many: collection ", collection, ", job ", k, ": ", error.what())));
        }
    });
    for (const std::exception_ptr& error : errors)
        if (error) std::rethrow_exception(error);

    std::tuple<std::vector<TrainedModel<Models>>...> results;
    [&]<std::size_t... C>(std::index_sequence<C...>) {
        (
            [&] {
                auto& out = std::get<C>(results);
                out.reserve(std::get<C>(slots).size());
                for (auto& slot : std::get<C>(slots)) out.push_back(std::move(*slot));
            }(),
            ...);
    }(Indices{});
    return results;
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
