// The n = 2, m = 1 phase diagram: the three exact losses against a Monte-Carlo estimate from the ReLU output model
// itself (within 5 standard errors), the boundaries, and trained models landing in the analytic phase.
#include <doctest/doctest.h>

#include <cmath>

#include <tms/analysis/two_feature_phase_diagram.hpp>
#include <tms/models/initialization.hpp>
#include <tms/models/relu_output_model.hpp>
#include <tms/optim/trainer.hpp>
#include <tms/sampling/sparse_feature_sampler.hpp>

namespace {

using Model = tms::ReluOutputModel<double, 2, 1>;

/// Mean and standard error over \p samples samples of Σ_i I_i (y_i − x_i)² for the model with W = \p w, b = \p b.
std::pair<double, double> monte_carlo_loss(double w1, double w2, double b1, double b2, double r, double s,
                                           tms::Index samples, std::uint64_t seed) {
    Model model;
    model.W() << w1, w2;
    model.b() << b1, b2;
    const tms::SparseFeatureSampler<double> data(2, s);
    tms::RandomEngine engine(seed);
    const tms::MatrixX<double> x = data.sample(engine, samples);
    const Eigen::Vector2d importance(1.0, r);
    const tms::MatrixX<double> y = model.forward(x);
    const Eigen::ArrayXd per_sample = (importance.asDiagonal() * (y - x).cwiseAbs2()).colwise().sum().transpose();
    const double mean = per_sample.mean();
    const double sd = std::sqrt((per_sample - mean).square().sum() / static_cast<double>(samples - 1));
    // The model's own loss is the mean over features as well: half of the per-sample sum.
    constexpr tms::Index checked = 10'000;
    CHECK(static_cast<double>(model.loss(x.leftCols(checked), importance)) ==
          doctest::Approx(per_sample.head(checked).mean() / 2.0).epsilon(1e-9));
    return {mean, sd / std::sqrt(static_cast<double>(samples))};
}

}  // namespace

TEST_CASE("each exact loss matches the model's Monte-Carlo loss within 5 standard errors") {
    std::uint64_t seed = 100;
    for (const double s : {0.1, 0.4, 1.0})
        for (const double r : {0.2, 4.0}) {
            CAPTURE(s);
            CAPTURE(r);
            // Rare both-present events make the antipodal loss noisy at small s: more samples there.
            const tms::Index samples = s < 0.2 ? 600'000 : 200'000;
            const tms::TwoFeatureLosses exact = tms::two_feature_losses(r, s);
            const auto [ignore, ignore_se] = monte_carlo_loss(1, 0, 0, s / 2, r, s, samples, ++seed);
            const auto [dedicate, dedicate_se] = monte_carlo_loss(0, 1, s / 2, 0, r, s, samples, ++seed);
            const auto [antipodal, antipodal_se] = monte_carlo_loss(1, -1, 0, 0, r, s, samples, ++seed);
            CHECK(std::abs(ignore - exact.ignore_extra) < 5 * ignore_se);
            CHECK(std::abs(dedicate - exact.dedicate_extra) < 5 * dedicate_se);
            CHECK(std::abs(antipodal - exact.antipodal) < 5 * antipodal_se);
            // The standard errors are small enough for the check to mean something (5 of them ≤ 12.5% of the loss).
            CHECK(antipodal_se < 0.025 * exact.antipodal);
            CHECK(dedicate_se < 0.025 * exact.dedicate_extra);
        }
}

TEST_CASE("the best constant for a dropped feature is s/2: other constants do worse in Monte Carlo too") {
    const double s = 0.3;
    const auto [best, best_se] = monte_carlo_loss(1, 0, 0, s / 2, 1.0, s, 200'000, 7);
    const auto [zero, zero_se] = monte_carlo_loss(1, 0, 0, 0, 1.0, s, 200'000, 7);
    CHECK(best == doctest::Approx(tms::dropped_feature_loss(1.0, s)).epsilon(0.02));
    // Output 0 instead of s/2 costs (s/2)² more: E x² = s/3.
    CHECK(zero == doctest::Approx(s / 3.0).epsilon(0.02));
    CHECK(zero - best == doctest::Approx(s * s / 4).epsilon(0.02));
}

TEST_CASE("boundaries: losses tie on them, the boundary is symmetric under r -> 1/r, s = 4/7 at r = 1") {
    for (const double r : {0.1, 0.3, 1.0, 2.0, 10.0}) {
        CAPTURE(r);
        const double boundary = tms::antipodal_boundary_density(r);
        const auto losses = tms::two_feature_losses(r, boundary);
        const double dedicated = r <= 1.0 ? losses.ignore_extra : losses.dedicate_extra;
        CHECK(losses.antipodal == doctest::Approx(dedicated).epsilon(1e-12));
        CHECK(boundary == doctest::Approx(tms::antipodal_boundary_density(1.0 / r)).epsilon(1e-12));
        CHECK(tms::analytic_two_feature_phase(r, 0.9 * boundary) == tms::ExtraFeaturePhase::superposition);
        CHECK(tms::analytic_two_feature_phase(r, std::min(1.0, 1.1 * boundary)) != tms::ExtraFeaturePhase::superposition);
    }
    CHECK(tms::antipodal_boundary_density(1.0) == doctest::Approx(4.0 / 7.0));
    CHECK(tms::analytic_two_feature_phase(0.5, 1.0) == tms::ExtraFeaturePhase::ignore_extra);
    CHECK(tms::analytic_two_feature_phase(2.0, 1.0) == tms::ExtraFeaturePhase::dedicate_extra);
    CHECK(tms::analytic_two_feature_phase(1.0, 1.0) == tms::ExtraFeaturePhase::ignore_extra);
    CHECK(tms::dropped_feature_loss(2.0, 1.0) == doctest::Approx(2.0 / 12.0));
}

TEST_CASE("bad points throw naming the value") {
    CHECK_THROWS_WITH_AS((void)tms::two_feature_losses(0.0, 0.5),
                         "extra feature importance r must be finite and positive, got 0", std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tms::two_feature_losses(1.0, 1.5), "feature density 1 - S must be in (0, 1], got 1.5",
                         std::invalid_argument);
    CHECK_THROWS_AS((void)tms::analytic_two_feature_phase(1.0, 0.0), std::invalid_argument);
}

TEST_CASE("trained n = 2, m = 1 models (best of 3) land in the analytic phase; untrained weights do not all do") {
    struct Point {
        double r, s;
    };
    int agree = 0;
    int untrained_agree = 0;
    const Point points[] = {{0.3, 1.0}, {3.0, 1.0}, {1.0, 0.05}, {0.3, 0.02}, {3.0, 0.03}};
    for (const Point& point : points) {
        CAPTURE(point.r);
        CAPTURE(point.s);
        const tms::SparseFeatureSampler<double> data(2, point.s);
        const Eigen::Vector2d importance(1.0, point.r);
        double best_loss = INFINITY;
        tms::ExtraFeaturePhase best_phase = tms::ExtraFeaturePhase::unclassified;
        for (std::uint64_t seed = 0; seed < 3; ++seed) {
            Model model;
            tms::initialize(model, seed);
            if (seed == 0 &&
                tms::classify_extra_feature(model, 1) == tms::analytic_two_feature_phase(point.r, point.s))
                ++untrained_agree;
            tms::TrainOptions options;
            options.steps = 4000;
            options.seed = seed;
            options.learning_rate = 3e-3;
            const auto report = tms::train(model, data, importance, options);
            if (report.final_loss < best_loss) {
                best_loss = report.final_loss;
                best_phase = tms::classify_extra_feature(model, 1);
            }
        }
        const auto expected = tms::analytic_two_feature_phase(point.r, point.s);
        CAPTURE(tms::phase_name(best_phase));
        CHECK(best_phase == expected);
        agree += best_phase == expected;
    }
    CHECK(agree == 5);
    CHECK(untrained_agree < 5);
}
