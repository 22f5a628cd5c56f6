// tms::experiments::run_phase_diagram: the grid is log-spaced with r = 1 off it, the agreement counts cells, and every
// claim fails on the untrained control (the initial weights). The trained run and the wrong-data control are
// checked end to end by reproduce.quick (tests/reproduce/check_quick.py).
#include <doctest/doctest.h>

#include <cmath>

#include <tms/experiments/phase_diagram.hpp>

#include "../support/claim_checks.hpp"

namespace ex = tms::experiments;

TEST_CASE("phase_diagram: log-spaced axes from end to end; an even count keeps r = 1 off the grid") {
    const std::vector<double> r = ex::log_spaced(0.1, 10.0, 6);
    REQUIRE(r.size() == 6);
    CHECK(r.front() == doctest::Approx(0.1));
    CHECK(r.back() == doctest::Approx(10.0));
    CHECK(r[1] / r[0] == doctest::Approx(r[5] / r[4]));
    for (const double value : r) CHECK(std::abs(std::log10(value)) > 0.1);
    CHECK(ex::log_spaced(0.01, 1.0, 1) == std::vector<double>{0.01});
}

TEST_CASE("phase_diagram: the agreement is the fraction of cells whose phase equals the analytic one") {
    ex::PhaseDiagram d;
    d.extra_importances = {0.1, 10.0};
    d.densities = {1.0};
    ex::PhaseCell ignore, dedicate;
    ignore.extra_importance = 0.1;
    ignore.point.probability = 1.0;
    ignore.phase = tms::ExtraFeaturePhase::ignore_extra;  // analytic: ignore
    dedicate.extra_importance = 10.0;
    dedicate.point.probability = 1.0;
    dedicate.phase = tms::ExtraFeaturePhase::superposition;  // analytic: dedicate
    d.cells = {ignore, dedicate};
    CHECK(ex::analytic_agreement(d) == doctest::Approx(0.5));
}

TEST_CASE("phase_diagram: every claim fails on untrained weights, and says what it measured") {
    ex::Settings settings;
    settings.control = ex::Control::untrained;
    const auto claims = ex::claims(ex::run_phase_diagram(ex::PhaseDiagramConfig{}, settings));
    REQUIRE(claims.size() == 2);
    tms_test::check_every_claim_fails(claims, "phase_diagram.");
}
