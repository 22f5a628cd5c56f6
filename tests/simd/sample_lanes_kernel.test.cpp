// The lanes-over-samples kernel against a scalar forward and backward pass written from the paper's formulas, for
// every hidden size it is instantiated for (each uses its own number of lane groups per pass), tied and untied
// weights, both activations, the absolute-value target, and sample counts that end inside a group and a pass.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

#include <tms/models/activation.hpp>
#include <tms/simd/sample_lanes_kernel.hpp>

namespace {

struct Gradients {
    std::vector<double> encoder, decoder, bias;  // m×n, n×m column-major; decoder empty when tied
    double squared_error = 0;
};

/// Σ_s Σ_i I_i (y_i − t_i)² and scale times its half-gradient, one sample at a time in double precision.
template <bool HiddenRelu, bool OutputRelu, bool AbsTarget>
Gradients reference_gradients(const tms::simd::SmallModelView<float>& model, const std::vector<float>& inputs,
                              std::ptrdiff_t stride, std::ptrdiff_t samples, double scale) {
    const std::ptrdiff_t n = model.features, m = model.hidden;
    const bool tied = model.decoder == nullptr;
    const auto U = [&](std::ptrdiff_t j, std::ptrdiff_t i) { return double(model.encoder[j + i * m]); };
    const auto V = [&](std::ptrdiff_t i, std::ptrdiff_t j) { return tied ? U(j, i) : double(model.decoder[i + j * n]); };
    Gradients out;
    out.encoder.assign(static_cast<std::size_t>(m * n), 0.0);
    out.decoder.assign(tied ? 0 : static_cast<std::size_t>(n * m), 0.0);
    out.bias.assign(static_cast<std::size_t>(n), 0.0);
    std::vector<double> pre(static_cast<std::size_t>(m)), h(pre), dh(pre), dz(static_cast<std::size_t>(n));
    for (std::ptrdiff_t s = 0; s < samples; ++s) {
        const auto x = [&](std::ptrdiff_t i) { return double(inputs[static_cast<std::size_t>(i * stride + s)]); };
        for (std::ptrdiff_t j = 0; j < m; ++j) {
            double sum = 0;
            for (std::ptrdiff_t i = 0; i < n; ++i) sum += U(j, i) * x(i);
            pre[j] = sum;
            h[j] = HiddenRelu ? std::max(sum, 0.0) : sum;
        }
        std::fill(dh.begin(), dh.end(), 0.0);
        for (std::ptrdiff_t i = 0; i < n; ++i) {
            double z = model.bias[i];
            for (std::ptrdiff_t j = 0; j < m; ++j) z += V(i, j) * h[j];
            const double y = OutputRelu ? std::max(z, 0.0) : z;
            const double residual = y - (AbsTarget ? std::abs(x(i)) : x(i));
            out.squared_error += model.importance[i] * residual * residual;
            dz[i] = OutputRelu && z <= 0 ? 0.0 : scale * model.importance[i] * residual;
            out.bias[i] += dz[i];
            for (std::ptrdiff_t j = 0; j < m; ++j) {
                (tied ? out.encoder[j + i * m] : out.decoder[i + j * n]) += dz[i] * h[j];
                dh[j] += V(i, j) * dz[i];
            }
        }
        for (std::ptrdiff_t j = 0; j < m; ++j) {
            if (HiddenRelu && pre[j] <= 0) continue;
            for (std::ptrdiff_t i = 0; i < n; ++i) out.encoder[j + i * m] += dh[j] * x(i);
        }
    }
    return out;
}

template <int Hidden, class HiddenActivation, class OutputActivation, bool AbsTarget>
void check_against_reference(std::ptrdiff_t n, std::ptrdiff_t samples, bool tied) {
    CAPTURE(Hidden);
    CAPTURE(n);
    CAPTURE(samples);
    CAPTURE(tied);
    constexpr std::ptrdiff_t m = Hidden;
    std::mt19937 rng(static_cast<unsigned>(n * 1000 + samples * 10 + m));
    std::normal_distribution<float> normal(0.0f, 0.5f);
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    const auto count = [](std::ptrdiff_t size) { return static_cast<std::size_t>(size); };
    std::vector<float> encoder(count(m * n)), decoder(count(m * n)), bias(count(n)), importance(count(n));
    for (auto& w : encoder) w = normal(rng);
    for (auto& w : decoder) w = normal(rng);
    for (auto& b : bias) b = 0.1f * normal(rng);
    for (auto& w : importance) w = unit(rng);
    using Accumulators = tms::simd::LaneAccumulators<float>;
    constexpr std::ptrdiff_t lanes = Accumulators::lanes;
    const std::ptrdiff_t stride = (samples + lanes - 1) / lanes * lanes;
    // Padding lanes hold finite garbage: the kernel must weigh them out, not rely on zeros.
    std::vector<float> inputs(static_cast<std::size_t>(n * stride), 0.75f);
    for (std::ptrdiff_t i = 0; i < n; ++i)
        for (std::ptrdiff_t s = 0; s < samples; ++s)
            inputs[static_cast<std::size_t>(i * stride + s)] =
                unit(rng) < 0.5f ? 0.0f : AbsTarget ? 2.0f * unit(rng) - 1.0f : unit(rng);

    const tms::simd::SmallModelView<float> model{encoder.data(), tied ? nullptr : decoder.data(), bias.data(),
                                                 importance.data(), n, m};
    const float scale = 2.0f / static_cast<float>(samples * n);
    Accumulators accumulators;
    accumulators.reset(n, m, tied);
    // Two calls: the accumulators add up over the tiles of a step.
    for (int call = 0; call < 2; ++call)
        tms::simd::lanes_over_samples_gradient<Hidden, HiddenActivation, OutputActivation, AbsTarget>(
            model, inputs.data(), stride, samples, scale, accumulators);
    std::vector<float> encoder_gradient(encoder.size(), 0.0f), decoder_gradient(decoder.size(), 0.0f),
        bias_gradient(bias.size(), 0.0f);
    const float squared_error =
        accumulators.reduce(encoder_gradient.data(), decoder_gradient.data(), bias_gradient.data());

    const auto expected = reference_gradients<!HiddenActivation::is_identity, !OutputActivation::is_identity,
                                              AbsTarget>(model, inputs, stride, samples, scale);
    CHECK(squared_error == doctest::Approx(2 * expected.squared_error).epsilon(1e-5));
    double largest = 1e-12;
    for (const double g : expected.encoder) largest = std::max(largest, std::abs(g));
    for (const double g : expected.decoder) largest = std::max(largest, std::abs(g));
    for (const double g : expected.bias) largest = std::max(largest, std::abs(g));
    const auto close = [&](const std::vector<float>& got, const std::vector<double>& want) {
        for (std::size_t k = 0; k < want.size(); ++k)
            if (std::abs(double(got[k]) - 2 * want[k]) > 2e-5 * largest) return false;
        return true;
    };
    CHECK(close(encoder_gradient, expected.encoder));
    if (!tied) CHECK(close(decoder_gradient, expected.decoder));
    CHECK(close(bias_gradient, expected.bias));
}

template <int Hidden>
void check_every_case() {
    for (const std::ptrdiff_t n : {1, 3, 10, 20}) {
        for (const std::ptrdiff_t samples : {1, 15, 16, 17, 40, 100, 256}) {
            for (const bool tied : {true, false}) {
                check_against_reference<Hidden, tms::Relu, tms::Relu, false>(n, samples, tied);           // ReLU hidden
                check_against_reference<Hidden, tms::Identity, tms::Relu, false>(n, samples, tied);       // ReLU output
                check_against_reference<Hidden, tms::Identity, tms::Identity, false>(n, samples, tied);   // linear
                check_against_reference<Hidden, tms::Relu, tms::Relu, true>(n, samples, tied);            // abs value
            }
        }
    }
}

}  // namespace

TEST_CASE("lanes_over_samples_gradient matches a scalar forward and backward pass") {
    check_every_case<1>();
    check_every_case<2>();
    check_every_case<3>();
    check_every_case<4>();
    check_every_case<5>();
    check_every_case<6>();
    check_every_case<7>();
    check_every_case<8>();
}

TEST_CASE("lanes_over_samples_gradient: a sample count that ends inside a pass gives the sum of its parts") {
    // One call over 3 groups plus a partial one equals the same samples fed as two calls: the pass structure
    // (several groups per pass, a masked tail) does not change the sum beyond rounding.
    constexpr int m = 5;
    constexpr std::ptrdiff_t n = 10;
    using Accumulators = tms::simd::LaneAccumulators<float>;
    constexpr std::ptrdiff_t lanes = Accumulators::lanes;
    const std::ptrdiff_t samples = 3 * lanes + 5;
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    std::vector<float> encoder(m * n), bias(n, 0.05f), importance(n, 1.0f);
    for (auto& w : encoder) w = unit(rng) - 0.5f;
    std::vector<float> inputs(static_cast<std::size_t>(n * 4 * lanes), 0.0f);
    for (std::ptrdiff_t i = 0; i < n; ++i)
        for (std::ptrdiff_t s = 0; s < samples; ++s) inputs[static_cast<std::size_t>(i * 4 * lanes + s)] = unit(rng);
    const tms::simd::SmallModelView<float> model{encoder.data(), nullptr, bias.data(), importance.data(), n, m};
    Accumulators whole, split;
    whole.reset(n, m, true);
    split.reset(n, m, true);
    tms::simd::lanes_over_samples_gradient<m, tms::Relu, tms::Relu, false>(model, inputs.data(), 4 * lanes, samples,
                                                                           0.01f, whole);
    tms::simd::lanes_over_samples_gradient<m, tms::Relu, tms::Relu, false>(model, inputs.data(), 4 * lanes, lanes,
                                                                           0.01f, split);
    tms::simd::lanes_over_samples_gradient<m, tms::Relu, tms::Relu, false>(model, inputs.data() + lanes, 4 * lanes,
                                                                           samples - lanes, 0.01f, split);
    std::vector<float> a(m * n + n, 0.0f), b(a);
    const float loss_whole = whole.reduce(a.data(), nullptr, a.data() + m * n);
    const float loss_split = split.reduce(b.data(), nullptr, b.data() + m * n);
    CHECK(loss_whole == doctest::Approx(loss_split).epsilon(1e-6));
    for (std::size_t k = 0; k < a.size(); ++k) CHECK(a[k] == doctest::Approx(b[k]).epsilon(1e-5));
}
