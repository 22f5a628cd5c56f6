// tms::feature_dimensionality D_i = ‖W_i‖⁴ / Σ_j (W_i · W_j)² and tms::dimensions_per_feature m / ‖W‖_F².
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include <tms/analysis/dimensionality.hpp>
#include <tms/models/abs_value_model.hpp>
#include <tms/models/relu_output_model.hpp>

namespace {

Eigen::MatrixXd pentagon() {
    Eigen::MatrixXd w(2, 5);
    for (int k = 0; k < 5; ++k) w.col(k) << std::cos(2 * std::numbers::pi * k / 5), std::sin(2 * std::numbers::pi * k / 5);
    return w;
}

Eigen::MatrixXd tetrahedron() {
    Eigen::MatrixXd w(3, 4);
    w << 1, 1, -1, -1,  //
        1, -1, 1, -1,   //
        1, -1, -1, 1;
    return w / std::sqrt(3.0);
}

}  // namespace

TEST_CASE_TEMPLATE("orthogonal features have D_i = 1", Scalar, float, double) {
    Eigen::Matrix<Scalar, 4, 3> w = Eigen::Matrix<Scalar, 4, 3>::Identity();
    w.col(2) *= Scalar(3);  // D is scale-invariant
    const auto d = tms::feature_dimensionality(w);
    for (Eigen::Index i = 0; i < 3; ++i) CHECK(d[i] == doctest::Approx(1.0));
}

TEST_CASE("an antipodal pair has D = 1/2") {
    Eigen::MatrixXd w(1, 2);
    w << 0.8, -0.8;
    const Eigen::VectorXd d = tms::feature_dimensionality(w);
    CHECK(d[0] == doctest::Approx(0.5));
    CHECK(d[1] == doctest::Approx(0.5));
}

TEST_CASE("a regular pentagon in 2-D has D = 2/5") {
    const Eigen::VectorXd d = tms::feature_dimensionality(pentagon());
    for (int k = 0; k < 5; ++k) CHECK(d[k] == doctest::Approx(0.4));
    CHECK(d.sum() == doctest::Approx(2.0));  // the dimensions add up to m
}

TEST_CASE("a regular tetrahedron in 3-D has D = 3/4") {
    const Eigen::VectorXd d = tms::feature_dimensionality(tetrahedron());
    for (int k = 0; k < 4; ++k) CHECK(d[k] == doctest::Approx(0.75));
    CHECK(d.sum() == doctest::Approx(3.0));
}

TEST_CASE("a feature that is not represented has D = NaN (not applicable) and does not change the others") {
    Eigen::MatrixXd w = Eigen::MatrixXd::Zero(2, 3);
    w(0, 0) = 1;
    w(0, 1) = 0.002;  // noise, not a feature
    w(1, 2) = 2;
    const Eigen::VectorXd d = tms::feature_dimensionality(w);
    CHECK(d[0] == doctest::Approx(1.0).epsilon(1e-5));
    CHECK(std::isnan(d[1]));
    CHECK(d[2] == doctest::Approx(1.0));
    CHECK(tms::feature_dimensionality(Eigen::MatrixXd::Zero(3, 4)).array().isNaN().all());
}

TEST_CASE("dimensions_per_feature is m / ‖W‖_F²") {
    CHECK(tms::dimensions_per_feature(pentagon()) == doctest::Approx(2.0 / 5.0));
    CHECK(tms::dimensions_per_feature(tetrahedron()) == doctest::Approx(3.0 / 4.0));
    CHECK(tms::dimensions_per_feature(Eigen::MatrixXd::Identity(5, 5)) == doctest::Approx(1.0));
    // Only two of five features represented with unit norm in 5 dimensions: 5/2 dimensions per feature.
    CHECK(tms::dimensions_per_feature(Eigen::MatrixXd::Identity(5, 2)) == doctest::Approx(2.5));
    CHECK(tms::dimensions_per_feature(Eigen::MatrixXd::Zero(3, 4)) == std::numeric_limits<double>::infinity());
}

TEST_CASE("the model overloads use W, or the abs-value model's effective weights (W1 rows times W2 column norms)") {
    tms::ReluOutputModel<double, 5, 2> model;
    model.W() = pentagon();
    CHECK(tms::feature_dimensionality(model).isApprox(Eigen::VectorXd::Constant(5, 0.4)));
    CHECK(tms::dimensions_per_feature(model) == doctest::Approx(0.4));

    tms::AbsValueModel<double> abs(4, 3);
    abs.W1() = tetrahedron();
    abs.W2().setConstant(0.5);  // unit column norms: the effective weights are W1
    CHECK(tms::feature_dimensionality(abs).isApprox(Eigen::VectorXd::Constant(4, 0.75)));
    CHECK(tms::dimensions_per_feature(abs) == doctest::Approx(0.75));
    // The rescaling symmetry (row j of W1 times c, column j of W2 over c) changes nothing.
    abs.W1().row(1) *= 10.0;
    abs.W2().col(1) /= 10.0;
    CHECK(tms::feature_dimensionality(abs).isApprox(Eigen::VectorXd::Constant(4, 0.75)));
    CHECK(tms::dimensions_per_feature(abs) == doctest::Approx(0.75));
}
