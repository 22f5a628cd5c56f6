// tms::LinearModel: exact gradient (central differences), the paper's forward formulas, and misuse.
#include <doctest/doctest.h>

#include <tms/models/linear_model.hpp>

#include "../support/model_checks.hpp"

TEST_CASE_TEMPLATE("LinearModel gradient matches central differences (fixed sizes)", Model, tms::LinearModel<double, 20, 5>,
                   tms::LinearModel<double, 1, 1>, tms::LinearModel<double, 3, 7>) {
    tms_test::check_gradient<Model>(Model::features_at_compile_time, Model::hidden_at_compile_time);
}

TEST_CASE("LinearModel gradient matches central differences (dynamic sizes)") {
    for (const auto& [n, m] : {std::pair<tms::Index, tms::Index>{20, 5}, {1, 1}, {3, 7}, {33, 8}, {12, 17}})
        tms_test::check_gradient<tms::LinearModel<double>>(n, m);
}

TEST_CASE_TEMPLATE("LinearModel forward and loss are the paper's formulas", Model, tms::LinearModel<float, 20, 5>,
                   tms::LinearModel<double, 20, 5>, tms::LinearModel<double, 3, 7>, tms::LinearModel<float>, tms::LinearModel<double>) {
    if constexpr (Model::features_at_compile_time == tms::Dynamic) {
        tms_test::check_forward<Model>(20, 5);
        tms_test::check_forward<Model>(7, 9);
    } else {
        tms_test::check_forward<Model>(Model::features_at_compile_time, Model::hidden_at_compile_time);
    }
}

TEST_CASE_TEMPLATE("LinearModel misuse throws std::invalid_argument naming the value", Model, tms::LinearModel<float, 20, 5>,
                   tms::LinearModel<double>) {
    tms_test::check_misuse<Model>(20, 5);
    tms_test::check_zero_sizes<Model>();
    tms_test::check_pack_round_trip<Model>(20, 5);
}

TEST_CASE("LinearModel rejects a run-time size that contradicts the compile-time one") {
    using Model = tms::LinearModel<double, 20, 5>;
    CHECK_THROWS_WITH_AS(Model(21, 5), doctest::Contains("fixed at compile time to 20 but 21"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(Model(20, 4), doctest::Contains("fixed at compile time to 5 but 4"), std::invalid_argument);
}

TEST_CASE("LinearModel shapes and its closed-form output WᵀWx + b") {
    tms::LinearModel<double, 4, 2> model;
    CHECK(model.W().rows() == 2);
    CHECK(model.W().cols() == 4);
    model.W() << 1, 0, 0, 0,  //
        0, 1, 0, 0;
    model.b() << 0, 0, 0, 0.5;
    const Eigen::Vector4d x(0.25, 0.5, 0.75, 1.0);
    const Eigen::MatrixXd y = model.forward(x);
    CHECK(y.col(0).isApprox(Eigen::Vector4d(0.25, 0.5, 0.0, 0.5)));
}

TEST_CASE_TEMPLATE("LinearModel::hidden(x) is W x", Model, tms::LinearModel<float, 20, 5>, tms::LinearModel<double>) {
    tms_test::check_hidden<Model>(20, 5, [](const Model& model, const tms::MatrixX<typename Model::Scalar>& x) {
        return tms::MatrixX<typename Model::Scalar>(model.W() * x);
    });
}
