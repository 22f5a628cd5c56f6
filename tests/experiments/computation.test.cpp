// tms::experiments::run_computation: every claim fails on the untrained control (the initial weights). The trained run and
// the wrong-data control are checked end to end by reproduce.quick (tests/reproduce/check_quick.py).
#include <doctest/doctest.h>

#include <tms/experiments/computation.hpp>

#include "../support/claim_checks.hpp"

namespace ex = tms::experiments;

TEST_CASE("computation: every claim fails on untrained weights, and says what it measured") {
    ex::Settings settings;
    settings.control = ex::Control::untrained;
    const auto claims = ex::claims(ex::run_computation(ex::ComputationConfig{}, settings));
    REQUIRE_FALSE(claims.empty());
    tms_test::check_every_claim_fails(claims, "abs_value.");
}
