// tms::superposition: Σ_{j≠i} (Ŵ_i · W_j)² per feature.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include <tms/analysis/superposition.hpp>
#include <tms/models/relu_output_model.hpp>

TEST_CASE_TEMPLATE("orthogonal features have no superposition", Scalar, float, double) {
    Eigen::Matrix<Scalar, 3, 3> w = Eigen::Matrix<Scalar, 3, 3>::Identity();
    w.col(1) *= Scalar(2);  // scale does not matter for orthogonality
    const auto s = tms::superposition(w);
    for (Eigen::Index i = 0; i < 3; ++i) CHECK(s[i] == 0);
}

TEST_CASE("an antipodal pair has superposition 1 each") {
    Eigen::MatrixXd w(1, 2);
    w << 1, -1;
    const Eigen::VectorXd s = tms::superposition(w);
    CHECK(s[0] == doctest::Approx(1.0));
    CHECK(s[1] == doctest::Approx(1.0));
}

TEST_CASE("a regular pentagon in 2-D: Σ_{j≠i} cos²(2πk/5) = 3/2") {
    Eigen::MatrixXd w(2, 5);
    for (int k = 0; k < 5; ++k) w.col(k) << std::cos(2 * std::numbers::pi * k / 5), std::sin(2 * std::numbers::pi * k / 5);
    const Eigen::VectorXd s = tms::superposition(w);
    for (int k = 0; k < 5; ++k) CHECK(s[k] == doctest::Approx(1.5));
}

TEST_CASE("interference is measured relative to feature i's own norm") {
    // Ŵ_0 · W_1 = 2 · cos 60° = 1 → 1; Ŵ_1 · W_0 = 1 · cos 60° = 0.5 → 0.25.
    Eigen::MatrixXd w(2, 2);
    w << 1, 2 * 0.5,  //
        0, 2 * std::sqrt(3.0) / 2;
    const Eigen::VectorXd s = tms::superposition(w);
    CHECK(s[0] == doctest::Approx(1.0));
    CHECK(s[1] == doctest::Approx(0.25));
}

TEST_CASE("a feature that is not represented gets NaN (not applicable), and still interferes with the others") {
    // Feature 1 has ‖W_1‖ = 0.002: a column of noise. Dividing by its tiny norm would report large "superposition".
    Eigen::MatrixXd w(2, 3);
    w << 1, 0.002, 0,  //
        0, 0.0005, 1;
    const Eigen::VectorXd s = tms::superposition(w);
    CHECK(std::isnan(s[1]));
    CHECK(s[0] == doctest::Approx(0.002 * 0.002));
    CHECK(s[2] == doctest::Approx(0.0005 * 0.0005));
    // The threshold is the paper's "represented" (‖W_i‖ > 0.5) unless given.
    CHECK(std::isnan(tms::superposition(Eigen::MatrixXd(0.5 * w))[0]));
    CHECK(tms::superposition(Eigen::MatrixXd(0.5 * w), 0.1)[0] == doctest::Approx(0.001 * 0.001 / 0.25));
    CHECK(tms::superposition(Eigen::MatrixXd::Zero(3, 4)).array().isNaN().all());

    tms::ReluOutputModel<double> model(3, 2);
    model.W() = w;
    const Eigen::VectorXd from_model = tms::superposition(model);
    CHECK(from_model[0] == s[0]);
    CHECK(std::isnan(from_model[1]));
}
