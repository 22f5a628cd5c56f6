// tms::geometric_importance, uniform_importance, validate_importance.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include <tms/sampling/importance.hpp>

TEST_CASE_TEMPLATE("geometric_importance is ratio^i", Scalar, float, double) {
    const tms::VectorX<Scalar> importance = tms::geometric_importance<Scalar>(20, 0.7);
    REQUIRE(importance.size() == 20);
    CHECK(importance[0] == Scalar(1));
    for (tms::Index i = 0; i < 20; ++i)
        CHECK(static_cast<double>(importance[i]) == doctest::Approx(std::pow(0.7, static_cast<double>(i))));
    CHECK(tms::uniform_importance<Scalar>(3) == tms::VectorX<Scalar>::Ones(3));
}

TEST_CASE("invalid importance throws std::invalid_argument naming the value") {
    CHECK_THROWS_WITH_AS((void)tms::geometric_importance<double>(0, 0.7), doctest::Contains("got 0"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tms::geometric_importance<double>(5, -0.5), doctest::Contains("got -0.5"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tms::geometric_importance<double>(5, std::numeric_limits<double>::quiet_NaN()),
                         doctest::Contains("got nan"), std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tms::uniform_importance<float>(0), doctest::Contains("got 0"), std::invalid_argument);
    Eigen::VectorXd importance(3);
    importance << 1.0, -2.0, 0.5;
    CHECK_THROWS_WITH_AS(tms::validate_importance(importance), doctest::Contains("importance[1]"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(tms::validate_importance(importance), doctest::Contains("got -2"), std::invalid_argument);
    importance[1] = 0.0;
    CHECK_NOTHROW(tms::validate_importance(importance));
}
