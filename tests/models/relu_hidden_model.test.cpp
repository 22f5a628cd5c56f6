// tms::ReluHiddenModel: exact gradient (central differences), the paper's forward formulas, and misuse.
#include <doctest/doctest.h>

#include <tms/models/relu_hidden_model.hpp>

#include "../support/model_checks.hpp"

TEST_CASE_TEMPLATE("ReluHiddenModel gradient matches central differences (fixed sizes)", Model, tms::ReluHiddenModel<double, 20, 5>,
                   tms::ReluHiddenModel<double, 1, 1>, tms::ReluHiddenModel<double, 3, 7>) {
    tms_test::check_gradient<Model>(Model::features_at_compile_time, Model::hidden_at_compile_time);
}

TEST_CASE("ReluHiddenModel gradient matches central differences (dynamic sizes)") {
    for (const auto& [n, m] : {std::pair<tms::Index, tms::Index>{20, 5}, {1, 1}, {3, 7}, {33, 8}, {12, 17}})
        tms_test::check_gradient<tms::ReluHiddenModel<double>>(n, m);
}

TEST_CASE_TEMPLATE("ReluHiddenModel forward and loss are the paper's formulas", Model, tms::ReluHiddenModel<float, 20, 5>,
                   tms::ReluHiddenModel<double, 20, 5>, tms::ReluHiddenModel<double, 3, 7>, tms::ReluHiddenModel<float>, tms::ReluHiddenModel<double>) {
    if constexpr (Model::features_at_compile_time == tms::Dynamic) {
        tms_test::check_forward<Model>(20, 5);
        tms_test::check_forward<Model>(7, 9);
    } else {
        tms_test::check_forward<Model>(Model::features_at_compile_time, Model::hidden_at_compile_time);
    }
}

TEST_CASE_TEMPLATE("ReluHiddenModel misuse throws std::invalid_argument naming the value", Model, tms::ReluHiddenModel<float, 20, 5>,
                   tms::ReluHiddenModel<double>) {
    tms_test::check_misuse<Model>(20, 5);
    tms_test::check_zero_sizes<Model>();
    tms_test::check_pack_round_trip<Model>(20, 5);
}

TEST_CASE("ReluHiddenModel rejects a run-time size that contradicts the compile-time one") {
    using Model = tms::ReluHiddenModel<double, 20, 5>;
    CHECK_THROWS_WITH_AS(Model(21, 5), doctest::Contains("fixed at compile time to 20 but 21"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(Model(20, 4), doctest::Contains("fixed at compile time to 5 but 4"), std::invalid_argument);
}

TEST_CASE_TEMPLATE("ReluHiddenModel::hidden(x) is ReLU(W x)", Model, tms::ReluHiddenModel<float, 20, 5>, tms::ReluHiddenModel<double>) {
    tms_test::check_hidden<Model>(20, 5, [](const Model& model, const tms::MatrixX<typename Model::Scalar>& x) {
        return tms::MatrixX<typename Model::Scalar>((model.W() * x).cwiseMax(0));
    });
}
