#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include <tms/sweep/pruned_best_of.hpp>

namespace {
std::vector<tms::ModelConfig> seeds(const char* model, std::size_t count, std::int64_t steps) {
    std::vector<tms::ModelConfig> configs;
    for (std::size_t s = 0; s < count; ++s) {
        tms::ModelConfig config;
        config.model = model;
        config.features = 6;
        config.hidden = 3;
        config.importance = 0.8;
        config.probability = 0.2;
        config.steps = steps;
        config.batch_size = 128;
        config.seed = s;
        configs.push_back(config);
    }
    return configs;
}

std::size_t lowest(const std::vector<tms::SweepResult>& results) {
    return static_cast<std::size_t>(
        std::min_element(results.begin(), results.end(),
                         [](const auto& a, const auto& b) { return a.final_loss < b.final_loss; }) -
        results.begin());
}
}  // namespace

TEST_CASE("cut_steps spaces the cuts geometrically from first_cut to the end") {
    CHECK(tms::cut_steps(10'000, {0.1, 2, 0.25}) == std::vector<std::int64_t>{1000, 3162});
    CHECK(tms::cut_steps(10'000, {0.1, 1, 0.25}) == std::vector<std::int64_t>{1000});
    CHECK(tms::cut_steps(1000, {0.01, 3, 0.5}) == std::vector<std::int64_t>{10, 46, 215});
    CHECK(tms::cut_steps(3, {0.1, 4, 0.5}) == std::vector<std::int64_t>{1, 2});  // 0, 1, 1, 2: step 0 and the
                                                                                   // repeated 1 dropped
    CHECK(tms::cut_steps(1, {0.1, 2, 0.5}).empty());                               // no step to cut before
    CHECK(tms::survivors(1000, {0.1, 2, 0.25}) == 250);
    CHECK(tms::survivors(3, {0.1, 2, 0.25}) == 1);
    CHECK(tms::survivors(1, {0.1, 2, 0.01}) == 1);
}

TEST_CASE("pruned_best_of rejects a bad schedule and mixed candidates, naming the field") {
    const auto configs = seeds("relu_hidden", 4, 50);
    CHECK_THROWS_WITH_AS(tms::pruned_best_of(configs, {1.0, 2, 0.25}), doctest::Contains("first_cut"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(tms::pruned_best_of(configs, {0.1, 0, 0.25}), doctest::Contains("cuts"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(tms::pruned_best_of(configs, {0.1, 2, 0.0}), doctest::Contains("keep"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(tms::pruned_best_of({}), doctest::Contains("no candidates"), std::invalid_argument);
    auto mixed = configs;
    mixed[1].model = "relu_output";
    CHECK_THROWS_WITH_AS(tms::pruned_best_of(mixed), doctest::Contains("same model kind"), std::invalid_argument);
    mixed = configs;
    mixed[2].steps = 60;
    CHECK_THROWS_AS(tms::pruned_best_of(mixed), std::invalid_argument);
}

TEST_CASE("keeping every candidate is the paper's best-of: the same winner, bit for bit") {
    // With keep = 1 nobody is cut, so stopping at the cuts and continuing must train exactly as run_config.
    const auto configs = seeds("relu_hidden", 6, 300);
    std::vector<tms::SweepResult> full;
    for (const auto& c : configs) full.push_back(tms::run_config(c));
    const tms::SweepResult& expected = full[lowest(full)];
    const tms::PrunedBestOf pruned = tms::pruned_best_of(configs, {0.1, 2, 1.0}, 2);
    CHECK(pruned.best.config.seed == expected.config.seed);
    CHECK(pruned.best.W == expected.W);
    CHECK(pruned.best.b == expected.b);
    CHECK(pruned.best.steps_completed == 300);
    CHECK(pruned.best.represented == expected.represented);
    CHECK(pruned.best.final_loss == doctest::Approx(expected.final_loss).epsilon(1e-9));
    CHECK(pruned.best.converged == expected.converged);
    CHECK(pruned.trained_steps == pruned.full_steps);
    CHECK(pruned.full_steps == 6 * 300);
}

TEST_CASE("pruning trains fewer steps, and the winner is a candidate trained to the end exactly as run_config") {
    const auto configs = seeds("relu_output", 8, 400);
    // Cuts at 40 and 126 steps; 8 → 2 → 1 candidates: 8·40 + 2·86 + 1·274 steps.
    const tms::PrunedBestOf pruned = tms::pruned_best_of(configs, {0.1, 2, 0.25}, 1);
    CHECK(pruned.trained_steps == 8 * 40 + 2 * 86 + 1 * 274);
    CHECK(pruned.full_steps == 8 * 400);
    const tms::SweepResult again = tms::run_config(configs[static_cast<std::size_t>(pruned.best.config.seed)]);
    CHECK(pruned.best.W == again.W);
    CHECK(pruned.best.steps_completed == 400);
    // Thread count does not change the outcome.
    const tms::PrunedBestOf two = tms::pruned_best_of(configs, {0.1, 2, 0.25}, 2);
    CHECK(two.best.config.seed == pruned.best.config.seed);
    CHECK(two.best.W == pruned.best.W);
}

TEST_CASE("pruning keeps the lowest losses at a cut: a diverging candidate never wins") {
    auto configs = seeds("relu_output", 4, 200);
    configs[0].learning_rate = 1e30;  // diverges within the first cut
    configs[0].optimizer = tms::SgdOptions{};
    const tms::PrunedBestOf pruned = tms::pruned_best_of(configs, {0.2, 1, 0.5}, 1);
    CHECK(pruned.best.config.seed != 0);
    CHECK_FALSE(pruned.best.diverged);
    CHECK(std::isfinite(pruned.best.final_loss));
    // A cut at step 40 keeping 2 of 4: without the divergence 4·40 + 2·160 steps; seed 0 stopped before step 40.
    CHECK(pruned.trained_steps >= 3 * 40 + 2 * 160);
    CHECK(pruned.trained_steps < 4 * 40 + 2 * 160);
}

TEST_CASE("progress counts every candidate-stage once") {
    const auto configs = seeds("relu_output", 8, 100);
    std::size_t calls = 0, last_total = 0, last_done = 0;
    (void)tms::pruned_best_of(configs, {0.1, 2, 0.25}, 2, [&](std::size_t done, std::size_t total) {
        ++calls;
        last_done = done;
        last_total = total;
    });
    CHECK(last_total == 8 + 2 + 1);
    CHECK(calls == last_total);
    CHECK(last_done == last_total);
}
