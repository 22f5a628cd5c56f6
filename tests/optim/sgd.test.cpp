// tms::Sgd: PyTorch's update (plain, momentum with dampening, Nesterov, L2 weight decay), state restore, misuse.
#include <doctest/doctest.h>

#include <array>
#include <span>
#include <stdexcept>
#include <vector>

#include <tms/optim/sgd.hpp>

namespace {

constexpr std::size_t parameter_count = 5;
using Row = std::array<double, parameter_count>;

const Row initial_parameters{0.5, -1.25, 2.0, 0.0, -0.75};
const std::array<Row, 4> gradients{{{0.1, -0.2, 0.3, 0.0, 1.5},
                                    {-0.4, 0.25, 0.0, 2.0, -1.0},
                                    {0.05, 0.6, -0.3, -0.5, 0.2},
                                    {1.0, -1.0, 0.5, 0.25, -0.125}}};

/// torch.optim.SGD as documented (https://pytorch.org/docs/stable/generated/torch.optim.SGD.html), in double:
/// g ← g + λθ; if μ ≠ 0: b ← g at t = 1, else b ← μb + (1 − τ)g; g ← g + μb (Nesterov) or b; θ ← θ − lr g.
std::vector<Row> documented_sgd(double lr, double mu, double tau, double decay, bool nesterov) {
    Row theta = initial_parameters;
    Row buffer{};
    std::vector<Row> trajectory;
    for (std::size_t t = 1; t <= gradients.size(); ++t) {
        for (std::size_t k = 0; k < parameter_count; ++k) {
            double g = gradients[t - 1][k] + decay * theta[k];
            if (mu != 0.0) {
                buffer[k] = t == 1 ? g : mu * buffer[k] + (1.0 - tau) * g;
                g = nesterov ? g + mu * buffer[k] : buffer[k];
            }
            theta[k] -= lr * g;
        }
        trajectory.push_back(theta);
    }
    return trajectory;
}

template <class Scalar>
std::vector<Row> run_library(tms::Sgd<Scalar>& optimizer, double lr) {
    std::vector<Scalar> params(initial_parameters.begin(), initial_parameters.end());
    std::vector<Row> trajectory;
    for (const Row& g : gradients) {
        const std::vector<Scalar> gradient(g.begin(), g.end());
        optimizer.step(std::span<Scalar>(params), std::span<const Scalar>(gradient), lr);
        Row row{};
        for (std::size_t k = 0; k < parameter_count; ++k) row[k] = static_cast<double>(params[k]);
        trajectory.push_back(row);
    }
    return trajectory;
}

void check_trajectory(const std::vector<Row>& actual, const std::vector<Row>& expected, double tolerance) {
    REQUIRE(actual.size() == expected.size());
    for (std::size_t t = 0; t < actual.size(); ++t)
        for (std::size_t k = 0; k < parameter_count; ++k) {
            CAPTURE(t);
            CAPTURE(k);
            CHECK(actual[t][k] == doctest::Approx(expected[t][k]).epsilon(tolerance).scale(1.0));
        }
}

template <class Scalar>
constexpr double tolerance_for = std::is_same_v<Scalar, float> ? 1e-6 : 1e-14;

}  // namespace

static_assert(tms::optimizer<tms::Sgd<float>> && tms::optimizer<tms::Sgd<double>>);

TEST_CASE("SGD defaults are PyTorch's") {
    const tms::SgdOptions options;
    CHECK(options.momentum == 0.0);
    CHECK(options.dampening == 0.0);
    CHECK(options.weight_decay == 0.0);
    CHECK_FALSE(options.nesterov);
}

TEST_CASE_TEMPLATE("SGD follows PyTorch's documented algorithm", Scalar, float, double) {
    SUBCASE("plain") {
        tms::Sgd<Scalar> optimizer;
        check_trajectory(run_library(optimizer, 0.1), documented_sgd(0.1, 0.0, 0.0, 0.0, false), tolerance_for<Scalar>);
        CHECK(optimizer.step_count() == 4);
        CHECK(optimizer.momentum_buffer().empty());
    }
    SUBCASE("plain with weight decay") {
        tms::Sgd<Scalar> optimizer(tms::SgdOptions{.weight_decay = 0.05});
        check_trajectory(run_library(optimizer, 0.1), documented_sgd(0.1, 0.0, 0.0, 0.05, false), tolerance_for<Scalar>);
    }
    SUBCASE("momentum 0.9, dampening 0.1, weight decay 0.01") {
        tms::Sgd<Scalar> optimizer(tms::SgdOptions{.momentum = 0.9, .dampening = 0.1, .weight_decay = 0.01});
        check_trajectory(run_library(optimizer, 0.1), documented_sgd(0.1, 0.9, 0.1, 0.01, false), tolerance_for<Scalar>);
        CHECK(optimizer.momentum_buffer().size() == parameter_count);
    }
    SUBCASE("Nesterov momentum 0.9, weight decay 0.01") {
        tms::Sgd<Scalar> optimizer(tms::SgdOptions{.momentum = 0.9, .weight_decay = 0.01, .nesterov = true});
        check_trajectory(run_library(optimizer, 0.1), documented_sgd(0.1, 0.9, 0.0, 0.01, true), tolerance_for<Scalar>);
    }
}

// Produced once with torch 1.13 (/usr/bin/python3, float64): p = torch.tensor(initial_parameters); for each gradient
// row set p.grad and call opt.step(); each row is p after that step.
TEST_CASE("SGD matches numbers produced by torch.optim.SGD") {
    SUBCASE("SGD(lr=0.1)") {
        const std::vector<Row> torch{{0.49, -1.23, 1.97, 0.0, -0.9},
                                     {0.53, -1.255, 1.97, -0.2, -0.8},
                                     {0.525, -1.315, 2.0, -0.15000000000000002, -0.8200000000000001},
                                     {0.42500000000000004, -1.2149999999999999, 1.95, -0.17500000000000002, -0.8075000000000001}};
        tms::Sgd<double> optimizer;
        check_trajectory(run_library(optimizer, 0.1), torch, 1e-14);
    }
    SUBCASE("SGD(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)") {
        const std::vector<Row> torch{
            {0.4895, -1.22875, 1.968, 0.0, -0.89925},
            {0.51560945, -1.231019125, 1.9374288, -0.18000000000000002, -0.942765675},
            {0.534143906495, -1.2859534202875, 1.93517103408, -0.29683800000000005, -0.9990812933925},
            {0.46034418782465447, -1.2442369279679912, 1.8863973908213278, -0.42422504580000003, -1.0376161767816967}};
        tms::Sgd<double> optimizer(tms::SgdOptions{.momentum = 0.9, .dampening = 0.1, .weight_decay = 0.01});
        check_trajectory(run_library(optimizer, 0.1), torch, 1e-14);
    }
    SUBCASE("SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)") {
        const std::vector<Row> torch{
            {0.48005, -1.209625, 1.9392, 0.0, -1.033575},
            {0.546632905, -1.2376142125, 1.90959552, -0.38, -0.9625037074999999},
            {0.5604509619804999, -1.35304169924625, 1.938068536512, -0.446278, -1.0256410047057498},
            {0.38681432604968696, -1.211469510880557, 1.8397305571214273, -0.5979222718, -1.0396321076187338}};
        tms::Sgd<double> optimizer(tms::SgdOptions{.momentum = 0.9, .weight_decay = 0.01, .nesterov = true});
        check_trajectory(run_library(optimizer, 0.1), torch, 1e-14);
    }
}

TEST_CASE("SGD momentum state saved and restored continues identically") {
    const tms::SgdOptions options{.momentum = 0.9, .nesterov = true};
    const std::vector<double> g0{0.3, -0.1}, g1{-0.2, 0.4}, g2{1.0, 1.0};
    std::vector<double> straight{1.0, 2.0};
    tms::Sgd<double> first(options);
    first.step(std::span<double>(straight), std::span<const double>(g0), 0.1);
    first.step(std::span<double>(straight), std::span<const double>(g1), 0.1);
    std::vector<double> resumed = straight;
    const std::vector<double> buffer(first.momentum_buffer().begin(), first.momentum_buffer().end());
    first.step(std::span<double>(straight), std::span<const double>(g2), 0.1);

    tms::Sgd<double> second(options);
    second.restore(2, buffer);
    second.step(std::span<double>(resumed), std::span<const double>(g2), 0.1);
    CHECK(resumed == straight);
    CHECK(second.step_count() == 3);
}

TEST_CASE("SGD rejects invalid options and mismatched spans, naming the value") {
    CHECK_THROWS_WITH_AS(tms::Sgd<float>(tms::SgdOptions{.momentum = -0.5}),
                         doctest::Contains("momentum must be finite and non-negative, got -0.5"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(tms::Sgd<float>(tms::SgdOptions{.weight_decay = -2.0}),
                         doctest::Contains("weight decay must be finite and non-negative, got -2"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(tms::Sgd<float>(tms::SgdOptions{.nesterov = true}), doctest::Contains("Nesterov"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(tms::Sgd<float>(tms::SgdOptions{.momentum = 0.9, .dampening = 0.5, .nesterov = true}),
                         doctest::Contains("zero dampening"), std::invalid_argument);
    tms::Sgd<float> optimizer;
    std::vector<float> params(2, 1.0f);
    const std::vector<float> gradient(7, 1.0f);
    CHECK_THROWS_WITH_AS(optimizer.step(std::span<float>(params), std::span<const float>(gradient), 0.1),
                         doctest::Contains("2 parameters but 7 gradient entries"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(optimizer.restore(-1, {}), doctest::Contains("negative step count -1"),
                         std::invalid_argument);
    const std::vector<float> buffer(2, 0.5f);
    CHECK_THROWS_WITH_AS(optimizer.restore(3, std::span<const float>(buffer)),
                         doctest::Contains("a momentum buffer of 2 entries but no momentum"), std::invalid_argument);
    tms::Sgd<float> with_momentum(tms::SgdOptions{.momentum = 0.9});
    with_momentum.restore(3, std::span<const float>(buffer));
    std::vector<float> three(3, 1.0f);
    CHECK_THROWS_WITH_AS(with_momentum.step(std::span<float>(three), std::span<const float>(three), 0.1),
                         doctest::Contains("parameter count changed from 2 to 3"), std::invalid_argument);
}
