// tms::classify_extra_feature: each phase from hand-built W for n = 2, m = 1 and n = 3, m = 2, the thresholds'
// edges, untrained weights, and bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include <tms/analysis/extra_feature_phase.hpp>
#include <tms/models/initialization.hpp>
#include <tms/models/relu_output_model.hpp>
#include <tms/optim/trainer.hpp>
#include <tms/sampling/sparse_feature_sampler.hpp>

using tms::ExtraFeaturePhase;

TEST_CASE_TEMPLATE("n = 2, m = 1: the three solutions and the degenerate ones", Scalar, float, double) {
    Eigen::Matrix<Scalar, 1, 2> w;
    w << 1, 0;
    CHECK(tms::classify_extra_feature(w, 1) == ExtraFeaturePhase::ignore_extra);
    w << 0.3, 1.02;  // feature 1 fading out: residual interference 0.09 < 0.25
    CHECK(tms::classify_extra_feature(w, 1) == ExtraFeaturePhase::dedicate_extra);
    w << 0.98, -1.01;
    CHECK(tms::classify_extra_feature(w, 1) == ExtraFeaturePhase::superposition);
    w << 0.98, 1.01;  // both on one side: positive interference is no solution of the diagram
    CHECK(tms::classify_extra_feature(w, 1) == ExtraFeaturePhase::unclassified);
    w << 0.1, -0.2;  // nothing represented
    CHECK(tms::classify_extra_feature(w, 1) == ExtraFeaturePhase::unclassified);
}

TEST_CASE("the represented threshold is ‖W_i‖ > 0.5 and the shared threshold 0.25, both configurable") {
    Eigen::Matrix<double, 1, 2> w;
    w << 1, 0.5;
    CHECK(tms::classify_extra_feature(w, 1) == ExtraFeaturePhase::ignore_extra);
    w << 1, -0.51;
    CHECK(tms::classify_extra_feature(w, 1) == ExtraFeaturePhase::superposition);
    w << -0.49, 1;  // interference 0.49² = 0.2401
    CHECK(tms::classify_extra_feature(w, 1) == ExtraFeaturePhase::dedicate_extra);
    CHECK(tms::classify_extra_feature(w, 1, {.represented = 0.5, .shared = 0.2}) == ExtraFeaturePhase::superposition);
    CHECK(tms::classify_extra_feature(w, 1, {.represented = 1.5, .shared = 0.25}) == ExtraFeaturePhase::unclassified);
}

TEST_CASE("n = 3, m = 2: extra ignored, given its own axis, antipodal to one feature, or in a triangle") {
    constexpr double pi = std::numbers::pi;
    Eigen::Matrix<double, 2, 3> w;
    w << 1, 0, 0,  //
        0, 1, 0;
    CHECK(tms::classify_extra_feature(w, 2) == ExtraFeaturePhase::ignore_extra);
    w << 1, 0, 0,  //
        0, 0, 1;
    CHECK(tms::classify_extra_feature(w, 2) == ExtraFeaturePhase::dedicate_extra);
    w << 1, 0, -1,  //
        0, 1, 0;
    CHECK(tms::classify_extra_feature(w, 2) == ExtraFeaturePhase::superposition);
    for (int k = 0; k < 3; ++k) w.col(k) << std::cos(2 * pi * k / 3), std::sin(2 * pi * k / 3);
    CHECK(tms::classify_extra_feature(w, 2) == ExtraFeaturePhase::superposition);
    CHECK(tms::classify_extra_feature(w, 0) == ExtraFeaturePhase::superposition);
}

TEST_CASE("the model overload classifies the model's feature directions") {
    tms::ReluOutputModel<double, 2, 1> model;
    tms::initialize(model, 3);
    CHECK(tms::classify_extra_feature(model, 1) == tms::classify_extra_feature(model.feature_weights(), 1));
}

TEST_CASE("phase names and bad input") {
    CHECK(tms::phase_name(ExtraFeaturePhase::ignore_extra) == "ignore extra");
    CHECK(tms::phase_name(ExtraFeaturePhase::dedicate_extra) == "dedicate to extra");
    CHECK(tms::phase_name(ExtraFeaturePhase::superposition) == "superposition");
    CHECK(tms::phase_name(ExtraFeaturePhase::unclassified) == "unclassified");
    Eigen::Matrix<double, 1, 2> w;
    w << 1, 0;
    CHECK_THROWS_WITH_AS((void)tms::classify_extra_feature(w, 2), "extra feature 2 is not one of the 2 features",
                         std::invalid_argument);
}

TEST_CASE("trained n = 3, m = 2 models (importances 1, 1, r; best of 3) show each phase; initial weights do not") {
    struct Point {
        double r, s;
        ExtraFeaturePhase expected;
    };
    // Dense and unimportant: dropped. Dense and important: its own dimension (one unit feature dropped). Sparse:
    // the extra feature antipodal to a unit feature, the other unit feature on the orthogonal axis.
    const Point points[] = {{0.3, 1.0, ExtraFeaturePhase::ignore_extra},
                            {3.0, 1.0, ExtraFeaturePhase::dedicate_extra},
                            {0.3, 0.05, ExtraFeaturePhase::superposition}};
    int initial_matches = 0;
    for (const Point& point : points) {
        CAPTURE(point.r);
        CAPTURE(point.s);
        const tms::SparseFeatureSampler<float> data(3, point.s);
        const Eigen::Vector3f importance(1.0f, 1.0f, static_cast<float>(point.r));
        double best_loss = INFINITY;
        ExtraFeaturePhase best_phase = ExtraFeaturePhase::unclassified;
        for (std::uint64_t seed = 0; seed < 3; ++seed) {
            tms::ReluOutputModel<float, 3, 2> model;
            tms::initialize(model, seed);
            initial_matches += tms::classify_extra_feature(model, 2) == point.expected;
            tms::TrainOptions options;
            options.steps = 6000;
            options.seed = seed;
            options.learning_rate = 3e-3;
            const auto report = tms::train(model, data, importance, options);
            if (report.final_loss < best_loss) {
                best_loss = report.final_loss;
                best_phase = tms::classify_extra_feature(model, 2);
            }
        }
        CAPTURE(tms::phase_name(best_phase));
        CHECK(best_phase == point.expected);
    }
    CHECK(initial_matches < 9);
}
