// tms::set_interference: pairs sorted into within-correlated, within-anticorrelated, across-set and independent
// classes with exact statistics on hand-built W; unrepresented features left out (NaN for an empty class).
#include <doctest/doctest.h>

#include <cmath>

#include <tms/analysis/set_interference.hpp>
#include <tms/models/initialization.hpp>
#include <tms/models/relu_output_model.hpp>
#include <tms/optim/trainer.hpp>

using tms::FeatureSet;
using tms::SetCorrelation;

TEST_CASE("each pair class gets its own exact statistics") {
    // Features: correlated pair {0, 1} orthogonal; anticorrelated pair {2, 3} antipodal; independent 4.
    Eigen::Matrix<double, 3, 5> w;
    w << 1, 0, 0, 0, 0.6,  //
        0, 1, 0, 0, 0.8,   //
        0, 0, 1, -1, 0;
    const std::vector<FeatureSet> sets{{SetCorrelation::correlated, 2, 0.1}, {SetCorrelation::anticorrelated, 2, 0.1}};
    const tms::SetInterference summary = tms::set_interference(w, sets);
    CHECK(summary.within_correlated.pairs == 1);
    CHECK(summary.within_correlated.mean == doctest::Approx(0.0));
    CHECK(summary.within_correlated.mean_abs_cosine == doctest::Approx(0.0));
    CHECK(summary.within_anticorrelated.pairs == 1);
    CHECK(summary.within_anticorrelated.mean == doctest::Approx(-1.0));
    CHECK(summary.within_anticorrelated.mean_cosine == doctest::Approx(-1.0));
    CHECK(summary.within_anticorrelated.fraction_negative == doctest::Approx(1.0));
    // Across sets: (0,2), (0,3), (1,2), (1,3), all orthogonal.
    CHECK(summary.across_sets.pairs == 4);
    CHECK(summary.across_sets.mean_abs_cosine == doctest::Approx(0.0));
    // With the independent feature 4: dots 0.6, 0.8, 0, 0.
    CHECK(summary.with_independent.pairs == 4);
    CHECK(summary.with_independent.mean == doctest::Approx(0.35));
    CHECK(summary.with_independent.fraction_negative == doctest::Approx(0.0));
}

TEST_CASE("scale enters the mean dot product but not the cosine; unrepresented features are left out") {
    Eigen::Matrix<double, 2, 4> w;
    w << 2, -2, 0.1, 0,  //
        0, 0, 0, 0.3;
    const auto sets = tms::repeated_feature_sets(2, 2, SetCorrelation::correlated, 0.05);
    const tms::SetInterference summary = tms::set_interference(w, sets);
    CHECK(summary.within_correlated.pairs == 1);  // {2, 3} has no represented feature
    CHECK(summary.within_correlated.mean == doctest::Approx(-4.0));
    CHECK(summary.within_correlated.mean_cosine == doctest::Approx(-1.0));
    CHECK(summary.across_sets.pairs == 0);
    CHECK(std::isnan(summary.across_sets.mean));
    CHECK(std::isnan(summary.within_anticorrelated.mean_cosine));
    const tms::SetInterference low = tms::set_interference(w, sets, 0.05);  // now all four are represented
    CHECK(low.across_sets.pairs == 4);
    CHECK(low.within_correlated.pairs == 2);
}

TEST_CASE("sets that do not fit in W throw naming the set") {
    const Eigen::Matrix<double, 2, 3> w = Eigen::Matrix<double, 2, 3>::Ones();
    const auto sets = tms::repeated_feature_sets(2, 2, SetCorrelation::anticorrelated, 0.05);
    CHECK_THROWS_WITH_AS((void)tms::set_interference(w, sets),
                         "feature set 1 of size 2 does not fit in the 3 features of W after 2 set features",
                         std::invalid_argument);
}

TEST_CASE("trained on two correlated pairs (m = 2, p = 0.05): orthogonal within pairs, antipodal across; "
          "on two anticorrelated pairs: antipodal within pairs; initial weights show neither") {
    for (const auto correlation : {SetCorrelation::correlated, SetCorrelation::anticorrelated}) {
        const bool correlated = correlation == SetCorrelation::correlated;
        CAPTURE(correlated);
        const tms::CorrelatedFeatureSampler<float> data(tms::repeated_feature_sets(2, 2, correlation, 0.05), 0, 0.0);
        tms::ReluOutputModel<float, 4, 2> model;
        tms::initialize(model, 0);
        const auto before = tms::set_interference(model, data.sets());
        tms::TrainOptions options;
        options.steps = 10'000;
        (void)tms::train(model, data, Eigen::Vector4f::Ones(), options);
        const auto after = tms::set_interference(model, data.sets());
        const auto& within_before = correlated ? before.within_correlated : before.within_anticorrelated;
        const auto& within = correlated ? after.within_correlated : after.within_anticorrelated;
        REQUIRE(within.pairs == 2);
        REQUIRE(after.across_sets.pairs == 4);
        CAPTURE(within.mean_cosine);
        CAPTURE(after.across_sets.mean_cosine);
        if (correlated) {
            // Each pair spans the plane; a feature of one pair is antipodal to one of the other pair.
            CHECK(within.mean_abs_cosine < 0.1);
            CHECK(after.across_sets.mean_cosine < -0.4);
            CHECK_FALSE((within_before.mean_abs_cosine < 0.1 && before.across_sets.mean_cosine < -0.4));
        } else {
            CHECK(within.mean_cosine < -0.95);
            CHECK(after.across_sets.mean_abs_cosine < 0.1);
            CHECK_FALSE((within_before.pairs == 2 && within_before.mean_cosine < -0.95));
        }
    }
}
