#include <doctest/doctest.h>

#include <cstdint>
#include <random>

#include <tms/detail/reciprocal_divider.hpp>

using tms::detail::ReciprocalDivider;

TEST_CASE("ReciprocalDivider is exact for every dividend below 2^32 it is tried on") {
    constexpr std::uint64_t bound = std::uint64_t{1} << 32;
    std::mt19937_64 random(2026);
    for (const std::uint64_t d : {2ull, 3ull, 5ull, 7ull, 10ull, 20ull, 100ull, 400ull, 641ull, 1000ull, 65537ull,
                                  (1ull << 31) - 1, (1ull << 31), (1ull << 32) - 1}) {
        const ReciprocalDivider divide(d, bound);
        // Small dividends (a tile's positions), the neighbours of multiples of d, the top of the range, random ones.
        for (std::uint64_t x = 0; x < 5000; ++x) REQUIRE(divide(x) == x / d);
        for (std::uint64_t q = 1; q < 2000 && q * d + 1 < bound; ++q)
            for (const std::uint64_t x : {q * d - 1, q * d, q * d + 1}) REQUIRE(divide(x) == x / d);
        for (std::uint64_t x = bound - 5000; x < bound; ++x) REQUIRE(divide(x) == x / d);
        for (int k = 0; k < 100000; ++k) {
            const std::uint64_t x = random() % bound;
            REQUIRE(divide(x) == x / d);
        }
    }
}

TEST_CASE("ReciprocalDivider divides outside the exact range: divisor 1, large dividends, large divisors") {
    CHECK(ReciprocalDivider(1, 1ull << 32)(12345) == 12345);
    const std::uint64_t big = (1ull << 40) + 12345;
    CHECK(ReciprocalDivider(10, 1ull << 41)(big) == big / 10);
    CHECK(ReciprocalDivider(1ull << 33, 1ull << 41)(big) == big / (1ull << 33));
}
