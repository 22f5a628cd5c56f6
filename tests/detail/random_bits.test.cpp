// RandomBits hands out the eight xoshiro lanes' words in runs, generating only what the runs need: the words must be
// exactly the reference generator's stream, cut where a run did not fit into what is left.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include <tms/detail/random_bits.hpp>

namespace {

/// The lanes' state as RandomBits seeds it from \p engine (32 draws, word-major).
tms::simd::WideXoshiroState seeded_state(tms::RandomEngine engine) {
    tms::simd::WideXoshiroState state{};
    for (auto& word : state.words)
        for (auto& lane : word) lane = engine();
    return state;
}

std::vector<std::uint32_t> reference_words(tms::simd::WideXoshiroState& state, std::size_t blocks) {
    std::vector<std::uint32_t> words(blocks * 2 * tms::simd::random_lanes);
    tms::simd::reference::xoshiro_fill(state, words.data(), blocks);
    return words;
}

}  // namespace

TEST_CASE("RandomBits: runs are the reference xoshiro stream; a run that does not fit starts a fresh fill") {
    const tms::RandomEngine engine(2024);
    tms::RandomEngine consumed = engine;
    tms::detail::RandomBits bits(consumed);
    tms::simd::WideXoshiroState state = seeded_state(engine);

    // A small first run: one minimum fill (128 words = 8 rounds of 16), of which the runs take 5 then 100.
    const std::vector<std::uint32_t> first_fill = reference_words(state, 8);
    const std::uint32_t* run = bits.take32(5);
    CHECK(std::equal(run, run + 5, first_fill.begin()));
    run = bits.take32(100);
    CHECK(std::equal(run, run + 100, first_fill.begin() + 5));

    // 23 words are left; a run of 200 skips them and fills 13 rounds (208 words) from the advanced state.
    const std::vector<std::uint32_t> second_fill = reference_words(state, 13);
    run = bits.take32(200);
    CHECK(std::equal(run, run + 200, second_fill.begin()));

    // The largest run the buffer allows.
    const std::vector<std::uint32_t> third_fill =
        reference_words(state, tms::detail::RandomBits::capacity / (2 * tms::simd::random_lanes));
    run = bits.take32(tms::detail::RandomBits::capacity);
    CHECK(std::equal(run, run + tms::detail::RandomBits::capacity, third_fill.begin()));
}

TEST_CASE("RandomBits: construction advances the engine by exactly 32 draws") {
    tms::RandomEngine engine(7);
    tms::RandomEngine expected = engine;
    for (int k = 0; k < 32; ++k) expected();
    const tms::detail::RandomBits bits(engine);
    CHECK(engine() == expected());
}

TEST_CASE("RandomBits: take_runs gives the words of as many take32 calls, as many runs as the buffer holds") {
    tms::RandomEngine first_engine(99), second_engine(99);
    tms::detail::RandomBits one_by_one(first_engine), in_blocks(second_engine);
    for (const std::size_t count : {16u, 16u, 48u, 5u, 64u}) {
        CAPTURE(count);
        std::size_t taken = 0;
        while (taken < 300) {
            const auto [words, runs] = in_blocks.take_runs(count, 300 - taken);
            REQUIRE(runs >= 1);
            REQUIRE(runs <= 300 - taken);
            for (std::size_t r = 0; r < runs; ++r) {
                const std::uint32_t* expected = one_by_one.take32(count);
                CHECK(std::equal(expected, expected + count, words + r * count));
            }
            taken += runs;
        }
    }
    // A minimum fill of 128 words holds 8 runs of 16: a request for 100 runs gets 8.
    tms::RandomEngine engine(5);
    tms::detail::RandomBits fresh(engine);
    CHECK(fresh.take_runs(16, 100).second == 8);
    CHECK(fresh.take_runs(16, 3).second == 3);
}
