// tms::RandomEngine: reproducible, splittable xoshiro256++.
#include <doctest/doctest.h>

#include <cmath>
#include <concepts>
#include <random>
#include <vector>

#include <tms/sampling/random_engine.hpp>

static_assert(std::uniform_random_bit_generator<tms::RandomEngine>);

namespace {
std::vector<std::uint64_t> draw(tms::RandomEngine engine, int count) {
    std::vector<std::uint64_t> out;
    for (int k = 0; k < count; ++k) out.push_back(engine());
    return out;
}
}  // namespace

TEST_CASE("same seed and stream, same numbers; different seed or stream, different numbers") {
    CHECK(draw(tms::RandomEngine(5), 100) == draw(tms::RandomEngine(5), 100));
    CHECK(draw(tms::RandomEngine(5), 100) != draw(tms::RandomEngine(6), 100));
    CHECK(draw(tms::RandomEngine(5, 0), 100) != draw(tms::RandomEngine(5, 1), 100));
    const tms::RandomEngine engine(9, 2);
    CHECK(engine.seed() == 9);
    CHECK(engine.stream() == 2);
    CHECK(draw(engine.split(3), 50) == draw(engine.split(3), 50));
    CHECK(draw(engine.split(3), 50) != draw(engine.split(4), 50));
    CHECK(draw(engine.split(3), 50) != draw(engine, 50));
}

TEST_CASE("state and set_state resume the sequence") {
    tms::RandomEngine engine(11);
    for (int k = 0; k < 10; ++k) (void)engine();
    const auto state = engine.state();
    const auto expected = draw(engine, 20);
    tms::RandomEngine other(999);
    other.set_state(state);
    CHECK(draw(other, 20) == expected);
}

TEST_CASE_TEMPLATE("uniform is in [0, 1) with mean 1/2", Scalar, float, double) {
    tms::RandomEngine engine(3);
    double sum = 0, low = 1, high = 0;
    constexpr int count = 100'000;
    for (int k = 0; k < count; ++k) {
        const double u = static_cast<double>(engine.uniform<Scalar>());
        sum += u;
        low = std::min(low, u);
        high = std::max(high, u);
    }
    CHECK(low >= 0.0);
    CHECK(high < 1.0);
    CHECK(sum / count == doctest::Approx(0.5).epsilon(0.01));
}

TEST_CASE("normal has mean 0 and variance 1") {
    tms::RandomEngine engine(4);
    double sum = 0, squares = 0;
    bool finite = true;
    constexpr int count = 100'000;
    for (int k = 0; k < count; ++k) {
        const double z = engine.normal();
        finite = finite && std::isfinite(z);
        sum += z;
        squares += z * z;
    }
    CHECK(finite);
    CHECK(std::abs(sum / count) < 0.02);
    CHECK(squares / count == doctest::Approx(1.0).epsilon(0.02));
}

TEST_CASE("works with standard distributions") {
    tms::RandomEngine engine(1);
    std::uniform_int_distribution<int> die(1, 6);
    for (int k = 0; k < 100; ++k) {
        const int roll = die(engine);
        CHECK((roll >= 1 && roll <= 6));
    }
}
