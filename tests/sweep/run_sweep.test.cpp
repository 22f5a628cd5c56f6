#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <tms/sweep/run_sweep.hpp>

namespace {
std::vector<tms::ModelConfig> small_configs() {
    tms::SweepGrid grid;
    grid.base.features = 6;
    grid.base.hidden = 2;
    grid.base.steps = 60;
    grid.base.batch_size = 128;
    grid.models = {"linear", "relu_output", "relu_hidden", "abs_value"};
    grid.probabilities = {0.3};
    grid.seeds = {0, 1};
    return grid.expand();
}

std::map<tms::Index, tms::SweepResult> run(const std::vector<tms::ModelConfig>& configs, unsigned threads) {
    std::map<tms::Index, tms::SweepResult> results;
    const std::thread::id caller = std::this_thread::get_id();
    tms::run_sweep(configs, threads, [&](tms::Index index, const tms::SweepResult& result) {
        CHECK(std::this_thread::get_id() == caller);  // the single writer is the calling thread
        CHECK(results.emplace(index, result).second);  // each config reported once
    });
    return results;
}
}  // namespace

TEST_CASE("run_config fills weights and analyses with the model's shapes") {
    const auto configs = small_configs();
    const tms::SweepResult relu = tms::run_config(configs[2]);
    CHECK(relu.W.rows() == 2);
    CHECK(relu.W.cols() == 6);
    CHECK(relu.W2.size() == 0);
    CHECK(relu.b.size() == 6);
    CHECK(relu.feature_norms.size() == 6);
    CHECK(relu.superposition.size() == 6);
    CHECK(relu.steps_completed == 60);
    CHECK(relu.final_loss > 0.0);
    CHECK_FALSE(relu.diverged);
    CHECK(relu.neurons.dead + relu.neurons.monosemantic + relu.neurons.polysemantic == 2);
    const tms::SweepResult abs = tms::run_config(configs[6]);
    REQUIRE(abs.config.model == "abs_value");
    CHECK(abs.W2.rows() == 6);
    CHECK(abs.W2.cols() == 2);
}

TEST_CASE("run_config trains a config with feature sets on CorrelatedFeatureSampler's data") {
    tms::ModelConfig config = small_configs()[2];  // relu_output, n = 6, m = 2
    config.feature_sets = {{tms::SetCorrelation::correlated, 2, 0.3}, {tms::SetCorrelation::anticorrelated, 2, 0.2}};
    const tms::SweepResult result = tms::run_config(config);
    // The same training by hand: the sets, then the two independent features at the config's probability.
    tms::ReluOutputModel<float> model(6, 2);
    tms::initialize(model, config.seed);
    const tms::CorrelatedFeatureSampler<float> data(config.feature_sets, 2, 0.3);
    tms::TrainOptions options = config.train_options();
    options.log_every = 1;
    (void)tms::train(model, data, Eigen::VectorXf::Ones(6), options);
    CHECK(result.W == model.W());
    CHECK(result.b == model.b());
    // and not what independent features would have trained.
    tms::ModelConfig independent = config;
    independent.feature_sets.clear();
    CHECK(tms::run_config(independent).W != result.W);
}

TEST_CASE("run_config records a divergence instead of throwing") {
    tms::ModelConfig config = small_configs()[2];
    config.learning_rate = 1e30;
    config.optimizer = tms::SgdOptions{};
    const tms::SweepResult result = tms::run_config(config);
    CHECK(result.diverged);
    CHECK(result.error.find("diverged") != std::string::npos);
    CHECK(result.final_loss != result.final_loss);  // NaN
    CHECK(result.W.allFinite());
    // steps_completed agrees with the step the message names (it was 0 whatever the step).
    // Steps count from 1 in the message: the failing one is steps_completed + 1.
    const std::string at = "diverged at step " + std::to_string(result.steps_completed + 1) + " (after " +
                           std::to_string(result.steps_completed) + " completed)";
    CHECK_MESSAGE(result.error.find(at) != std::string::npos, result.error);

    config.learning_rate = 1e8;
    config.optimizer = tms::AdamOptions{};
    const tms::SweepResult later = tms::run_config(config);
    REQUIRE(later.diverged);
    CHECK(later.steps_completed > 0);
    CHECK_MESSAGE(later.error.find("diverged at step " + std::to_string(later.steps_completed + 1) + " ") !=
                      std::string::npos,
                  later.error);
}

TEST_CASE("run_sweep gives bitwise the same results on 1 and 2 threads") {
    const auto configs = small_configs();
    const auto one = run(configs, 1);
    const auto two = run(configs, 2);
    REQUIRE(one.size() == configs.size());
    REQUIRE(two.size() == configs.size());
    for (const auto& [index, a] : one) {
        const tms::SweepResult& b = two.at(index);
        CHECK(a.config.id() == configs[static_cast<std::size_t>(index)].id());
        CHECK(a.final_loss == b.final_loss);
        CHECK(a.W == b.W);
        CHECK(a.W2 == b.W2);
        CHECK(a.b == b.b);
        CHECK(a.represented == b.represented);
    }
}

TEST_CASE("run_sweep runs only the given indices") {
    const auto configs = small_configs();
    const std::vector<tms::Index> indices = {5, 1};
    std::vector<tms::Index> seen;
    tms::run_sweep(configs, std::span<const tms::Index>(indices), 2,
                   [&](tms::Index index, const tms::SweepResult&) { seen.push_back(index); });
    std::sort(seen.begin(), seen.end());
    CHECK(seen == std::vector<tms::Index>{1, 5});
    const std::vector<tms::Index> bad = {8};
    CHECK_THROWS_WITH_AS(tms::run_sweep(configs, std::span<const tms::Index>(bad), 1,
                                        [](tms::Index, const tms::SweepResult&) {}),
                         "sweep index 8 is outside the 8 configs", std::invalid_argument);
}

TEST_CASE("an exception from the writer stops the sweep and propagates") {
    const auto configs = small_configs();
    int calls = 0;
    CHECK_THROWS_WITH(tms::run_sweep(configs, 2,
                                     [&](tms::Index, const tms::SweepResult&) {
                                         ++calls;
                                         throw std::runtime_error("disk full");
                                     }),
                      "disk full");
    CHECK(calls == 1);
}
