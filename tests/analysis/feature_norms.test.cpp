// tms::feature_norms and tms::represented_features: ‖W_i‖ and how many exceed a threshold.
#include <doctest/doctest.h>

#include <cmath>

#include <tms/analysis/feature_norms.hpp>
#include <tms/models/relu_output_model.hpp>

TEST_CASE_TEMPLATE("feature_norms are the column norms", Scalar, float, double) {
    Eigen::Matrix<Scalar, 2, 4> w;
    w << 3, 0, 0.3f, 0,  //
        4, 1, 0.4f, 0;
    const auto norms = tms::feature_norms(w);
    REQUIRE(norms.size() == 4);
    CHECK(norms[0] == doctest::Approx(5.0));
    CHECK(norms[1] == doctest::Approx(1.0));
    CHECK(norms[2] == doctest::Approx(0.5));
    CHECK(norms[3] == 0);
    CHECK(std::isfinite(norms[3]));
}

TEST_CASE("represented_features counts norms above the threshold (0.5 by default)") {
    Eigen::MatrixXd w(2, 4);
    w << 3, 0, 0.3, 0,  //
        4, 1, 0.39, 0;
    CHECK(tms::represented_features(w) == 2);   // 5, 1 (0.49… and 0 are below 0.5)
    CHECK(tms::represented_features(w, 0.4) == 3);
    CHECK(tms::represented_features(w, 2.0) == 1);
    CHECK(tms::represented_features(Eigen::MatrixXd::Zero(3, 5)) == 0);

    tms::ReluOutputModel<double, 4, 2> model;
    model.W() = w;
    CHECK(tms::represented_features(model) == 2);
    CHECK(tms::feature_norms(model).isApprox(tms::feature_norms(w)));
}
