// Timing a SIMD kernel against its scalar twin: tms::simd::output_gradient (the output-layer residual and loss of
// the gradient core) on one sample of n = 4096 features, with the ReLU activation tag tms::Relu. Prints the time per
// call of each and checks they agree (a correctness check; the figures are informational, never asserted).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include <tms/simd/kernels.hpp>
#include <tms/core.hpp>

int main() {
    constexpr std::ptrdiff_t n = 4096;
    tms::RandomEngine engine(5);
    std::vector<float> z(n), target(n), importance(n), delta_simd(n), delta_scalar(n);
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        z[i] = engine.uniform<float>() - 0.5f;
        target[i] = engine.uniform<float>() < 0.1f ? engine.uniform<float>() : 0.0f;
        importance[i] = std::pow(0.999f, static_cast<float>(i));
    }
    auto time_per_call = [](auto&& kernel) {
        constexpr int calls = 2'000;
        float sink = 0;
        const auto start = std::chrono::steady_clock::now();
        for (int k = 0; k < calls; ++k) sink += kernel();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return std::pair{seconds / calls * 1e9, sink};
    };
    const float scale = 1e-3f;
    const auto [simd_ns, simd_loss] = time_per_call([&] {
        return tms::simd::output_gradient<tms::Relu>(z.data(), target.data(), importance.data(), delta_simd.data(), n,
                                                     scale);
    });
    const auto [scalar_ns, scalar_loss] = time_per_call([&] {
        return tms::simd::reference::output_gradient<tms::Relu>(z.data(), target.data(), importance.data(),
                                                                delta_scalar.data(), n, scale);
    });
    double max_difference = 0;
    for (std::ptrdiff_t i = 0; i < n; ++i)
        max_difference = std::max(max_difference, static_cast<double>(std::abs(delta_simd[i] - delta_scalar[i])));
    std::printf("output_gradient<Relu>, n = %td: SIMD %.0f ns/call, scalar %.0f ns/call (%.1fx); max |delta| "
                "difference %.2g\n", n, simd_ns, scalar_ns, scalar_ns / simd_ns, max_difference);
    const double relative = std::abs(simd_loss - scalar_loss) / std::abs(scalar_loss);
    return max_difference < 1e-6 && relative < 1e-4 ? 0 : 1;
}
