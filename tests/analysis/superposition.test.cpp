// tms::superposition: Σ_{j≠i} (Ŵ_i · W_j)² per feature.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include <tms/analysis/superposition.hpp>
#include <tms/models/relu_output_model.hpp>

TEST_CASE_TEMPLATE("orthogonal features have no superposition", Scalar, float, double) {
    Eigen::Matrix<Scalar, 3, 3> w = Eigen::Matrix<Scalar, 3, 3>::Identity();
    w.col(1) *= Scalar(0.5);  // scale does not matter for orthogonality
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

TEST_CASE("a zero column gives 0, not NaN, and does not interfere with others") {
    Eigen::MatrixXd w(2, 3);
    w << 1, 0, 0,  //
        0, 0, 1;
    const Eigen::VectorXd s = tms::superposition(w);
    CHECK(s.allFinite());
    CHECK(s[0] == 0.0);
    CHECK(s[1] == 0.0);
    CHECK(s[2] == 0.0);

    tms::ReluOutputModel<double> model(3, 2);
    model.W() = w;
    CHECK(tms::superposition(model) == s);
}
