// tms::neuron_feature_counts, classify_neurons, count_neurons on constructed weights.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <tms/analysis/neurons.hpp>
#include <tms/models/abs_value_model.hpp>
#include <tms/models/relu_hidden_model.hpp>

namespace {

/// Row 0 dead, row 1 monosemantic (feature 2), row 2 polysemantic (features 0 and 3), row 3 monosemantic with
/// small weights below 20% of the largest.
Eigen::MatrixXd constructed() {
    Eigen::MatrixXd w(4, 4);
    w << 0, 0, 0, 0,           //
        0.05, 0, 1.0, 0.1,     //
        -0.9, 0, 0.1, 0.5,     //
        0, 0.19, 0.3, 0;
    return w;
}

}  // namespace

TEST_CASE("neuron_feature_counts counts |W_ji| ≥ threshold · max|W| per neuron") {
    const std::vector<Eigen::Index> counts = tms::neuron_feature_counts(constructed());
    CHECK(counts == std::vector<Eigen::Index>{0, 1, 2, 1});
    // The threshold is relative: scaling W changes nothing.
    CHECK(tms::neuron_feature_counts(Eigen::MatrixXd(1000 * constructed())) == counts);
    // A lower threshold picks up the smaller weights.
    CHECK(tms::neuron_feature_counts(constructed(), 0.1) == std::vector<Eigen::Index>{0, 2, 3, 2});
    CHECK(tms::neuron_feature_counts(constructed(), 1.0) == std::vector<Eigen::Index>{0, 1, 0, 0});
}

TEST_CASE("classify_neurons and count_neurons: dead, monosemantic, polysemantic") {
    const std::vector<tms::NeuronKind> kinds = tms::classify_neurons(constructed());
    CHECK(kinds == std::vector<tms::NeuronKind>{tms::NeuronKind::dead, tms::NeuronKind::monosemantic,
                                                tms::NeuronKind::polysemantic, tms::NeuronKind::monosemantic});
    const tms::NeuronCounts counts = tms::count_neurons(constructed());
    CHECK(counts.dead == 1);
    CHECK(counts.monosemantic == 2);
    CHECK(counts.polysemantic == 1);
    CHECK(std::string(tms::to_string(tms::NeuronKind::dead)) == "dead");
    CHECK(std::string(tms::to_string(tms::NeuronKind::monosemantic)) == "monosemantic");
    CHECK(std::string(tms::to_string(tms::NeuronKind::polysemantic)) == "polysemantic");
}

TEST_CASE("an all-zero W has only dead neurons") {
    const tms::NeuronCounts counts = tms::count_neurons(Eigen::MatrixXd::Zero(3, 5));
    CHECK(counts.dead == 3);
    CHECK(counts.monosemantic == 0);
    CHECK(counts.polysemantic == 0);
}

TEST_CASE("count_neurons of a model reads W (or W1)") {
    tms::ReluHiddenModel<float> model(4, 4);
    model.W() = constructed().cast<float>();
    const tms::NeuronCounts counts = tms::count_neurons(model);
    CHECK(counts.dead == 1);
    CHECK(counts.monosemantic == 2);
    CHECK(counts.polysemantic == 1);

    tms::AbsValueModel<double> abs(4, 4);
    abs.W1() = constructed();
    abs.W2().setConstant(5.0);
    CHECK(tms::count_neurons(abs).polysemantic == 1);
}

TEST_CASE("a threshold outside (0, 1] throws naming it") {
    CHECK_THROWS_WITH_AS((void)tms::neuron_feature_counts(constructed(), 1.5), doctest::Contains("got 1.5"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tms::classify_neurons(constructed(), 0.0), doctest::Contains("got 0"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tms::count_neurons(constructed(), -0.5), doctest::Contains("got -0.5"),
                         std::invalid_argument);
}
