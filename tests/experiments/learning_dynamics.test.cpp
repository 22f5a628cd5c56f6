// tms::experiments::dimensionality_jumps on made-up trajectories (a jump, its loss, and what is not one: levels too
// close, a slow drift, a short visit, a feature that stops being represented), and run_learning_dynamics: every
// claim fails on the untrained and the wrong-data controls and holds on four trained seeds.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include <tms/experiments/learning_dynamics.hpp>

#include "../support/claim_checks.hpp"

namespace ex = tms::experiments;

namespace {

/// One feature's D over steps 0, 10, …, 2000: \p from up to step \p leave, a linear move, \p to from step \p arrive;
/// the loss halves halfway through the move.
struct Trajectory {
    std::vector<std::int64_t> steps;
    Eigen::MatrixXd dimensionality;
    std::vector<double> loss;
};

Trajectory trajectory(double from, std::int64_t leave, double to, std::int64_t arrive) {
    Trajectory t;
    for (std::int64_t s = 0; s <= 2000; s += 10) t.steps.push_back(s);
    t.dimensionality.resize(static_cast<Eigen::Index>(t.steps.size()), 1);
    for (std::size_t k = 0; k < t.steps.size(); ++k) {
        const double s = static_cast<double>(t.steps[k]);
        const double d = s <= static_cast<double>(leave) ? from
                         : s >= static_cast<double>(arrive)
                             ? to
                             : from + (to - from) * (s - static_cast<double>(leave)) / static_cast<double>(arrive - leave);
        t.dimensionality(static_cast<Eigen::Index>(k), 0) = d;
        t.loss.push_back(s < static_cast<double>(leave + arrive) / 2 ? 2.0 : 1.0);  // halves halfway through the move
    }
    t.loss.front() = std::nan("");
    return t;
}

}  // namespace

TEST_CASE("dimensionality_jumps: a dwell at 1/2, a quick move, a dwell at 2/5 is one jump with its loss") {
    const Trajectory t = trajectory(0.5, 800, 0.4, 1000);
    const auto jumps = ex::dimensionality_jumps(t.dimensionality, t.steps, t.loss, ex::LearningDynamicsConfig{});
    REQUIRE(jumps.size() == 1);
    CHECK(jumps[0].feature == 0);
    CHECK(jumps[0].from_level == 0.5);
    CHECK(jumps[0].to_level == 0.4);
    CHECK(jumps[0].from_first == 0);
    // Within 0.02 of 1/2 until D < 0.48 (20% of the way, step 840), of 2/5 from D ≤ 0.42 (80%, step 960); the
    // snapshot on each boundary may fall either side in floating point.
    CHECK(jumps[0].from_last >= 830);
    CHECK(jumps[0].from_last <= 840);
    CHECK(jumps[0].to_first >= 960);
    CHECK(jumps[0].to_first <= 970);
    CHECK(jumps[0].to_last == 2000);
    CHECK(jumps[0].loss_before == doctest::Approx(2.0));
    CHECK(jumps[0].loss_after == doctest::Approx(1.0));
    CHECK(jumps[0].loss_dwell_start == doctest::Approx(2.0));
}

TEST_CASE("dimensionality_jumps: close levels, a slow drift, a short visit and an unrepresented stretch are no jump") {
    const ex::LearningDynamicsConfig config;
    // 2/5 to 3/8 are 0.025 apart, under min_level_change.
    const Trajectory close = trajectory(0.4, 800, 0.375, 900);
    CHECK(ex::dimensionality_jumps(close.dimensionality, close.steps, close.loss, config).empty());
    // The same levels as a jump, but the move takes 1000 steps (more than max_transition_steps).
    const Trajectory slow = trajectory(0.5, 500, 0.4, 1500);
    CHECK(ex::dimensionality_jumps(slow.dimensionality, slow.steps, slow.loss, config).empty());
    // At 1/2 only until step 200: a dwell shorter than dwell_steps.
    const Trajectory brief = trajectory(0.5, 200, 0.4, 300);
    CHECK(ex::dimensionality_jumps(brief.dimensionality, brief.steps, brief.loss, config).empty());
    // Not represented (NaN) for most of the first level: too short a dwell again.
    Trajectory gone = trajectory(0.5, 800, 0.4, 1000);
    for (Eigen::Index k = 0; k < 70; ++k) gone.dimensionality(k, 0) = std::nan("");
    CHECK(ex::dimensionality_jumps(gone.dimensionality, gone.steps, gone.loss, config).empty());
    // Sizes that do not match are an error, not a guess.
    CHECK_THROWS_AS((void)ex::dimensionality_jumps(gone.dimensionality, {0, 10}, {}, config), std::invalid_argument);
}

TEST_CASE("learning_dynamics: every claim fails on untrained weights and on dense data, and holds on trained seeds") {
    ex::LearningDynamicsConfig config;
    config.seeds = 4;
    ex::Settings settings;
    settings.control = ex::Control::untrained;
    const ex::LearningDynamicsResults untrained = ex::run_learning_dynamics(config, settings);
    REQUIRE(untrained.runs.size() == 1);
    CHECK(untrained.runs[0].steps == std::vector<std::int64_t>{0});
    const auto untrained_claims = ex::claims(untrained);
    REQUIRE(untrained_claims.size() == 2);
    tms_test::check_every_claim_fails(untrained_claims, "learning_dynamics.");

    settings.control = ex::Control::wrong_data;
    tms_test::check_every_claim_fails(ex::claims(ex::run_learning_dynamics(config, settings)), "learning_dynamics.");

    settings.control = ex::Control::none;
    const ex::LearningDynamicsResults trained = ex::run_learning_dynamics(config, settings);
    REQUIRE(trained.runs.size() == 4);
    CHECK(trained.runs[0].steps.size() == 1001);  // steps 0, 10, …, 10,000
    CHECK(trained.runs[0].weights.size() == 1001);
    for (const ex::Claim& claim : ex::claims(trained)) {
        CAPTURE(claim.id);
        CAPTURE(claim.measured);
        CHECK(claim.holds);
    }
    // The run the figure shows has a jump, and its weights end as a pentagon: every D_i at 2/5.
    const ex::LearningDynamicsRun* shown = trained.showcase();
    REQUIRE(shown != nullptr);
    CHECK_FALSE(shown->jumps.empty());
    const Eigen::RowVectorXd last = shown->dimensionality.bottomRows(1);
    for (Eigen::Index i = 0; i < last.size(); ++i) CHECK(last[i] == doctest::Approx(0.4).epsilon(0.05));
}
