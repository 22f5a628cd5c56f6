// tms::effective_weights: W for the tied models, W1 rows scaled by W2 column norms for the abs-value model, so the
// analyses are invariant under the untied model's rescaling symmetry.
#include <doctest/doctest.h>

#include <tms/analysis/effective_weights.hpp>
#include <tms/analysis/extra_feature_phase.hpp>
#include <tms/analysis/feature_angles.hpp>
#include <tms/analysis/feature_norms.hpp>
#include <tms/analysis/neurons.hpp>
#include <tms/analysis/set_interference.hpp>
#include <tms/models/abs_value_model.hpp>
#include <tms/models/initialization.hpp>
#include <tms/models/relu_hidden_model.hpp>

TEST_CASE("the tied models' effective weights are W") {
    tms::ReluHiddenModel<double> model(6, 3);
    tms::initialize(model, 4);
    CHECK(tms::effective_weights(model) == model.W());
}

TEST_CASE("the abs-value model's effective weights scale row j of W1 by the norm of column j of W2") {
    Eigen::MatrixXd w1(2, 3), w2(3, 2);
    w1 << 1, 2, 3,  //
        4, 5, 6;
    w2 << 3, 0,  //
        4, 0,    //
        0, 0.5;
    const Eigen::MatrixXd effective = tms::effective_weights(w1, w2);
    CHECK(effective.row(0).isApprox(5.0 * w1.row(0)));
    CHECK(effective.row(1).isApprox(0.5 * w1.row(1)));
    CHECK_THROWS_WITH_AS((void)tms::effective_weights(w1, Eigen::MatrixXd(2, 3)), doctest::Contains("features x hidden"),
                         std::invalid_argument);
}

TEST_CASE("represented features, norms and neuron kinds of the abs-value model survive the rescaling symmetry") {
    tms::AbsValueModel<double> model(12, 5);
    tms::initialize(model, 7);
    model.W1() *= 0.6;  // some features represented, some not, so the counts are not trivial
    const auto norms = tms::feature_norms(model);
    const Eigen::Index represented = tms::represented_features(model);
    const tms::NeuronCounts neurons = tms::count_neurons(model);
    CHECK(represented > 0);
    CHECK(represented < 12);
    // Row j of W1 times c > 0 and column j of W2 divided by c compute the same function.
    const double factors[] = {0.01, 3.0, 0.2, 50.0, 1.5};
    for (Eigen::Index j = 0; j < 5; ++j) {
        model.W1().row(j) *= factors[j];
        model.W2().col(j) /= factors[j];
    }
    CHECK(tms::feature_norms(model).isApprox(norms));
    CHECK(tms::represented_features(model) == represented);
    CHECK(tms::count_neurons(model) == neurons);
    // W1 alone would have changed: the invariance is the effective weights' doing.
    CHECK(tms::represented_features(model.W1()) != represented);
}

TEST_CASE("the geometric analyses of the abs-value model survive the rescaling symmetry too") {
    tms::AbsValueModel<double> model(6, 2);
    tms::initialize(model, 3);
    const tms::AngleStructure angles = tms::angle_structure(model, 0.3);
    const auto sets = tms::repeated_feature_sets(1, 2, tms::SetCorrelation::anticorrelated, 0.1);
    const tms::SetInterference interference = tms::set_interference(model, sets, 0.1);
    const tms::ExtraFeaturePhase phase = tms::classify_extra_feature(model, 5);
    REQUIRE(angles.represented() > 0);
    REQUIRE(interference.with_independent.pairs > 0);
    model.W1().row(0) *= 0.05;
    model.W2().col(0) /= 0.05;
    model.W1().row(1) *= 20.0;
    model.W2().col(1) /= 20.0;
    const tms::AngleStructure rescaled = tms::angle_structure(model, 0.3);
    CHECK(rescaled.order == angles.order);
    CHECK(rescaled.antipodal_pairs == angles.antipodal_pairs);
    for (std::size_t k = 0; k < angles.gaps.size(); ++k) CHECK(rescaled.gaps[k] == doctest::Approx(angles.gaps[k]));
    CHECK(tms::set_interference(model, sets, 0.1).with_independent.pairs == interference.with_independent.pairs);
    CHECK(tms::set_interference(model, sets, 0.1).with_independent.mean_cosine ==
          doctest::Approx(interference.with_independent.mean_cosine));
    CHECK(tms::classify_extra_feature(model, 5) == phase);
    // W1 alone changes its angles under the same rescaling.
    CHECK(tms::angle_structure(model.W1(), 0.3).order != angles.order);
}
