#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include <tms/sampling/random_engine.hpp>
#include <tms/simd/random_kernels.hpp>

namespace {
tms::simd::WideXoshiroState seeded_state(std::uint64_t seed) {
    tms::RandomEngine engine(seed);
    tms::simd::WideXoshiroState state{};
    for (auto& word : state.words)
        for (auto& lane : word) lane = engine();
    return state;
}
}  // namespace

TEST_CASE("SIMD xoshiro matches its scalar twin word for word") {
    auto simd_state = seeded_state(7);
    auto scalar_state = simd_state;
    std::vector<std::uint32_t> simd_words(2 * 8 * 37), scalar_words(2 * 8 * 37);
    tms::simd::xoshiro_fill(simd_state, simd_words.data(), 37);
    tms::simd::reference::xoshiro_fill(scalar_state, scalar_words.data(), 37);
    CHECK(simd_words == scalar_words);
    // Lane 0's first word is xoshiro256++'s first output for that lane's state.
    CHECK(simd_words[0] != simd_words[2]);
}

TEST_CASE("presence_mask and dense_features match their scalar twins") {
    tms::RandomEngine engine(3);
    std::array<std::uint32_t, 64> words{}, values{}, thresholds{}, always{};
    for (std::size_t i = 0; i < 64; ++i) {
        words[i] = static_cast<std::uint32_t>(engine());
        values[i] = static_cast<std::uint32_t>(engine());
        thresholds[i] = static_cast<std::uint32_t>(engine());
        always[i] = i % 7 == 0 ? 1u : 0u;
    }
    for (const std::size_t count : {1u, 15u, 16u, 20u, 33u, 64u}) {
        CAPTURE(count);
        CHECK(tms::simd::presence_mask(words.data(), thresholds.data(), always.data(), count) ==
              tms::simd::reference::presence_mask(words.data(), thresholds.data(), always.data(), count));
        std::array<float, 64> simd_out{}, scalar_out{};
        tms::simd::dense_features(words.data(), values.data(), thresholds.data(), always.data(), simd_out.data(),
                                  count, 2.0f, -1.0f);
        tms::simd::reference::dense_features(words.data(), values.data(), thresholds.data(), always.data(),
                                             scalar_out.data(), count, 2.0f, -1.0f);
        CHECK(simd_out == scalar_out);
        std::array<float, 64> shared_simd{}, shared_scalar{};
        tms::simd::dense_features<true>(words.data(), values.data(), thresholds.data() + 5, always.data() + 5,
                                        shared_simd.data(), count, 1.0f, 0.0f);
        tms::simd::reference::dense_features<true>(words.data(), values.data(), thresholds.data() + 5,
                                                   always.data() + 5, shared_scalar.data(), count, 1.0f, 0.0f);
        CHECK(shared_simd == shared_scalar);
    }
}

TEST_CASE("dense_feature_from_presence matches its scalar twin; values are uniform given presence") {
    tms::RandomEngine engine(5);
    std::vector<std::uint32_t> words(4099);
    for (auto& w : words) w = static_cast<std::uint32_t>(engine());
    // Probabilities 0.3 and 0.7 (thresholds below and above 2³¹: the word's top bit matters), and p = 1.
    for (const double p : {0.3, 0.7, 1.0}) {
        CAPTURE(p);
        const bool always = p >= 1.0;
        const std::uint32_t threshold = always ? 0u : static_cast<std::uint32_t>(std::ldexp(p, 32));
        const float scale = tms::simd::presence_value_scale(threshold, always);
        for (const std::size_t count : {std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{17}, words.size()}) {
            std::vector<float> simd_out(count), scalar_out(count);
            tms::simd::dense_feature_from_presence(words.data(), threshold, always, scale, simd_out.data(), count,
                                                   2.0f, -1.0f);
            tms::simd::reference::dense_feature_from_presence(words.data(), threshold, always, scale,
                                                              scalar_out.data(), count, 2.0f, -1.0f);
            CHECK(simd_out == scalar_out);
        }
        std::vector<float> out(words.size());
        tms::simd::dense_feature_from_presence(words.data(), threshold, always, scale, out.data(), out.size(), 1.0f,
                                               0.0f);
        std::size_t present = 0, low = 0;
        double sum = 0;
        for (std::size_t k = 0; k < out.size(); ++k) {
            const bool expected_present = always || words[k] < threshold;
            CHECK((out[k] != 0.0f) == expected_present);  // no word below the threshold maps to exactly 0 here
            CHECK(out[k] < 1.0f);
            CHECK(out[k] >= 0.0f);
            if (out[k] == 0.0f) continue;
            ++present;
            sum += out[k];
            low += out[k] < 0.25f ? 1 : 0;
        }
        const double n = static_cast<double>(present);
        // Presence at rate p, and the value uniform on [0, 1) given presence (mean 1/2, a quarter below 1/4),
        // each within 4.5 standard errors.
        CHECK(std::abs(n / static_cast<double>(words.size()) - p) <= 4.5 * std::sqrt(p * (1 - p) / 4099.0) + 1e-9);
        CHECK(std::abs(sum / n - 0.5) <= 4.5 * std::sqrt(1.0 / 12.0 / n));
        CHECK(std::abs(static_cast<double>(low) / n - 0.25) <= 4.5 * std::sqrt(0.25 * 0.75 / n));
    }
    // The largest word below the threshold stays below 1 after rounding.
    const std::uint32_t threshold = 0xF0000001u;
    const float scale = tms::simd::presence_value_scale(threshold, false);
    const std::uint32_t top = threshold - 1;
    float value = 0;
    tms::simd::reference::dense_feature_from_presence(&top, threshold, false, scale, &value, 1, 1.0f, 0.0f);
    CHECK(value < 1.0f);
    CHECK(value > 0.99f);
}

TEST_CASE("geometric gaps match their scalar twin and have the geometric mean") {
    tms::RandomEngine engine(9);
    std::vector<std::uint32_t> words(4096);
    for (auto& w : words) w = static_cast<std::uint32_t>(engine());
    const double p = 0.05;
    const auto inverse = static_cast<float>(1.0 / std::log1p(-p));
    std::vector<float> simd_gaps(words.size()), scalar_gaps(words.size());
    tms::simd::geometric_gaps(words.data(), simd_gaps.data(), words.size(), inverse);
    tms::simd::reference::geometric_gaps(words.data(), scalar_gaps.data(), words.size(), inverse);
    double mean = 0;
    for (std::size_t k = 0; k < words.size(); ++k) {
        // xsimd's log may differ from std::log in the last bit; a floor can then move by one.
        CHECK(std::abs(simd_gaps[k] - scalar_gaps[k]) <= 1.0f);
        CHECK(simd_gaps[k] >= 0.0f);
        mean += simd_gaps[k];
    }
    mean /= static_cast<double>(words.size());
    CHECK(mean == doctest::Approx((1 - p) / p).epsilon(0.06));  // E[failures before success] = (1 − p)/p
}

TEST_CASE_TEMPLATE("compress_nonzeros keeps the nonzeros and their positions in order, like its scalar twin", T, float,
                   double) {
    tms::RandomEngine engine(5);
    for (const std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{10}, std::size_t{16},
                                    std::size_t{17}, std::size_t{100}}) {
        for (const unsigned keep_one_in : {1u, 2u, 5u}) {
            CAPTURE(count);
            CAPTURE(keep_one_in);
            std::vector<T> values(count);
            for (auto& v : values) v = engine() % keep_one_in == 0 ? static_cast<T>(engine() % 1000 + 1) / T(7) : T(0);
            std::vector<std::int32_t> indices(count + 16, -1), reference_indices(count + 16, -1);
            std::vector<T> kept(count + 16), reference_kept(count + 16);
            const std::size_t written = tms::simd::compress_nonzeros(values.data(), count, 3, indices.data(), kept.data());
            const std::size_t expected = tms::simd::reference::compress_nonzeros(
                values.data(), count, 3, reference_indices.data(), reference_kept.data());
            std::size_t nonzeros = 0;
            for (std::size_t i = 0; i < count; ++i) {
                if (values[i] == T(0)) continue;
                REQUIRE(nonzeros < written);
                CHECK(indices[nonzeros] == static_cast<std::int32_t>(3 + i));
                CHECK(kept[nonzeros] == values[i]);
                ++nonzeros;
            }
            CHECK(written == nonzeros);
            REQUIRE(expected == written);
            CHECK(std::equal(indices.begin(), indices.begin() + static_cast<std::ptrdiff_t>(written), reference_indices.begin()));
            CHECK(std::equal(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(written), reference_kept.begin()));
        }
    }
}

TEST_CASE_TEMPLATE("transpose_block16 writes the transposed block and nothing else, like its scalar twin", T, float,
                   double) {
    constexpr std::size_t in_stride = 40, out_stride = 20;
    std::vector<T> in(20 * in_stride);
    for (std::size_t k = 0; k < in.size(); ++k) in[k] = static_cast<T>(k + 1);
    for (const std::size_t rows : {std::size_t{16}, std::size_t{10}, std::size_t{1}, std::size_t{0}}) {
        for (const std::size_t columns : {std::size_t{16}, std::size_t{5}, std::size_t{1}}) {
            CAPTURE(rows);
            CAPTURE(columns);
            std::vector<T> out(17 * out_stride, T(-1)), reference(17 * out_stride, T(-1));
            tms::simd::transpose_block16(in.data() + 3, in_stride, rows, columns, out.data(), out_stride);
            tms::simd::reference::transpose_block16(in.data() + 3, in_stride, rows, columns, reference.data(),
                                                    out_stride);
            CHECK(out == reference);
            bool transposed = true;
            for (std::size_t c = 0; c < 17; ++c) {
                for (std::size_t r = 0; r < out_stride; ++r) {
                    // Inside the block: input column c; everywhere else: untouched.
                    const T expected = r < rows && c < columns ? in[3 + r * in_stride + c] : T(-1);
                    transposed = transposed && out[c * out_stride + r] == expected;
                }
            }
            CHECK(transposed);
        }
    }
}
