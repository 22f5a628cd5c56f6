// tms::angle_structure: a regular pentagon, antipodal pairs, unrepresented features (NaN, left out), the wrap at
// 2π, a trained n = 5, m = 2 pentagon (uniform importance, 1 − S = 0.05) against its untrained weights, bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include <tms/analysis/feature_angles.hpp>
#include <tms/models/initialization.hpp>
#include <tms/models/relu_output_model.hpp>
#include <tms/optim/trainer.hpp>
#include <tms/sampling/sparse_feature_sampler.hpp>

namespace {
constexpr double pi = std::numbers::pi;

Eigen::Matrix2Xd directions(std::initializer_list<double> angles, double norm = 1.0) {
    Eigen::Matrix2Xd w(2, static_cast<Eigen::Index>(angles.size()));
    Eigen::Index i = 0;
    for (const double a : angles) w.col(i++) << norm * std::cos(a), norm * std::sin(a);
    return w;
}
}  // namespace

TEST_CASE("a regular pentagon: five gaps of 2π/5, no antipodal pair") {
    const auto w = directions({0.3, 0.3 + 2 * pi / 5, 0.3 + 4 * pi / 5, 0.3 + 6 * pi / 5, 0.3 + 8 * pi / 5});
    const tms::AngleStructure structure = tms::angle_structure(w);
    CHECK(structure.represented() == 5);
    REQUIRE(structure.gaps.size() == 5);
    for (const double gap : structure.gaps) CHECK(gap == doctest::Approx(2 * pi / 5));
    CHECK(structure.max_gap_deviation() < 1e-12);
    CHECK(structure.antipodal_pairs.empty());
    CHECK(structure.angles[0] == doctest::Approx(0.3));
}

TEST_CASE("antipodal pairs are found, each feature in one pair, closest to π first") {
    // Features 0 and 2 are exactly antipodal; 1 and 3 within 0.1 of π; 4 is 0.05 from being antipodal to 0 too.
    const auto w = directions({0.0, pi / 2, pi, 3 * pi / 2 + 0.1, pi - 0.05});
    const tms::AngleStructure structure = tms::angle_structure(w);
    REQUIRE(structure.antipodal_pairs.size() == 2);
    CHECK(structure.antipodal_pairs[0] == std::pair<Eigen::Index, Eigen::Index>{0, 2});
    CHECK(structure.antipodal_pairs[1] == std::pair<Eigen::Index, Eigen::Index>{1, 3});
    CHECK(structure.order == std::vector<Eigen::Index>{0, 1, 4, 2, 3});
    double total = 0;
    for (const double gap : structure.gaps) total += gap;
    CHECK(total == doctest::Approx(2 * pi));
    CHECK(tms::angle_structure(w, 0.5, 0.04).antipodal_pairs.size() == 1);
}

TEST_CASE("unrepresented features get NaN and no place; one feature gives a 2π gap, none gives no gaps") {
    Eigen::Matrix2Xd w = directions({0.0, 1.0, -1.0});
    w.col(1) *= 0.4;
    const tms::AngleStructure structure = tms::angle_structure(w);
    CHECK(std::isnan(structure.angles[1]));
    CHECK(structure.angles[2] == doctest::Approx(2 * pi - 1.0));
    CHECK(structure.represented() == 2);
    w.col(2) *= 0.4;
    const tms::AngleStructure single = tms::angle_structure(w);
    REQUIRE(single.gaps.size() == 1);
    CHECK(single.gaps[0] == doctest::Approx(2 * pi));
    CHECK(single.max_gap_deviation() == doctest::Approx(0.0));
    w.col(0) *= 0.4;
    const tms::AngleStructure none = tms::angle_structure(w);
    CHECK(none.gaps.empty());
    CHECK(std::isnan(none.max_gap_deviation()));
}

TEST_CASE("bad input throws naming the value") {
    CHECK_THROWS_WITH_AS((void)tms::angle_structure(Eigen::Matrix3d::Identity()),
                         "angle_structure needs a 2-dimensional hidden space, got 3 hidden dimensions",
                         std::invalid_argument);
    CHECK_THROWS_AS((void)tms::angle_structure(Eigen::Matrix2d::Identity(), 0.5, 2.0), std::invalid_argument);
}

TEST_CASE("n = 5, m = 2, uniform importance, 1 - S = 0.05 trains into a pentagon; its initial weights are not one") {
    tms::ReluOutputModel<float, 5, 2> model;
    tms::initialize(model, 0);
    const tms::AngleStructure before = tms::angle_structure(model);
    const bool pentagon_before = before.represented() == 5 && before.max_gap_deviation() < 0.1;
    CHECK_FALSE(pentagon_before);
    const tms::SparseFeatureSampler<float> data(5, 0.05);
    tms::TrainOptions options;
    options.steps = 10'000;
    const auto report = tms::train(model, data, Eigen::VectorXf::Ones(5), options);
    CAPTURE(report.final_loss);
    const tms::AngleStructure after = tms::angle_structure(model);
    CAPTURE(after.max_gap_deviation());
    CHECK(after.represented() == 5);
    CHECK(after.max_gap_deviation() < 0.1);
    CHECK(after.antipodal_pairs.empty());
}
