// tms::AbsValueModel: exact gradient (central differences), the paper's forward formulas, and misuse.
#include <doctest/doctest.h>

#include <tms/models/abs_value_model.hpp>

#include "../support/model_checks.hpp"

TEST_CASE_TEMPLATE("AbsValueModel gradient matches central differences (fixed sizes)", Model, tms::AbsValueModel<double, 20, 5>,
                   tms::AbsValueModel<double, 1, 1>, tms::AbsValueModel<double, 3, 7>) {
    tms_test::check_gradient<Model>(Model::features_at_compile_time, Model::hidden_at_compile_time);
}

TEST_CASE("AbsValueModel gradient matches central differences (dynamic sizes)") {
    for (const auto& [n, m] : {std::pair<tms::Index, tms::Index>{20, 5}, {1, 1}, {3, 7}, {33, 8}, {12, 17}})
        tms_test::check_gradient<tms::AbsValueModel<double>>(n, m);
}

TEST_CASE_TEMPLATE("AbsValueModel forward and loss are the paper's formulas", Model, tms::AbsValueModel<float, 20, 5>,
                   tms::AbsValueModel<double, 20, 5>, tms::AbsValueModel<double, 3, 7>, tms::AbsValueModel<float>, tms::AbsValueModel<double>) {
    if constexpr (Model::features_at_compile_time == tms::Dynamic) {
        tms_test::check_forward<Model>(20, 5);
        tms_test::check_forward<Model>(7, 9);
    } else {
        tms_test::check_forward<Model>(Model::features_at_compile_time, Model::hidden_at_compile_time);
    }
}

TEST_CASE_TEMPLATE("AbsValueModel misuse throws std::invalid_argument naming the value", Model, tms::AbsValueModel<float, 20, 5>,
                   tms::AbsValueModel<double>) {
    tms_test::check_misuse<Model>(20, 5);
    tms_test::check_zero_sizes<Model>();
    tms_test::check_pack_round_trip<Model>(20, 5);
}

TEST_CASE("AbsValueModel rejects a run-time size that contradicts the compile-time one") {
    using Model = tms::AbsValueModel<double, 20, 5>;
    CHECK_THROWS_WITH_AS(Model(21, 5), doctest::Contains("fixed at compile time to 20 but 21"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(Model(20, 4), doctest::Contains("fixed at compile time to 5 but 4"), std::invalid_argument);
}

TEST_CASE("AbsValueModel has untied W1 (m×n) and W2 (n×m) in the flat layout") {
    tms::AbsValueModel<double, 6, 3> model;
    CHECK(model.W1().rows() == 3);
    CHECK(model.W1().cols() == 6);
    CHECK(model.W2().rows() == 6);
    CHECK(model.W2().cols() == 3);
    CHECK(model.parameter_count() == 2 * 18 + 6);
    // Two hidden neurons per feature (+x and −x) reproduce |x| exactly.
    tms::AbsValueModel<double, 1, 2> exact;
    exact.W1() << 1, -1;
    exact.W2() << 1, 1;
    const Eigen::Matrix<double, 1, 3> x(-0.75, 0.0, 0.5);
    const Eigen::MatrixXd y = exact.forward(x);
    CHECK(y(0, 0) == doctest::Approx(0.75));
    CHECK(y(0, 1) == 0.0);
    CHECK(y(0, 2) == doctest::Approx(0.5));
    CHECK(exact.loss(x, Eigen::Matrix<double, 1, 1>(1.0)) == 0.0);
}

TEST_CASE_TEMPLATE("AbsValueModel::hidden(x) is ReLU(W1 x)", Model, tms::AbsValueModel<float, 20, 5>, tms::AbsValueModel<double>) {
    tms_test::check_hidden<Model>(20, 5, [](const Model& model, const tms::MatrixX<typename Model::Scalar>& x) {
        return tms::MatrixX<typename Model::Scalar>((model.W1() * x).cwiseMax(0));
    });
}
