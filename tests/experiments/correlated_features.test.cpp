// tms::experiments::run_correlated_features: every claim fails on the untrained control (the initial weights), and the
// interference is summarised over the nominal sets. The trained run and the wrong-data control are checked end to
// end by reproduce.quick (tests/reproduce/check_quick.py).
#include <doctest/doctest.h>

#include <tms/experiments/correlated_features.hpp>

#include "../support/claim_checks.hpp"

namespace ex = tms::experiments;

TEST_CASE("correlated_features: every claim fails on untrained weights, and says what it measured") {
    ex::Settings settings;
    settings.control = ex::Control::untrained;
    const ex::CorrelatedFeaturesResults results = ex::run_correlated_features(ex::CorrelatedFeaturesConfig{}, settings);
    CHECK(results.sparse_correlated.sets == tms::repeated_feature_sets(2, 2, tms::SetCorrelation::correlated, 0.05));
    CHECK(results.sparse_anticorrelated.sets ==
          tms::repeated_feature_sets(2, 2, tms::SetCorrelation::anticorrelated, 0.05));
    CHECK(results.dense_correlated.point.probability == 0.5);
    CHECK(results.sparse_correlated.point.model.steps_completed == 0);
    const auto claims = ex::claims(results);
    REQUIRE(claims.size() == 4);
    tms_test::check_every_claim_fails(claims, "correlated_features.");
}
