// tms::simd kernels (output_gradient, sparse_gram_gradient, axpy, dot) against their scalar twins in tms::simd::reference, at every
// length around the SIMD width (so the vector body, the scalar tail and both together are exercised).
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <tms/models/activation.hpp>
#include <tms/sampling/random_engine.hpp>
#include <tms/simd/kernels.hpp>

namespace {

template <class T>
std::vector<T> draw(tms::RandomEngine& engine, std::ptrdiff_t n, double low, double high) {
    std::vector<T> v(static_cast<std::size_t>(n));
    for (T& x : v) x = static_cast<T>(low + (high - low) * engine.uniform<double>());
    return v;
}

/// The kernels fuse multiply-adds and sum in a different order, so they agree to rounding, not bit for bit.
template <class T>
constexpr double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-13;

template <class T>
std::vector<std::ptrdiff_t> lengths() {
    const std::ptrdiff_t w = tms::simd::lanes<T>;
    return {0, 1, 2, w - 1, w, w + 1, 2 * w - 1, 2 * w, 3 * w + 3, 20, 67, 512};
}

}  // namespace

TEST_CASE_TEMPLATE("simd::lanes is a positive power of two", T, float, double) {
    const std::ptrdiff_t w = tms::simd::lanes<T>;
    CHECK(w >= 1);
    CHECK((w & (w - 1)) == 0);
}

TEST_CASE_TEMPLATE("output_gradient matches its scalar twin for identity and ReLU outputs", T, float, double) {
    tms::RandomEngine engine(17);
    for (const std::ptrdiff_t n : lengths<T>()) {
        CAPTURE(n);
        // Pre-activations straddle zero so the ReLU mask has both outcomes; one is exactly 0 (f'(0) = 0).
        std::vector<T> z = draw<T>(engine, n, -1.0, 1.0);
        if (n > 2) z[2] = T(0);
        const std::vector<T> target = draw<T>(engine, n, 0.0, 1.0);
        const std::vector<T> importance = draw<T>(engine, n, 0.0, 1.0);
        const T scale = T(0.03125);

        std::vector<T> delta(static_cast<std::size_t>(n), T(-7)), expected_delta(static_cast<std::size_t>(n), T(-7));
        const T loss = tms::simd::output_gradient<tms::Identity>(z.data(), target.data(), importance.data(),
                                                                         delta.data(), n, scale);
        const T expected = tms::simd::reference::output_gradient<tms::Identity>(
            z.data(), target.data(), importance.data(), expected_delta.data(), n, scale);
        CHECK(static_cast<double>(loss) == doctest::Approx(static_cast<double>(expected)).epsilon(tolerance<T>));
        for (std::ptrdiff_t i = 0; i < n; ++i)
            CHECK(static_cast<double>(delta[i]) ==
                  doctest::Approx(static_cast<double>(expected_delta[i])).epsilon(tolerance<T>));

        std::vector<T> relu_delta(static_cast<std::size_t>(n), T(-7)), relu_expected(static_cast<std::size_t>(n), T(-7));
        const T relu_loss = tms::simd::output_gradient<tms::Relu>(z.data(), target.data(), importance.data(),
                                                                          relu_delta.data(), n, scale);
        const T relu_reference = tms::simd::reference::output_gradient<tms::Relu>(
            z.data(), target.data(), importance.data(), relu_expected.data(), n, scale);
        CHECK(static_cast<double>(relu_loss) ==
              doctest::Approx(static_cast<double>(relu_reference)).epsilon(tolerance<T>));
        for (std::ptrdiff_t i = 0; i < n; ++i) {
            CAPTURE(i);
            CHECK(static_cast<double>(relu_delta[i]) ==
                  doctest::Approx(static_cast<double>(relu_expected[i])).epsilon(tolerance<T>));
            // Where the ReLU is off (z ≤ 0) the delta is exactly zero in both.
            if (z[i] <= T(0)) CHECK(relu_delta[i] == T(0));
        }
    }
}

/// Samples of n features (increasing indices, as in a SparseBatch): none, one at either end or in the middle, two,
/// three (skipped when n is too short for them to be distinct).
std::vector<std::vector<std::int32_t>> sparse_samples(std::ptrdiff_t n) {
    const auto last = static_cast<std::int32_t>(n - 1);
    std::vector<std::vector<std::int32_t>> samples = {{}, {0}, {last}, {static_cast<std::int32_t>(n / 2)}};
    if (n >= 2) samples.push_back({0, last});
    if (n >= 3) samples.push_back({0, static_cast<std::int32_t>(n / 3), last});
    return samples;
}

/// sparse_gram_gradient on one sample against the dense formula it fuses: z = G x + b, then output_gradient,
/// b's gradient += δz, M += δz xᵀ. Rows are features padded to `stride`; the sample has `indices` present.
template <class T, class Activation>
void check_sparse_gram_gradient(std::ptrdiff_t stride, const std::vector<std::int32_t>& indices,
                                tms::RandomEngine& engine) {
    const std::vector<T> bias = draw<T>(engine, stride, -0.5, 0.5);
    const std::vector<T> importance = draw<T>(engine, stride, 0.0, 1.0);
    const std::vector<T> gram = draw<T>(engine, stride * stride, -1.0, 1.0);
    const std::vector<T> values = draw<T>(engine, static_cast<std::ptrdiff_t>(indices.size()), 0.0, 1.0);
    const T scale = T(0.0625);
    std::vector<T> x(static_cast<std::size_t>(stride), T(0));
    for (std::size_t k = 0; k < indices.size(); ++k) x[static_cast<std::size_t>(indices[k])] = values[k];

    // Expected, with the kernels already tested above.
    std::vector<T> z(bias);
    for (std::ptrdiff_t j = 0; j < stride; ++j)
        tms::simd::reference::axpy(x[static_cast<std::size_t>(j)], gram.data() + j * stride, z.data(), stride);
    std::vector<T> delta(static_cast<std::size_t>(stride));
    const T expected_loss = tms::simd::reference::output_gradient<Activation>(z.data(), x.data(), importance.data(),
                                                                             delta.data(), stride, scale);
    const std::vector<T> outer_start = draw<T>(engine, stride * stride, -1.0, 1.0);
    const std::vector<T> bias_gradient_start = draw<T>(engine, stride, -1.0, 1.0);
    std::vector<T> expected_outer(outer_start), expected_bias_gradient(bias_gradient_start);
    tms::simd::reference::axpy(T(1), delta.data(), expected_bias_gradient.data(), stride);
    for (std::ptrdiff_t j = 0; j < stride; ++j)
        tms::simd::reference::axpy(x[static_cast<std::size_t>(j)], delta.data(), expected_outer.data() + j * stride,
                                   stride);

    const auto check_against_formula = [&](auto kernel) {
        std::vector<T> outer(outer_start), bias_gradient(bias_gradient_start);
        const T loss = kernel(outer.data(), bias_gradient.data());
        CHECK(static_cast<double>(loss) == doctest::Approx(static_cast<double>(expected_loss)).epsilon(tolerance<T>));
        for (std::ptrdiff_t i = 0; i < stride; ++i)
            CHECK(static_cast<double>(bias_gradient[static_cast<std::size_t>(i)]) ==
                  doctest::Approx(static_cast<double>(expected_bias_gradient[static_cast<std::size_t>(i)]))
                      .epsilon(tolerance<T>));
        for (std::ptrdiff_t i = 0; i < stride * stride; ++i)
            CHECK(static_cast<double>(outer[static_cast<std::size_t>(i)]) ==
                  doctest::Approx(static_cast<double>(expected_outer[static_cast<std::size_t>(i)]))
                      .epsilon(tolerance<T>));
    };
    const auto count = static_cast<std::ptrdiff_t>(indices.size());
    check_against_formula([&](T* outer, T* bias_gradient) {
        return tms::simd::sparse_gram_gradient<Activation>(bias.data(), gram.data(), importance.data(), outer,
                                                           bias_gradient, stride, indices.data(), values.data(),
                                                           count, scale);
    });
    check_against_formula([&](T* outer, T* bias_gradient) {
        return tms::simd::reference::sparse_gram_gradient<Activation>(bias.data(), gram.data(), importance.data(),
                                                                      outer, bias_gradient, stride, indices.data(),
                                                                      values.data(), count, scale, 0, stride);
    });
}

TEST_CASE_TEMPLATE("sparse_gram_gradient is z = Gx + b, output_gradient and M += δz xᵀ fused", T, float, double) {
    tms::RandomEngine engine(29);
    const std::ptrdiff_t w = tms::simd::lanes<T>;
    // Present features in the first, a middle and the last lane of a SIMD block, in the tail, none, several.
    for (const std::ptrdiff_t stride : {std::ptrdiff_t(1), w - 1, w, 2 * w, 2 * w + 3, std::ptrdiff_t(20)}) {
        CAPTURE(stride);
        for (const auto& indices : sparse_samples(stride)) {
            CAPTURE(indices.size());
            check_sparse_gram_gradient<T, tms::Identity>(stride, indices, engine);
            check_sparse_gram_gradient<T, tms::Relu>(stride, indices, engine);
        }
    }
}

TEST_CASE_TEMPLATE("the scalar twin of output_gradient is the formula it documents", T, float, double) {
    // z = (0.5, −0.25), t = (1, 0.5), I = (1, 0.5), scale 2: identity r = (−0.5, −0.75).
    const T z[] = {T(0.5), T(-0.25)};
    const T t[] = {T(1), T(0.5)};
    const T importance[] = {T(1), T(0.5)};
    T delta[2];
    const T loss = tms::simd::reference::output_gradient<tms::Identity>(z, t, importance, delta, 2, T(2));
    CHECK(static_cast<double>(loss) == doctest::Approx(0.25 + 0.5 * 0.5625));
    CHECK(static_cast<double>(delta[0]) == doctest::Approx(-1.0));
    CHECK(static_cast<double>(delta[1]) == doctest::Approx(-0.75));
    // ReLU: y = (0.5, 0), r = (−0.5, −0.5), and no gradient through the inactive unit.
    const T relu_loss = tms::simd::reference::output_gradient<tms::Relu>(z, t, importance, delta, 2, T(2));
    CHECK(static_cast<double>(relu_loss) == doctest::Approx(0.25 + 0.5 * 0.25));
    CHECK(static_cast<double>(delta[0]) == doctest::Approx(-1.0));
    CHECK(delta[1] == T(0));
}

TEST_CASE_TEMPLATE("axpy and dot match their scalar twins", T, float, double) {
    tms::RandomEngine engine(23);
    for (const std::ptrdiff_t n : lengths<T>()) {
        CAPTURE(n);
        const std::vector<T> x = draw<T>(engine, n, -1.0, 1.0);
        const std::vector<T> y0 = draw<T>(engine, n, -1.0, 1.0);
        std::vector<T> y = y0, expected = y0;
        tms::simd::axpy(T(-0.375), x.data(), y.data(), n);
        tms::simd::reference::axpy(T(-0.375), x.data(), expected.data(), n);
        for (std::ptrdiff_t i = 0; i < n; ++i)
            CHECK(static_cast<double>(y[i]) == doctest::Approx(static_cast<double>(expected[i])).epsilon(tolerance<T>));
        double exact = 0;
        for (std::ptrdiff_t i = 0; i < n; ++i) exact += static_cast<double>(x[i]) * static_cast<double>(y0[i]);
        const T simd_dot = tms::simd::dot(x.data(), y0.data(), n);
        const T scalar_dot = tms::simd::reference::dot(x.data(), y0.data(), n);
        CHECK(static_cast<double>(simd_dot) ==
              doctest::Approx(static_cast<double>(scalar_dot)).epsilon(tolerance<T>).scale(std::sqrt(double(n) + 1)));
        CHECK(static_cast<double>(simd_dot) == doctest::Approx(exact).epsilon(tolerance<T>).scale(std::sqrt(double(n) + 1)));
    }
}

TEST_CASE("kernels read and write only their n elements (unaligned, offset pointers)") {
    // Offset by one element so loads and stores are unaligned, with sentinels on both sides.
    std::vector<float> storage(2 + 37, 5.0f);
    std::vector<float> x(1 + 37, 1.0f);
    float* y = storage.data() + 1;
    for (int i = 0; i < 37; ++i) y[i] = static_cast<float>(i);
    tms::simd::axpy(2.0f, x.data() + 1, y, 37);
    CHECK(storage.front() == 5.0f);
    CHECK(storage.back() == 5.0f);
    for (int i = 0; i < 37; ++i) CHECK(y[i] == static_cast<float>(i) + 2.0f);
    CHECK(tms::simd::dot(x.data() + 1, y, 37) == doctest::Approx(37.0 * 2.0 + 36.0 * 37.0 / 2.0));
}
