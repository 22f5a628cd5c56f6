// tms::simd kernels (output_gradient, axpy, dot) against their scalar twins in tms::simd::reference, at every
// length around the SIMD width (so the vector body, the scalar tail and both together are exercised).
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include <tms/detail/activation.hpp>
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
        const T loss = tms::simd::output_gradient<tms::detail::Identity>(z.data(), target.data(), importance.data(),
                                                                         delta.data(), n, scale);
        const T expected = tms::simd::reference::output_gradient<tms::detail::Identity>(
            z.data(), target.data(), importance.data(), expected_delta.data(), n, scale);
        CHECK(static_cast<double>(loss) == doctest::Approx(static_cast<double>(expected)).epsilon(tolerance<T>));
        for (std::ptrdiff_t i = 0; i < n; ++i)
            CHECK(static_cast<double>(delta[i]) ==
                  doctest::Approx(static_cast<double>(expected_delta[i])).epsilon(tolerance<T>));

        std::vector<T> relu_delta(static_cast<std::size_t>(n), T(-7)), relu_expected(static_cast<std::size_t>(n), T(-7));
        const T relu_loss = tms::simd::output_gradient<tms::detail::Relu>(z.data(), target.data(), importance.data(),
                                                                          relu_delta.data(), n, scale);
        const T relu_reference = tms::simd::reference::output_gradient<tms::detail::Relu>(
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

TEST_CASE_TEMPLATE("the scalar twin of output_gradient is the formula it documents", T, float, double) {
    // z = (0.5, −0.25), t = (1, 0.5), I = (1, 0.5), scale 2: identity r = (−0.5, −0.75).
    const T z[] = {T(0.5), T(-0.25)};
    const T t[] = {T(1), T(0.5)};
    const T importance[] = {T(1), T(0.5)};
    T delta[2];
    const T loss = tms::simd::reference::output_gradient<tms::detail::Identity>(z, t, importance, delta, 2, T(2));
    CHECK(static_cast<double>(loss) == doctest::Approx(0.25 + 0.5 * 0.5625));
    CHECK(static_cast<double>(delta[0]) == doctest::Approx(-1.0));
    CHECK(static_cast<double>(delta[1]) == doctest::Approx(-0.75));
    // ReLU: y = (0.5, 0), r = (−0.5, −0.5), and no gradient through the inactive unit.
    const T relu_loss = tms::simd::reference::output_gradient<tms::detail::Relu>(z, t, importance, delta, 2, T(2));
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
