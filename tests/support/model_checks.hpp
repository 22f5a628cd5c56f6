#pragma once
/// \file tests/support/model_checks.hpp
/// The checks every model test file runs on its model: gradient against central differences, forward() against
/// the paper's formulas, and misuse that must throw std::invalid_argument naming the value.

#include <stdexcept>
#include <string>
#include <utility>

#include <doctest/doctest.h>

#include "contains.hpp"
#include "finite_difference.hpp"

namespace tms_test {

/// Norm-wise relative error ‖g − fd‖/‖fd‖ below 1e-6 for dense and sparse inputs at several random points.
template <class Model>
void check_gradient(tms::Index n, tms::Index m) {
    CAPTURE(n);
    CAPTURE(m);
    for (const InputKind kind : {InputKind::dense, InputKind::sparse}) {
        for (std::uint64_t seed = 1; seed <= 3; ++seed) {
            CAPTURE(static_cast<int>(kind));
            CAPTURE(seed);
            const GradientComparison result = check_gradient_at_random_point<Model>(n, m, kind, seed);
            CHECK(result.relative_error() < 1e-6);
        }
    }
}

/// forward() and loss() equal the paper's formulas evaluated directly with Eigen.
template <class Model>
void check_forward(tms::Index n, tms::Index m) {
    CAPTURE(n);
    CAPTURE(m);
    using Scalar = typename Model::Scalar;
    const double tolerance = std::is_same_v<Scalar, float> ? 1e-5 : 1e-12;
    for (const InputKind kind : {InputKind::dense, InputKind::sparse}) {
        Model model(n, m);
        tms::initialize(model, 5);
        tms::RandomEngine engine(9);
        for (tms::Index i = 0; i < n; ++i) model.b()[i] = static_cast<Scalar>(engine.uniform<double>() - 0.5);
        const Eigen::MatrixXd x = draw_inputs(model, kind, engine);
        const tms::MatrixX<Scalar> input = x.cast<Scalar>();
        // The reference sees exactly the inputs the model sees.
        const Eigen::MatrixXd exact_input = input.template cast<double>();
        const Eigen::MatrixXd expected = reference(model, exact_input).output;
        const Eigen::MatrixXd actual = model.forward(input).template cast<double>();
        REQUIRE(actual.rows() == n);
        REQUIRE(actual.cols() == x.cols());
        CHECK((actual - expected).norm() <= tolerance * (1.0 + expected.norm()));

        const Eigen::VectorXd importance = tms::geometric_importance<double>(n, 0.8);
        const double expected_loss = reference_loss(model, exact_input, importance);
        const double loss = static_cast<double>(model.loss(input, importance.cast<Scalar>()));
        CHECK(loss == doctest::Approx(expected_loss).epsilon(std::is_same_v<Scalar, float> ? 1e-4 : 1e-10));
    }
}

/// hidden(x) equals \p formula(model, x) (the model's own hidden-layer formula written out with Eigen), and the inputs
/// give the formula both signs of W x, so a missing or extra ReLU would fail.
template <class Model, class Formula>
void check_hidden(tms::Index n, tms::Index m, Formula formula) {
    CAPTURE(n);
    CAPTURE(m);
    using Scalar = typename Model::Scalar;
    Model model(n, m);
    tms::initialize(model, 7);
    tms::RandomEngine engine(3);
    const double low = Model::absolute_value_task ? -1.0 : 0.0;
    tms::MatrixX<Scalar> input(n, 9);
    for (tms::Index s = 0; s < input.cols(); ++s)
        for (tms::Index i = 0; i < n; ++i)
            input(i, s) = static_cast<Scalar>(low + (1.0 - low) * engine.uniform<double>());
    const tms::MatrixX<Scalar> pre = model.feature_weights() * input;
    REQUIRE((pre.array() < 0).any());
    REQUIRE((pre.array() > 0).any());
    const tms::MatrixX<Scalar> actual = model.hidden(input);
    REQUIRE(actual.rows() == m);
    REQUIRE(actual.cols() == input.cols());
    const tms::MatrixX<Scalar> expected = formula(model, input);
    const double tolerance = std::is_same_v<Scalar, float> ? 1e-5 : 1e-12;
    CHECK((actual - expected).norm() <= tolerance * (1.0 + expected.norm()));
    CHECK_THROWS_WITH_AS((void)model.hidden(tms::MatrixX<Scalar>::Zero(n + 1, 2)),
                         contains("input batch has " + std::to_string(n + 1) + " rows"), std::invalid_argument);
}

/// Wrong input rows, an importance of the wrong size, zero sizes and an empty batch throw naming the value.
template <class Model>
void check_misuse(tms::Index n, tms::Index m) {
    using Scalar = typename Model::Scalar;
    Model model(n, m);
    tms::initialize(model, 1);
    const tms::VectorX<Scalar> importance = tms::VectorX<Scalar>::Ones(n);
    const tms::MatrixX<Scalar> too_many_rows = tms::MatrixX<Scalar>::Zero(n + 1, 3);
    CHECK_THROWS_WITH_AS((void)model.forward(too_many_rows),
                         contains("input batch has " + std::to_string(n + 1) + " rows"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)model.loss(too_many_rows, importance),
                         contains("has " + std::to_string(n + 1) + " rows"), std::invalid_argument);
    const tms::MatrixX<Scalar> empty(n, 0);
    CHECK_THROWS_WITH_AS((void)model.forward(empty), doctest::Contains("0 samples"), std::invalid_argument);

    const tms::MatrixX<Scalar> x = tms::MatrixX<Scalar>::Constant(n, 2, Scalar(0.5));
    const tms::VectorX<Scalar> short_importance = tms::VectorX<Scalar>::Ones(n + 2);
    Model gradient(n, m);
    CHECK_THROWS_WITH_AS((void)model.loss(x, short_importance),
                         contains("importance has " + std::to_string(n + 2) + "x1"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(model.loss_and_gradient(x, short_importance, gradient),
                         contains(std::to_string(n + 2)), std::invalid_argument);

    std::vector<Scalar> flat(static_cast<std::size_t>(model.parameter_count() + 1));
    CHECK_THROWS_WITH_AS(model.pack(flat), contains(std::to_string(model.parameter_count() + 1)),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(model.unpack(flat), contains(std::to_string(model.parameter_count() + 1)),
                         std::invalid_argument);
}

/// Zero and mismatched sizes at construction of model type \p Model (dynamic or fixed).
template <class Model>
void check_zero_sizes() {
    CHECK_THROWS_WITH_AS(Model(0, 5), doctest::Contains("features (n) must be at least 1, got 0"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(Model(20, 0), doctest::Contains("hidden (m) must be at least 1, got 0"),
                         std::invalid_argument);
}

/// pack and unpack are inverse, and the layout is [W column-major][W₂][b].
template <class Model>
void check_pack_round_trip(tms::Index n, tms::Index m) {
    using Scalar = typename Model::Scalar;
    Model model(n, m);
    tms::initialize(model, 4);
    model.b().setLinSpaced(n, Scalar(-1), Scalar(1));
    std::vector<Scalar> flat(static_cast<std::size_t>(model.parameter_count()));
    model.pack(flat);
    CHECK(flat[0] == model.feature_weights()(0, 0));
    CHECK(flat.back() == model.b()[n - 1]);
    Model copy(n, m);
    copy.unpack(flat);
    CHECK(copy == model);
}

}  // namespace tms_test
