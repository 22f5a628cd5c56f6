// tms::Schedule: the learning-rate factor of each schedule at known steps, names, parse() and its errors.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

#include <tms/optim/schedule.hpp>

TEST_CASE("constant schedule is 1 at every step") {
    const tms::Schedule s = tms::Schedule::constant();
    for (const std::int64_t step : {0, 1, 500, 999}) CHECK(s.factor(step, 1000) == 1.0);
    CHECK(s.kind() == tms::Schedule::Kind::constant);
}

TEST_CASE("linear decay is 1 − step/total") {
    const tms::Schedule s = tms::Schedule::linear_decay();
    CHECK(s.factor(0, 1000) == 1.0);
    CHECK(s.factor(250, 1000) == doctest::Approx(0.75));
    CHECK(s.factor(500, 1000) == doctest::Approx(0.5));
    CHECK(s.factor(999, 1000) == doctest::Approx(0.001));
}

TEST_CASE("cosine decay is ½(1 + cos(π step/total))") {
    const tms::Schedule s = tms::Schedule::cosine_decay();
    CHECK(s.factor(0, 100) == doctest::Approx(1.0));
    CHECK(s.factor(25, 100) == doctest::Approx(0.5 * (1.0 + std::sqrt(0.5))));
    CHECK(s.factor(50, 100) == doctest::Approx(0.5));
    CHECK(s.factor(75, 100) == doctest::Approx(0.5 * (1.0 - std::sqrt(0.5))));
    CHECK(s.factor(99, 100) == doctest::Approx(0.5 * (1.0 + std::cos(std::numbers::pi * 0.99))));
    // Monotone non-increasing.
    for (std::int64_t step = 1; step < 100; ++step) CHECK(s.factor(step, 100) <= s.factor(step - 1, 100));
}

TEST_CASE("warm-up then cosine: (step + 1)/K for K steps, then cosine over the rest") {
    const tms::Schedule s = tms::Schedule::warmup_cosine(10);
    CHECK(s.warmup_steps() == 10);
    CHECK(s.factor(0, 110) == doctest::Approx(0.1));
    CHECK(s.factor(4, 110) == doctest::Approx(0.5));
    CHECK(s.factor(9, 110) == doctest::Approx(1.0));
    CHECK(s.factor(10, 110) == doctest::Approx(1.0));
    CHECK(s.factor(60, 110) == doctest::Approx(0.5));
    CHECK(s.factor(35, 110) == doctest::Approx(0.5 * (1.0 + std::sqrt(0.5))));
    // No warm-up is plain cosine.
    const tms::Schedule none = tms::Schedule::warmup_cosine(0);
    for (const std::int64_t step : {0, 13, 50, 99}) CHECK(none.factor(step, 100) == doctest::Approx(tms::Schedule::cosine_decay().factor(step, 100)));
}

TEST_CASE("parse accepts every name and name() round-trips") {
    CHECK(tms::Schedule::parse("constant") == tms::Schedule::constant());
    CHECK(tms::Schedule::parse("linear") == tms::Schedule::linear_decay());
    CHECK(tms::Schedule::parse("linear_decay") == tms::Schedule::linear_decay());
    CHECK(tms::Schedule::parse("cosine") == tms::Schedule::cosine_decay());
    CHECK(tms::Schedule::parse("cosine_decay") == tms::Schedule::cosine_decay());
    CHECK(tms::Schedule::parse("warmup_cosine:250") == tms::Schedule::warmup_cosine(250));
    CHECK(tms::Schedule::parse("warmup_cosine:0") == tms::Schedule::warmup_cosine(0));
    for (const tms::Schedule s : {tms::Schedule::constant(), tms::Schedule::linear_decay(), tms::Schedule::cosine_decay(),
                                  tms::Schedule::warmup_cosine(17)})
        CHECK(tms::Schedule::parse(s.name()) == s);
    CHECK(tms::Schedule::warmup_cosine(17).name() == "warmup_cosine:17");
    CHECK_FALSE(tms::Schedule::parse("cosine") == tms::Schedule::linear_decay());
}

TEST_CASE("parse rejects bad text with a message naming it") {
    CHECK_THROWS_WITH_AS((void)tms::Schedule::parse("cosin"), doctest::Contains("unknown schedule 'cosin'"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tms::Schedule::parse(""), doctest::Contains("unknown schedule ''"), std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tms::Schedule::parse("Constant"), doctest::Contains("'Constant'"), std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tms::Schedule::parse("warmup_cosine:abc"), doctest::Contains("'warmup_cosine:abc'"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tms::Schedule::parse("warmup_cosine:-5"), doctest::Contains("'warmup_cosine:-5'"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tms::Schedule::parse("warmup_cosine:12x"), doctest::Contains("'warmup_cosine:12x'"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tms::Schedule::parse("warmup_cosine:"), doctest::Contains("'warmup_cosine:'"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tms::Schedule::warmup_cosine(-3), doctest::Contains("got -3"), std::invalid_argument);
}
