// tms::train_many: mixed kinds and scalars trained in parallel give, in the jobs' order, exactly what tms::train
// gives for each job alone, on any thread count; an invalid job is reported by collection and index.
#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

#include <tms/models/abs_value_model.hpp>
#include <tms/models/initialization.hpp>
#include <tms/models/relu_output_model.hpp>
#include <tms/parallel/train_many.hpp>
#include <tms/sampling/importance.hpp>
#include <tms/sampling/sparse_feature_sampler.hpp>

namespace {
using OutputJob = tms::TrainingJob<tms::ReluOutputModelXf, tms::SparseFeatureSampler<float>>;
using AbsJob = tms::TrainingJob<tms::AbsValueModel<double, 6, 3>, tms::SparseFeatureSampler<double>>;

tms::TrainOptions short_run(std::uint64_t seed) {
    tms::TrainOptions options;
    options.steps = 40;
    options.batch_size = 64;
    options.seed = seed;
    return options;
}

std::vector<OutputJob> output_jobs() {
    std::vector<OutputJob> jobs;
    for (std::uint64_t seed = 0; seed < 3; ++seed) {
        tms::ReluOutputModelXf model(8, 3);
        tms::initialize(model, seed);
        jobs.push_back({model, tms::SparseFeatureSampler<float>(8, 0.1 * static_cast<double>(seed + 1)),
                        tms::geometric_importance<float>(8, 0.9), short_run(seed)});
    }
    return jobs;
}

std::vector<AbsJob> abs_jobs() {
    std::vector<AbsJob> jobs;
    for (std::uint64_t seed = 0; seed < 2; ++seed) {
        tms::AbsValueModel<double, 6, 3> model;
        tms::initialize(model, 10 + seed);
        jobs.push_back({model, tms::SparseFeatureSampler<double>(6, 0.2, tms::FeatureRange::symmetric),
                        tms::uniform_importance<double>(6), short_run(10 + seed)});
    }
    return jobs;
}
}  // namespace

TEST_CASE("train_many trains mixed kinds and scalars in parallel, each exactly as tms::train would, in order") {
    auto [outputs, absolutes] = tms::train_many(2, output_jobs(), abs_jobs());
    REQUIRE(outputs.size() == 3);
    REQUIRE(absolutes.size() == 2);

    std::vector<OutputJob> expected_outputs = output_jobs();
    for (std::size_t k = 0; k < outputs.size(); ++k) {
        OutputJob& job = expected_outputs[k];
        const tms::TrainReport report = tms::train(job.model, job.sampler, job.importance, job.options);
        CHECK(outputs[k].model == job.model);
        CHECK(outputs[k].report.final_loss == report.final_loss);
        CHECK(outputs[k].report.steps_completed == 40);
        CHECK_FALSE(outputs[k].diverged());
    }
    std::vector<AbsJob> expected_abs = abs_jobs();
    for (std::size_t k = 0; k < absolutes.size(); ++k) {
        AbsJob& job = expected_abs[k];
        tms::train(job.model, job.sampler, job.importance, job.options);
        CHECK(absolutes[k].model == job.model);
    }
    // Trained: not the initial weights.
    CHECK_FALSE(outputs[0].model == output_jobs()[0].model);

    auto [serial_outputs, serial_absolutes] = tms::train_many(1, output_jobs(), abs_jobs());
    for (std::size_t k = 0; k < outputs.size(); ++k) CHECK(serial_outputs[k].model == outputs[k].model);
    for (std::size_t k = 0; k < absolutes.size(); ++k) CHECK(serial_absolutes[k].model == absolutes[k].model);
}

TEST_CASE("train_many names the collection and job of an invalid job") {
    std::vector<AbsJob> jobs = abs_jobs();
    jobs[1].options.batch_size = 0;
    CHECK_THROWS_WITH_AS((void)tms::train_many(2, output_jobs(), std::move(jobs)),
                         doctest::Contains("train_many: collection 1, job 1: batch size"), std::invalid_argument);
}
