// tms::find_asymmetric_superposition: the excerpt's motif in constructed weights, its rescaling invariance, and
// no false positives on initial weights or on a monosemantic layer.
#include <doctest/doctest.h>

#include <vector>

#include <tms/analysis/asymmetric_superposition.hpp>
#include <tms/models/abs_value_model.hpp>
#include <tms/models/initialization.hpp>

namespace {

/// Features s = 0 (strong) and w = 1 (weak) stored in neuron 0 as W1 = [2, −½] with output weights [½, 2]; neuron 1
/// fires on s and inhibits w's output; neuron 2 is an ordinary absolute-value neuron for feature 2.
tms::AbsValueModel<double> motif_model() {
    tms::AbsValueModel<double> model(3, 3);
    model.W1() << 2.0, -0.5, 0.0,  //
        0.4, 0.0, 0.0,             //
        0.0, 0.0, 1.0;
    model.W2() << 0.5, 0.0, 0.0,  //
        2.0, -5.0, 0.0,           //
        0.0, 0.0, 1.0;
    return model;
}

}  // namespace

TEST_CASE("the excerpt's motif is found with its neurons, features, ratios and inhibition") {
    const auto found = tms::find_asymmetric_superposition(motif_model());
    REQUIRE(found.size() == 1);
    CHECK(found[0].neuron == 0);
    CHECK(found[0].strong_feature == 0);
    CHECK(found[0].weak_feature == 1);
    CHECK(found[0].inhibitor == 1);
    CHECK(found[0].input_ratio == doctest::Approx(4.0));
    CHECK(found[0].output_ratio == doctest::Approx(4.0));
    CHECK(found[0].interference == doctest::Approx(4.0));      // 2 · 2
    CHECK(found[0].inhibition == doctest::Approx(0.5));        // 5 · 0.4 / 4
}

TEST_CASE("each part of the motif is required") {
    tms::AbsValueModel<double> model = motif_model();
    model.W2()(1, 1) = -1.0;  // the inhibitor cancels only 10% of the interference
    CHECK(tms::find_asymmetric_superposition(model).empty());
    model = motif_model();
    model.W2()(0, 0) = 2.0;  // symmetric output weights: ordinary superposition, not asymmetric
    CHECK(tms::find_asymmetric_superposition(model).empty());
    model = motif_model();
    model.W1()(1, 0) = -0.4;  // the would-be inhibitor fires on the other sign of s
    CHECK(tms::find_asymmetric_superposition(model).empty());
}

TEST_CASE("the rescaling symmetry changes nothing") {
    tms::AbsValueModel<double> model = motif_model();
    const double factors[] = {10.0, 0.1, 3.0};
    for (Eigen::Index j = 0; j < 3; ++j) {
        model.W1().row(j) *= factors[j];
        model.W2().col(j) /= factors[j];
    }
    const auto found = tms::find_asymmetric_superposition(model);
    REQUIRE(found.size() == 1);
    CHECK(found[0].inhibition == doctest::Approx(0.5));
}

TEST_CASE("no motif in initial weights or in a monosemantic layer") {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        tms::AbsValueModel<float> model(100, 40);
        tms::initialize(model, seed);
        CHECK(tms::find_asymmetric_superposition(model).empty());
    }
    tms::AbsValueModel<double> mono(4, 8);
    mono.W1().setZero();
    mono.W2().setZero();
    for (Eigen::Index i = 0; i < 4; ++i) {
        mono.W1()(2 * i, i) = 1.0;
        mono.W1()(2 * i + 1, i) = -1.0;
        mono.W2()(i, 2 * i) = mono.W2()(i, 2 * i + 1) = 1.0;
    }
    CHECK(tms::find_asymmetric_superposition(mono).empty());
    CHECK_THROWS_AS((void)tms::find_asymmetric_superposition(Eigen::MatrixXd(2, 3), Eigen::MatrixXd(2, 3)),
                    std::invalid_argument);
}
