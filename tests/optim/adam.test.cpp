// tms::Adam and tms::AdamW: PyTorch's update rule step by step, its defaults, state save/restore, and misuse.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <span>
#include <stdexcept>
#include <vector>

#include <tms/optim/adam.hpp>

namespace {

constexpr std::size_t parameter_count = 5;
using Row = std::array<double, parameter_count>;

const Row initial_parameters{0.5, -1.25, 2.0, 0.0, -0.75};
// A zero gradient entry (index 3 at step 1, index 2 at step 2) checks the ε in the denominator.
const std::array<Row, 4> gradients{{{0.1, -0.2, 0.3, 0.0, 1.5},
                                    {-0.4, 0.25, 0.0, 2.0, -1.0},
                                    {0.05, 0.6, -0.3, -0.5, 0.2},
                                    {1.0, -1.0, 0.5, 0.25, -0.125}}};

/// torch.optim.Adam/AdamW as documented (https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html), written
/// independently of the library in double: bias-corrected moments m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ),
/// θ ← θ − lr m̂/(√v̂ + ε); Adam adds λθ to g, AdamW first multiplies θ by (1 − lr λ).
std::vector<Row> documented_adam(bool decoupled, double lr, double beta1, double beta2, double eps, double decay) {
    Row theta = initial_parameters;
    Row m{}, v{};
    std::vector<Row> trajectory;
    for (std::size_t t = 1; t <= gradients.size(); ++t) {
        for (std::size_t k = 0; k < parameter_count; ++k) {
            double g = gradients[t - 1][k];
            if (decoupled)
                theta[k] *= 1.0 - lr * decay;
            else
                g += decay * theta[k];
            m[k] = beta1 * m[k] + (1.0 - beta1) * g;
            v[k] = beta2 * v[k] + (1.0 - beta2) * g * g;
            const double m_hat = m[k] / (1.0 - std::pow(beta1, static_cast<double>(t)));
            const double v_hat = v[k] / (1.0 - std::pow(beta2, static_cast<double>(t)));
            theta[k] -= lr * m_hat / (std::sqrt(v_hat) + eps);
        }
        trajectory.push_back(theta);
    }
    return trajectory;
}

template <class Optimizer>
std::vector<Row> run_library(Optimizer& optimizer, double lr) {
    using Scalar = typename Optimizer::Scalar;
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
constexpr double tolerance_for = std::is_same_v<Scalar, float> ? 2e-6 : 1e-13;

}  // namespace

static_assert(tms::optimizer<tms::Adam<float>> && tms::optimizer<tms::AdamW<double>>);

TEST_CASE("AdamW and Adam defaults are PyTorch's") {
    const tms::AdamWOptions adamw;
    CHECK(adamw.beta1 == 0.9);
    CHECK(adamw.beta2 == 0.999);
    CHECK(adamw.epsilon == 1e-8);
    CHECK(adamw.weight_decay == 0.01);
    const tms::AdamOptions adam;
    CHECK(adam.beta1 == 0.9);
    CHECK(adam.beta2 == 0.999);
    CHECK(adam.epsilon == 1e-8);
    CHECK(adam.weight_decay == 0.0);
    CHECK(tms::AdamW<float>().options().weight_decay == 0.01);
    CHECK(tms::AdamW<float>().step_count() == 0);
}

TEST_CASE_TEMPLATE("AdamW follows PyTorch's documented algorithm", Scalar, float, double) {
    SUBCASE("defaults, lr 1e-3") {
        tms::AdamW<Scalar> optimizer;
        check_trajectory(run_library(optimizer, 1e-3), documented_adam(true, 1e-3, 0.9, 0.999, 1e-8, 0.01),
                         tolerance_for<Scalar>);
        CHECK(optimizer.step_count() == 4);
    }
    SUBCASE("other betas, epsilon and a large weight decay") {
        tms::AdamW<Scalar> optimizer(tms::AdamWOptions{.beta1 = 0.8, .beta2 = 0.99, .epsilon = 1e-6, .weight_decay = 0.1});
        check_trajectory(run_library(optimizer, 0.05), documented_adam(true, 0.05, 0.8, 0.99, 1e-6, 0.1),
                         tolerance_for<Scalar>);
    }
}

TEST_CASE_TEMPLATE("Adam follows PyTorch's documented algorithm (L2 weight decay in the gradient)", Scalar, float,
                   double) {
    SUBCASE("defaults") {
        tms::Adam<Scalar> optimizer;
        check_trajectory(run_library(optimizer, 1e-3), documented_adam(false, 1e-3, 0.9, 0.999, 1e-8, 0.0),
                         tolerance_for<Scalar>);
    }
    SUBCASE("weight decay 0.1") {
        tms::Adam<Scalar> optimizer(tms::AdamOptions{.weight_decay = 0.1});
        check_trajectory(run_library(optimizer, 0.05), documented_adam(false, 0.05, 0.9, 0.999, 1e-8, 0.1),
                         tolerance_for<Scalar>);
    }
}

// Produced once with torch 1.13 (/usr/bin/python3, float64): p = torch.tensor(initial_parameters); for each gradient
// row set p.grad and call opt.step(); each row is p after that step.
TEST_CASE("AdamW and Adam match numbers produced by torch.optim") {
    SUBCASE("torch.optim.AdamW(lr=1e-3) defaults") {
        const std::vector<Row> torch{
            {0.49899500010000003, -1.24898750005, 1.9989800000333333, 0.0, -0.7509924999933334},
            {0.49954951362485034, -1.2491377424294812, 1.9982899520107913, -0.0007441368183064559, -0.7511295105969161},
            {0.4998969228863247, -1.2497481228939538, 1.9983558368222134, -0.0011471502196579875, -0.7513035285446003},
            {0.4994657894155941, -1.2495417859625615, 1.9979380433172256, -0.0015448899185062147, -0.7514043537113289},
        };
        tms::AdamW<double> optimizer;
        check_trajectory(run_library(optimizer, 1e-3), torch, 1e-12);
    }
    SUBCASE("torch.optim.AdamW(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)") {
        const std::vector<Row> torch{
            {0.4475004999950001, -1.19375024999875, 1.940000166666111, 0.0, -0.7962499666666889},
            {0.475684162379435, -1.198818516943711, 1.8987940855963548, -0.03918535008242475, -0.7966310674326731},
            {0.490913865652915, -1.2277743465648534, 1.8983350053848145, -0.05792231658840763, -0.7997162215285047},
            {0.4624871823288189, -1.2087532653395654, 1.8675481825167586, -0.07610458331672959, -0.7987724508893707},
        };
        tms::AdamW<double> optimizer(tms::AdamWOptions{.beta1 = 0.8, .beta2 = 0.99, .epsilon = 1e-6, .weight_decay = 0.1});
        check_trajectory(run_library(optimizer, 0.05), torch, 1e-12);
    }
    SUBCASE("torch.optim.Adam(lr=0.05, weight_decay=0.1)") {
        const std::vector<Row> torch{
            {0.4500000033333331, -1.2000000015384615, 1.950000001, 0.0, -0.7999999996491228},
            {0.4712411805618579, -1.1827197098219333, 1.9052641222773903, -0.037206840915322795, -0.8042151471420074},
            {0.47935257921585656, -1.2007202934307446, 1.8777717943006011, -0.05729137882761, -0.8095992823085784},
            {0.4545349170242606, -1.181976770060857, 1.8410129011453347, -0.07704973707846861, -0.810658742753105},
        };
        tms::Adam<double> optimizer(tms::AdamOptions{.weight_decay = 0.1});
        check_trajectory(run_library(optimizer, 0.05), torch, 1e-12);
    }
}

TEST_CASE_TEMPLATE("Adam state saved after two steps and restored continues identically", Optimizer, tms::AdamW<double>,
                   tms::Adam<float>) {
    using Scalar = typename Optimizer::Scalar;
    const std::vector<Scalar> g0{Scalar(0.3), Scalar(-0.1), Scalar(2.0)};
    const std::vector<Scalar> g1{Scalar(-0.2), Scalar(0.4), Scalar(0.0)};
    const std::vector<Scalar> g2{Scalar(1.0), Scalar(1.0), Scalar(-1.0)};
    std::vector<Scalar> straight{Scalar(1), Scalar(2), Scalar(3)};
    Optimizer first;
    first.step(std::span<Scalar>(straight), std::span<const Scalar>(g0), 0.01);
    first.step(std::span<Scalar>(straight), std::span<const Scalar>(g1), 0.01);
    std::vector<Scalar> resumed = straight;
    const std::vector<Scalar> m(first.first_moment().begin(), first.first_moment().end());
    const std::vector<Scalar> v(first.second_moment().begin(), first.second_moment().end());
    REQUIRE(m.size() == 3);
    CHECK(m[2] != Scalar(0));
    first.step(std::span<Scalar>(straight), std::span<const Scalar>(g2), 0.01);

    Optimizer second;
    second.restore(2, m, v);
    CHECK(second.step_count() == 2);
    second.step(std::span<Scalar>(resumed), std::span<const Scalar>(g2), 0.01);
    CHECK(resumed == straight);
    CHECK(second.step_count() == 3);
}

TEST_CASE("Adam rejects invalid hyper-parameters and mismatched spans, naming the value") {
    using tms::AdamWOptions;
    CHECK_THROWS_WITH_AS(tms::AdamW<float>(AdamWOptions{.beta1 = 1.0}), doctest::Contains("beta1 must be in [0, 1), got 1"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(tms::AdamW<float>(AdamWOptions{.beta2 = -0.5}), doctest::Contains("beta2 must be in [0, 1), got -0.5"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(tms::AdamW<float>(AdamWOptions{.epsilon = 0.0}), doctest::Contains("epsilon must be finite and positive, got 0"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(tms::Adam<double>(tms::AdamOptions{.weight_decay = -0.25}), doctest::Contains("got -0.25"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(tms::Adam<double>(tms::AdamOptions{.epsilon = std::nan("")}), doctest::Contains("got nan"),
                         std::invalid_argument);

    tms::AdamW<double> optimizer;
    std::vector<double> params(4, 1.0);
    const std::vector<double> short_gradient(3, 1.0);
    CHECK_THROWS_WITH_AS(optimizer.step(std::span<double>(params), std::span<const double>(short_gradient), 1e-3),
                         doctest::Contains("4 parameters but 3 gradient entries"), std::invalid_argument);
    const std::vector<double> gradient(4, 1.0);
    optimizer.step(std::span<double>(params), std::span<const double>(gradient), 1e-3);
    std::vector<double> more(6, 1.0);
    const std::vector<double> more_gradient(6, 1.0);
    CHECK_THROWS_WITH_AS(optimizer.step(std::span<double>(more), std::span<const double>(more_gradient), 1e-3),
                         doctest::Contains("changed from 4 to 6"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(optimizer.restore(-1, {}, {}), doctest::Contains("negative step count -1"), std::invalid_argument);
}
