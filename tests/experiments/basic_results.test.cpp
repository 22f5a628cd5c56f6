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

TEST_CASE("basic_results: the linear claim reads b, not only W") {
    // The linear optimum by hand: features 0…4 on orthonormal axes, b_i = E[x_i] = (1−S)/2 for the others. It holds;
    // the same W with b = 0 (a model that learnt the directions but not the left-out features' means) fails.
    const ex::BasicResultsConfig config;
    const tms::Index n = config.features, m = config.hidden;
    ex::BasicResults results{config, {}, {}};
    for (const double p : config.probabilities) {
        ex::Point point;
        point.probability = p;
        point.model.W = tms::MatrixX<float>::Zero(m, n);
        point.model.W.leftCols(m).setIdentity();
        point.model.b = tms::VectorX<float>::Constant(n, static_cast<float>(p / 2));
        point.model.b.head(m).setZero();
        point.model.feature_norms = point.model.W.colwise().norm().transpose();
        point.model.superposition = tms::VectorX<float>::Zero(n);  // read by the ReLU-output claims
        results.linear.push_back(point);
        results.relu_output.push_back(point);
    }
    const auto linear_features = [](const ex::BasicResults& r) {
        for (const ex::Claim& claim : ex::claims(r))
            if (claim.id == "basic_results.linear_features") return claim;
        FAIL("no basic_results.linear_features claim");
        return ex::Claim{};
    };
    const ex::Claim optimum = linear_features(results);
    CAPTURE(optimum.measured);
    CHECK(optimum.holds);
    CHECK(optimum.text.find("b\u1d62") != std::string::npos);
    for (ex::Point& point : results.linear) point.model.b.setZero();
    const ex::Claim zero_bias = linear_features(results);
    CAPTURE(zero_bias.measured);
    CHECK_FALSE(zero_bias.holds);
    // Within the tolerance (0.2·E[x] + 0.005) it still holds: 1−S = 0.001 with b = 0 is 0.0005 off.
    results.linear.back().model.b.tail(n - m).setZero();
    for (std::size_t k = 0; k + 1 < results.linear.size(); ++k) {
        const double p = results.linear[k].probability;
        results.linear[k].model.b.tail(n - m).setConstant(static_cast<float>(p / 2));
    }
    CHECK(linear_features(results).holds);
}
