// tms::experiments::run_pentagon_perturbation: every claim fails on the untrained control (the initial weights), and a
// missing factor is a failing claim, not a crash. The trained run and the wrong-data control are checked end to end
// by reproduce.quick (tests/reproduce/check_quick.py).
#include <doctest/doctest.h>

#include <tms/experiments/pentagon_perturbation.hpp>

#include "../support/claim_checks.hpp"

namespace ex = tms::experiments;

TEST_CASE("pentagon_perturbation: every claim fails on untrained weights, and says what it measured") {
    ex::Settings settings;
    settings.control = ex::Control::untrained;
    const auto claims = ex::claims(ex::run_pentagon_perturbation(ex::PentagonPerturbationConfig{}, settings));
    REQUIRE(claims.size() == 3);
    tms_test::check_every_claim_fails(claims, "pentagon_perturbation.");
}

TEST_CASE("pentagon_perturbation: a factor the claims read but the run lacks gives a failing claim") {
    ex::PentagonPerturbationConfig config;
    config.sparsity_factors = {1.0};
    ex::Settings settings;
    settings.control = ex::Control::untrained;
    const auto claims = ex::claims(ex::run_pentagon_perturbation(config, settings));
    REQUIRE(claims.size() == 3);
    CHECK(claims[1].measured == "not run");
    CHECK_FALSE(claims[1].holds);
    CHECK_FALSE(claims[2].holds);
}
