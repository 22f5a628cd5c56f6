// tms::experiments evaluation: the analytic no-superposition loss, the exact linear loss and the sampled estimate.
#include <doctest/doctest.h>

#include <tms/experiments/evaluation.hpp>
#include <tms/models/initialization.hpp>
#include <tms/sampling/importance.hpp>

namespace ex = tms::experiments;

TEST_CASE("the no-superposition optimum: the m most important features kept, the others at their mean") {
    const tms::VectorX<double> importance = tms::geometric_importance<double>(4, 0.5);  // 1, 0.5, 0.25, 0.125
    // Features 2 and 3 dropped: (0.25 + 0.125) (p/3 − p²/4) / 4 at p = 0.1.
    CHECK(ex::no_superposition_loss(importance, 2, 0.1) == doctest::Approx(0.375 * (0.1 / 3 - 0.01 / 4) / 4));
    CHECK(ex::no_superposition_loss(importance, 4, 0.1) == 0.0);
}

TEST_CASE("the linear model's exact expected loss matches the sampled estimate and its optimum") {
    const tms::Index n = 6, m = 2;
    const double p = 0.3;
    const tms::VectorX<double> importance = tms::geometric_importance<double>(n, 0.7);
    tms::SweepResult r;
    r.config.model = "linear";
    r.W = tms::MatrixX<float>::Zero(m, n);
    r.W(0, 0) = r.W(1, 1) = 1.0f;
    r.b = tms::VectorX<float>::Constant(n, static_cast<float>(p / 2));
    r.b[0] = r.b[1] = 0.0f;
    const double exact = ex::expected_loss(r, p, importance);
    CHECK(exact == doctest::Approx(ex::no_superposition_loss(importance, m, p)));
    // The same weights as a ReLU output model (identical here: every output is ≥ 0), estimated by sampling.
    r.config.model = "relu_output";
    CHECK(ex::expected_loss(r, p, importance, tms::Index{1} << 18) == doctest::Approx(exact).epsilon(0.01));
    // Random weights are far from the optimum.
    tms::LinearModel<float> random(n, m);
    tms::initialize(random, 1);
    CHECK(ex::linear_expected_loss(random.W(), random.b(), importance, p) > 2 * exact);
}
