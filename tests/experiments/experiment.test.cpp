// tms::experiments::detail::train_points: the paper's best-of and the opt-in pruned one.
#include <doctest/doctest.h>

#include <tms/experiments/experiment.hpp>

namespace ex = tms::experiments;

namespace {
std::vector<ex::Point> points(const ex::Settings& settings) {
    return ex::detail::train_points("test", "relu_hidden", 6, 3, 0.8, {0.1, 0.5}, 8, settings,
                                    [](double p) { return p; });
}
}  // namespace

TEST_CASE("train_points: the paper's best-of trains every seed for all its steps") {
    ex::Settings settings;
    settings.steps = 300;
    settings.threads = 2;
    for (const ex::Point& p : points(settings)) {
        CHECK(p.trained_steps == 8 * 300);
        CHECK(p.model.steps_completed == 300);
    }
    settings.control = ex::Control::untrained;  // one seed, no step
    for (const ex::Point& p : points(settings)) CHECK(p.trained_steps == 0);
}

TEST_CASE("train_points: a pruned best-of trains fewer steps and returns a seed trained as run_config trains it") {
    ex::Settings settings;
    settings.steps = 300;
    settings.threads = 2;
    settings.pruned_best_of = tms::PruneSchedule{};  // cuts at 30 and 95 steps, keeping a quarter: 8 → 2 → 1
    const std::vector<ex::Point> pruned = points(settings);
    REQUIRE(pruned.size() == 2);
    for (const ex::Point& p : pruned) {
        CHECK(p.trained_steps == 8 * 30 + 2 * 65 + 1 * 205);
        CHECK(p.model.steps_completed == 300);
        CHECK(p.model.W == tms::run_config(p.model.config).W);
    }
    CHECK(pruned[0].probability == 0.1);
    CHECK(pruned[1].probability == 0.5);
    CHECK(pruned[0].model.config.probability_vector()[0] == 0.1);
}
