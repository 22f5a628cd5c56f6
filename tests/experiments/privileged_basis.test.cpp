// tms::experiments::run_privileged_basis: every claim fails on the untrained control (the initial weights). The trained run and
// the wrong-data control are checked end to end by reproduce.quick (tests/reproduce/check_quick.py).
#include <doctest/doctest.h>

#include <tms/experiments/privileged_basis.hpp>

#include "../support/claim_checks.hpp"

namespace ex = tms::experiments;

TEST_CASE("privileged_basis: every claim fails on untrained weights, and says what it measured") {
    ex::Settings settings;
    settings.control = ex::Control::untrained;
    const auto claims = ex::claims(ex::run_privileged_basis(ex::PrivilegedBasisConfig{}, settings));
    REQUIRE_FALSE(claims.empty());
    tms_test::check_every_claim_fails(claims, "relu_hidden.");
}

namespace {

tms::SweepResult result_with(const Eigen::MatrixXf& w) {
    tms::SweepResult r;
    r.config.model = "relu_hidden";
    r.W = w;
    r.b = Eigen::VectorXf::Zero(w.cols());
    r.feature_norms = w.colwise().norm().transpose();
    r.converged = true;
    return r;
}

}  // namespace

TEST_CASE("the six-features-in-four-neurons model is the excerpt's regime at 1-S = 0.12: (7, 1, 4)") {
    Eigen::MatrixXf w(5, 10);
    w << 0.02f, 0.58f, 0.56f, -0.89f, 0.95f, -0.24f, -0.19f, -0.00f, 0.05f, 0.05f,  //
        0.02f, 0.57f, 0.55f, 0.96f, -0.85f, -0.23f, -0.18f, -0.01f, 0.04f, 0.06f,   //
        1.01f, -0.02f, -0.01f, -0.01f, -0.01f, 0.00f, 0.00f, 0.01f, 0.01f, 0.00f,   //
        0.01f, -4.68f, 0.45f, 0.12f, 0.12f, 0.10f, 1.03f, 0.21f, 0.01f, 0.02f,      //
        0.01f, 0.48f, -5.23f, 0.11f, 0.11f, 1.04f, 0.09f, 0.03f, 0.01f, 0.01f;
    CHECK(ex::regime_of(result_with(w)) == ex::NeuronRegime{7, 1, 4});

    ex::PrivilegedBasisResults results;
    for (const double p : results.config.probabilities) results.points.push_back({p, result_with(w)});
    const auto claims = ex::claims(results);
    REQUIRE(claims.size() == 6);
    CHECK(claims[3].id == "relu_hidden.regime_0.12");
    CHECK(claims[3].holds);
    for (const std::size_t k : {0u, 1u, 2u, 4u, 5u}) CHECK_FALSE(claims[k].holds);
}

TEST_CASE("features as pairs of neurons: the 10 pairs of 5 neurons, one per feature") {
    Eigen::MatrixXf w = Eigen::MatrixXf::Zero(5, 10);
    int feature = 0;
    for (int a = 0; a < 5; ++a)
        for (int b = a + 1; b < 5; ++b, ++feature) w(a, feature) = w(b, feature) = 0.8f;
    std::vector<tms::Index> sizes;
    CHECK(ex::features_are_neuron_pairs(w, sizes));
    CHECK(sizes == std::vector<tms::Index>(10, 2));
    w(0, 9) = 0.8f;  // feature 9 now on three neurons
    CHECK_FALSE(ex::features_are_neuron_pairs(w, sizes));
}
