// tms::initialize: Xavier-normal weights N(0, 2/(n + m)), zero biases, reproducible from a seed.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include <tms/models/abs_value_model.hpp>
#include <tms/models/initialization.hpp>
#include <tms/models/linear_model.hpp>
#include <tms/models/relu_hidden_model.hpp>
#include <tms/models/relu_output_model.hpp>

namespace {

template <class Model>
std::vector<double> weights_of(const Model& model) {
    std::vector<typename Model::Scalar> flat(static_cast<std::size_t>(model.parameter_count()));
    model.pack(flat);
    const auto bias_offset = static_cast<std::size_t>(model.layout().bias_offset());
    return {flat.begin(), flat.begin() + static_cast<std::ptrdiff_t>(bias_offset)};
}

}  // namespace

TEST_CASE_TEMPLATE("initialize draws N(0, 2/(n+m)) weights and zero biases", Model, tms::ReluOutputModel<float>,
                   tms::ReluOutputModel<double>, tms::ReluHiddenModel<float>, tms::AbsValueModel<double>,
                   tms::LinearModel<double>) {
    const tms::Index n = 400, m = 100;
    Model model(n, m);
    model.b().setConstant(typename Model::Scalar(3));
    tms::initialize(model, 42);
    CHECK(model.b().isZero(0));
    const std::vector<double> w = weights_of(model);
    const double count = static_cast<double>(w.size());
    REQUIRE(count >= 40'000);
    double sum = 0, sum_squares = 0, fourth = 0;
    for (const double x : w) {
        sum += x;
        sum_squares += x * x;
        fourth += x * x * x * x;
    }
    const double variance = 2.0 / static_cast<double>(n + m);
    const double mean = sum / count;
    const double sample_variance = sum_squares / count - mean * mean;
    // Standard errors: σ/√N for the mean, σ²√(2/N) for the variance; allow 5 of them.
    CHECK(std::abs(mean) < 5.0 * std::sqrt(variance / count));
    CHECK(std::abs(sample_variance / variance - 1.0) < 5.0 * std::sqrt(2.0 / count));
    // A normal's kurtosis is 3 (a uniform's would be 1.8).
    CHECK(fourth / count / (sample_variance * sample_variance) == doctest::Approx(3.0).epsilon(0.1));
}

TEST_CASE("initialize is reproducible from the seed, and seeds differ") {
    tms::ReluOutputModel<double> a(20, 5), b(20, 5), c(20, 5);
    tms::initialize(a, 7);
    tms::initialize(b, 7);
    tms::initialize(c, 8);
    CHECK(a == b);
    CHECK_FALSE(a == c);
    CHECK_FALSE(a.W().isZero(0));
    // initialize(model, seed) is initialize(model, RandomEngine(seed, 0)).
    tms::ReluOutputModel<double> d(20, 5);
    tms::RandomEngine engine(7, 0);
    tms::initialize(d, engine);
    CHECK(d == a);
}

TEST_CASE("fixed and dynamic sizes, and float and double, draw the same weights for a seed") {
    tms::ReluOutputModel<double, 20, 5> fixed;
    tms::ReluOutputModel<double> dynamic(20, 5);
    tms::ReluOutputModel<float> single(20, 5);
    tms::initialize(fixed, 3);
    tms::initialize(dynamic, 3);
    tms::initialize(single, 3);
    CHECK(Eigen::MatrixXd(fixed.W()) == dynamic.W());
    CHECK(single.W().cast<double>().isApprox(dynamic.W(), 1e-6));
}

TEST_CASE("the untied model initialises both W1 and W2, from one stream") {
    tms::AbsValueModel<double> model(6, 4);
    tms::initialize(model, 5);
    CHECK_FALSE(model.W1().isZero(0));
    CHECK_FALSE(model.W2().isZero(0));
    CHECK_FALSE(model.W1().transpose().isApprox(model.W2()));
    // W₁ is drawn first: a tied model of the same shape and seed gets the same first matrix.
    tms::ReluHiddenModel<double> tied(6, 4);
    tms::initialize(tied, 5);
    CHECK(tied.W() == model.W1());
}
