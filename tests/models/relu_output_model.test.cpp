// tms::ReluOutputModel: exact gradient (central differences), the paper's forward formulas, and misuse.
#include <doctest/doctest.h>

#include <tms/models/relu_output_model.hpp>

#include "../support/model_checks.hpp"

TEST_CASE_TEMPLATE("ReluOutputModel gradient matches central differences (fixed sizes)", Model, tms::ReluOutputModel<double, 20, 5>,
                   tms::ReluOutputModel<double, 1, 1>, tms::ReluOutputModel<double, 3, 7>) {
    tms_test::check_gradient<Model>(Model::features_at_compile_time, Model::hidden_at_compile_time);
}

TEST_CASE("ReluOutputModel gradient matches central differences (dynamic sizes)") {
    for (const auto& [n, m] : {std::pair<tms::Index, tms::Index>{20, 5}, {1, 1}, {3, 7}, {33, 8}, {12, 17}})
        tms_test::check_gradient<tms::ReluOutputModel<double>>(n, m);
}

TEST_CASE_TEMPLATE("ReluOutputModel forward and loss are the paper's formulas", Model, tms::ReluOutputModel<float, 20, 5>,
                   tms::ReluOutputModel<double, 20, 5>, tms::ReluOutputModel<double, 3, 7>, tms::ReluOutputModel<float>, tms::ReluOutputModel<double>) {
    if constexpr (Model::features_at_compile_time == tms::Dynamic) {
        tms_test::check_forward<Model>(20, 5);
        tms_test::check_forward<Model>(7, 9);
    } else {
        tms_test::check_forward<Model>(Model::features_at_compile_time, Model::hidden_at_compile_time);
    }
}

TEST_CASE_TEMPLATE("ReluOutputModel misuse throws std::invalid_argument naming the value", Model, tms::ReluOutputModel<float, 20, 5>,
                   tms::ReluOutputModel<double>) {
    tms_test::check_misuse<Model>(20, 5);
    tms_test::check_zero_sizes<Model>();
    tms_test::check_pack_round_trip<Model>(20, 5);
}

TEST_CASE("ReluOutputModel rejects a run-time size that contradicts the compile-time one") {
    using Model = tms::ReluOutputModel<double, 20, 5>;
    CHECK_THROWS_WITH_AS(Model(21, 5), doctest::Contains("fixed at compile time to 20 but 21"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(Model(20, 4), doctest::Contains("fixed at compile time to 5 but 4"), std::invalid_argument);
}

TEST_CASE("ReluOutputModel has the paper's shapes") {
    tms::ReluOutputModel<float, 20, 5> model;
    CHECK(model.W().rows() == 5);
    CHECK(model.W().cols() == 20);
    CHECK(model.b().size() == 20);
    CHECK(model.parameter_count() == 120);
}

TEST_CASE("ReluOutputModel: an all-zero batch gives y = ReLU(b)") {
    tms::ReluOutputModel<double> model(3, 2);
    tms::initialize(model, 2);
    model.b() << 0.5, -0.25, 0.0;
    const Eigen::MatrixXd y = model.forward(Eigen::MatrixXd::Zero(3, 4));
    for (Eigen::Index s = 0; s < 4; ++s) CHECK(y.col(s).isApprox(Eigen::Vector3d(0.5, 0.0, 0.0)));
}

TEST_CASE_TEMPLATE("ReluOutputModel::hidden(x) is W x (the ReLU is on the output only)", Model, tms::ReluOutputModel<float, 20, 5>, tms::ReluOutputModel<double>) {
    tms_test::check_hidden<Model>(20, 5, [](const Model& model, const tms::MatrixX<typename Model::Scalar>& x) {
        return tms::MatrixX<typename Model::Scalar>(model.W() * x);
    });
}
