// tms::experiments::run_basic_results: every claim fails on the untrained control (the initial weights). The trained run and
// the wrong-data control are checked end to end by reproduce.quick (tests/reproduce/check_quick.py).
#include <doctest/doctest.h>

#include <tms/experiments/basic_results.hpp>

#include "../support/claim_checks.hpp"

namespace ex = tms::experiments;

TEST_CASE("basic_results: every claim fails on untrained weights, and says what it measured") {
    ex::Settings settings;
    settings.control = ex::Control::untrained;
    const auto claims = ex::claims(ex::run_basic_results(ex::BasicResultsConfig{}, settings));
    REQUIRE_FALSE(claims.empty());
    tms_test::check_every_claim_fails(claims, "basic_results.");
}
