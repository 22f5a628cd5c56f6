// tms::neuron_features, neuron_feature_counts, classify_neurons, count_neurons: a feature counts for a neuron
// relative to that neuron's own largest weight and above an absolute floor, by sign on x ≥ 0.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <tms/analysis/neurons.hpp>
#include <tms/models/abs_value_model.hpp>
#include <tms/models/initialization.hpp>
#include <tms/models/relu_hidden_model.hpp>

namespace {

using tms::NeuronKind;

/// The model `tms reproduce` picked at 1−S = 0.12 (issue 11; W is hidden × features, two decimals): one
/// monosemantic neuron (row 2) and four polysemantic ones, the excerpt's "six features in four neurons".
Eigen::MatrixXd six_features_in_four_neurons() {
    Eigen::MatrixXd w(5, 10);
    w << 0.02, 0.58, 0.56, -0.89, 0.95, -0.24, -0.19, -0.00, 0.05, 0.05,  //
        0.02, 0.57, 0.55, 0.96, -0.85, -0.23, -0.18, -0.01, 0.04, 0.06,   //
        1.01, -0.02, -0.01, -0.01, -0.01, 0.00, 0.00, 0.01, 0.01, 0.00,   //
        0.01, -4.68, 0.45, 0.12, 0.12, 0.10, 1.03, 0.21, 0.01, 0.02,      //
        0.01, 0.48, -5.23, 0.11, 0.11, 1.04, 0.09, 0.03, 0.01, 0.01;
    return w;
}

}  // namespace

TEST_CASE("the paper's six-features-in-four-neurons model: 1 monosemantic, 4 polysemantic, 0 dead") {
    const Eigen::MatrixXd w = six_features_in_four_neurons();
    const tms::NeuronCounts counts = tms::count_neurons(w);
    CHECK(counts.monosemantic == 1);
    CHECK(counts.polysemantic == 4);
    CHECK(counts.dead == 0);
    CHECK(tms::classify_neurons(w)[2] == NeuronKind::monosemantic);
    // On x ≥ 0 a neuron stores the features with positive weights: row 3 stores 6, 2 and 7, not the −4.68 of 1.
    CHECK(tms::neuron_features(w)[3] == std::vector<Eigen::Index>{2, 6, 7});
    tms::ReluHiddenModel<double> model(10, 5);
    model.W() = w;
    CHECK(tms::count_neurons(model) == counts);
}

TEST_CASE("a neuron is judged by its own largest weight, not the matrix's") {
    Eigen::MatrixXd w(2, 3);
    w << 10.0, 0, 0,  //
        0.0, 0.3, 0.25;
    // Relative to the matrix's largest weight (10) row 1 would be dead; relative to its own it stores two features.
    CHECK(tms::classify_neurons(w) == std::vector<NeuronKind>{NeuronKind::monosemantic, NeuronKind::polysemantic});
    // And a tenfold larger matrix changes nothing.
    CHECK(tms::classify_neurons(Eigen::MatrixXd(10 * w)) == tms::classify_neurons(w));
}

TEST_CASE("on x ≥ 0 a neuron whose weights are all ≤ 0 cannot fire: dead; on x ∈ [-1, 1] it fires") {
    Eigen::MatrixXd w(1, 3);
    w << -1.0, -0.5, 0.0;
    CHECK(tms::classify_neurons(w) == std::vector<NeuronKind>{NeuronKind::dead});
    tms::NeuronCriteria symmetric;
    symmetric.range = tms::FeatureRange::symmetric;
    CHECK(tms::classify_neurons(w, symmetric) == std::vector<NeuronKind>{NeuronKind::polysemantic});
}

TEST_CASE("weights below the absolute floor are noise, not features") {
    Eigen::MatrixXd w(3, 4);
    w << 0.05, 0.04, 0.06, 0.03,  // initialisation-sized noise: dead, not polysemantic
        1.0, 0.09, 0.0, 0.0,      // the 0.09 is under the floor: monosemantic
        1.0, 0.15, 0.0, 0.0;      // 0.15 is over the floor but under 20% of 1: monosemantic
    CHECK(tms::classify_neurons(w) ==
          std::vector<NeuronKind>{NeuronKind::dead, NeuronKind::monosemantic, NeuronKind::monosemantic});
    tms::NeuronCriteria loose;
    loose.relative_threshold = 0.1;
    CHECK(tms::neuron_feature_counts(w, loose) == std::vector<Eigen::Index>{0, 1, 2});
    loose.absolute_floor = 0.0;
    CHECK(tms::neuron_feature_counts(w, loose) == std::vector<Eigen::Index>{4, 1, 2});
}

TEST_CASE("an all-zero W has only dead neurons") {
    const tms::NeuronCounts counts = tms::count_neurons(Eigen::MatrixXd::Zero(3, 5));
    CHECK(counts.dead == 3);
    CHECK(counts.monosemantic == 0);
    CHECK(counts.polysemantic == 0);
    CHECK(std::string(tms::to_string(NeuronKind::dead)) == "dead");
    CHECK(std::string(tms::to_string(NeuronKind::monosemantic)) == "monosemantic");
    CHECK(std::string(tms::to_string(NeuronKind::polysemantic)) == "polysemantic");
}

TEST_CASE("the abs-value model: either sign counts, and the rescaling symmetry changes no label") {
    tms::AbsValueModel<double> model(4, 3);
    model.W1() << 1.0, -0.9, 0.0, 0.0,  //
        0.0, 0.0, -1.0, 0.0,            //
        0.0, 0.0, 0.0, 0.05;
    model.W2().setConstant(0.5);  // unit column norms
    const std::vector<NeuronKind> kinds = tms::classify_neurons(model);
    CHECK(kinds == std::vector<NeuronKind>{NeuronKind::polysemantic, NeuronKind::monosemantic, NeuronKind::dead});
    // Neuron 2 looks dead; scaling its input weights up and its output weights down is the same function, so it
    // stays dead, and neuron 0 scaled down stays polysemantic.
    model.W1().row(2) *= 100.0;
    model.W2().col(2) /= 100.0;
    model.W1().row(0) *= 0.01;
    model.W2().col(0) *= 100.0;
    CHECK(tms::classify_neurons(model) == kinds);
    CHECK(tms::classify_neurons(model.W1(), tms::criteria_for<tms::AbsValueModel<double>>()) != kinds);
}

TEST_CASE("criteria outside their range throw naming the value") {
    const Eigen::MatrixXd w = six_features_in_four_neurons();
    tms::NeuronCriteria bad;
    bad.relative_threshold = 1.5;
    CHECK_THROWS_WITH_AS((void)tms::neuron_feature_counts(w, bad), doctest::Contains("got 1.5"), std::invalid_argument);
    bad.relative_threshold = 0.0;
    CHECK_THROWS_WITH_AS((void)tms::classify_neurons(w, bad), doctest::Contains("got 0"), std::invalid_argument);
    bad = {};
    bad.absolute_floor = -0.5;
    CHECK_THROWS_WITH_AS((void)tms::count_neurons(w, bad), doctest::Contains("got -0.5"), std::invalid_argument);
}
