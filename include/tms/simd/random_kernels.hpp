#pragma once
/// \file simd/random_kernels.hpp
/// Eight xoshiro256++ generators run side by side in SIMD lanes: the bulk random bits of the sampler.
///
/// The lane count is fixed at eight whatever the instruction set (one AVX-512 register, two AVX2, four SSE2), so
/// a seed yields the same numbers on every machine.

#include <cstddef>
#include <cmath>
#include <cstdint>

#include <xsimd/xsimd.hpp>

namespace tms::simd {

/// Number of independent xoshiro256++ streams in a WideXoshiroState.
inline constexpr std::size_t random_lanes = 8;

/// State of eight xoshiro256++ generators, word-major so each state word loads as whole registers.
struct WideXoshiroState {
    alignas(64) std::uint64_t words[4][random_lanes];
};

namespace reference {

/// Scalar twin of simd::xoshiro_fill.
inline void xoshiro_fill(WideXoshiroState& state, std::uint64_t* out, std::size_t blocks) noexcept {
    auto& s = state.words;
    for (std::size_t block = 0; block < blocks; ++block) {
        for (std::size_t lane = 0; lane < random_lanes; ++lane) {
            const std::uint64_t sum = s[0][lane] + s[3][lane];
            out[block * random_lanes + lane] = ((sum << 23) | (sum >> 41)) + s[0][lane];
            const std::uint64_t t = s[1][lane] << 17;
            s[2][lane] ^= s[0][lane];
            s[3][lane] ^= s[1][lane];
            s[1][lane] ^= s[2][lane];
            s[0][lane] ^= s[3][lane];
            s[2][lane] ^= t;
            s[3][lane] = (s[3][lane] << 45) | (s[3][lane] >> 19);
        }
    }
}

/// Scalar twin of simd::geometric_gaps.
inline void geometric_gaps(const std::uint32_t* words, float* gaps, std::size_t count,
                           float inverse_log_absent) noexcept {
    for (std::size_t k = 0; k < count; ++k) {
        const float u = (static_cast<float>(static_cast<std::int32_t>(words[k] >> 8)) + 0.5f) * 0x1.0p-24f;
        gaps[k] = std::floor(std::log(u) * inverse_log_absent);
    }
}

}  // namespace reference

/// Geometric(p) gaps between present features: floor(log U / log(1 − p)) with U = (⌊w/2⁸⌋ + ½)·2⁻²⁴ ∈ (0, 1)
/// taken from each random word w. \p inverse_log_absent is 1 / log(1 − p).
template <class Arch = xsimd::default_arch>
void geometric_gaps(const std::uint32_t* words, float* gaps, std::size_t count, float inverse_log_absent) noexcept {
    using ints = xsimd::batch<std::int32_t, Arch>;
    using floats = xsimd::batch<float, Arch>;
    constexpr std::size_t lanes = floats::size;
    const std::size_t vector_end = count - count % lanes;
    const floats half(0.5f), unit(0x1.0p-24f), inverse(inverse_log_absent);
    for (std::size_t k = 0; k < vector_end; k += lanes) {
        const ints top = ints::load_unaligned(reinterpret_cast<const std::int32_t*>(words + k)) >> 8;
        const floats u = (xsimd::to_float(top & ints(0x00FFFFFF)) + half) * unit;
        xsimd::floor(xsimd::log(u) * inverse).store_unaligned(gaps + k);
    }
    reference::geometric_gaps(words + vector_end, gaps + vector_end, count - vector_end, inverse_log_absent);
}

/// Writes \p blocks × 8 random 64-bit words to \p out, advancing all eight generators \p blocks times.
/// Word `block * 8 + lane` comes from generator `lane`, exactly as in reference::xoshiro_fill.
template <class Arch = xsimd::default_arch>
void xoshiro_fill(WideXoshiroState& state, std::uint64_t* out, std::size_t blocks) noexcept {
    using batch = xsimd::batch<std::uint64_t, Arch>;
    constexpr std::size_t width = batch::size;
    if constexpr (random_lanes % width != 0) {
        reference::xoshiro_fill(state, out, blocks);
    } else {
        auto& s = state.words;
        for (std::size_t part = 0; part < random_lanes; part += width) {
            batch s0 = batch::load_aligned(&s[0][part]);
            batch s1 = batch::load_aligned(&s[1][part]);
            batch s2 = batch::load_aligned(&s[2][part]);
            batch s3 = batch::load_aligned(&s[3][part]);
            for (std::size_t block = 0; block < blocks; ++block) {
                const batch sum = s0 + s3;
                (((sum << 23) | (sum >> 41)) + s0).store_unaligned(out + block * random_lanes + part);
                const batch t = s1 << 17;
                s2 ^= s0;
                s3 ^= s1;
                s1 ^= s2;
                s0 ^= s3;
                s2 ^= t;
                s3 = (s3 << 45) | (s3 >> 19);
            }
            s0.store_aligned(&s[0][part]);
            s1.store_aligned(&s[1][part]);
            s2.store_aligned(&s[2][part]);
            s3.store_aligned(&s[3][part]);
        }
    }
}

}  // namespace tms::simd
