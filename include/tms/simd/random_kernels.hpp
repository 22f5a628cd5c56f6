#pragma once
/// \file simd/random_kernels.hpp
/// Eight xoshiro256++ generators run side by side in SIMD lanes: the bulk random bits of the sampler.
///
/// The lane count is fixed at eight whatever the instruction set (one AVX-512 register, two AVX2, four SSE2), so
/// a seed yields the same numbers on every machine.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include <xsimd/xsimd.hpp>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace simd {

/// Number of independent xoshiro256++ streams in a WideXoshiroState.
inline constexpr std::size_t random_lanes = 8;

/// State of eight xoshiro256++ generators, word-major so each state word loads as whole registers.
struct WideXoshiroState {
    alignas(64) std::uint64_t words[4][random_lanes];
};

/// The largest float below 1: uniform draws are clamped to it so that rounding never yields 1.
inline constexpr float largest_below_one = 0x1.fffffep-1f;

/// The factor that turns a present entry's word into its value in dense_feature_from_presence: a word below the
/// threshold T is uniform on [0, T), so (word >> 1) · 2/T is uniform on [0, 1); with always set, on [0, 2³²).
[[nodiscard]] inline float presence_value_scale(std::uint32_t threshold, bool always) noexcept {
    if (always) return 0x1.0p-31f;
    return threshold == 0 ? 0.0f : static_cast<float>(2.0 / static_cast<double>(threshold));
}

namespace reference {

/// Scalar twin of simd::xoshiro_fill.
inline void xoshiro_fill(WideXoshiroState& state, std::uint32_t* out, std::size_t blocks) noexcept {
    auto& s = state.words;
    for (std::size_t block = 0; block < blocks; ++block) {
        for (std::size_t lane = 0; lane < random_lanes; ++lane) {
            const std::uint64_t sum = s[0][lane] + s[3][lane];
            const std::uint64_t word = std::rotl(sum, 23) + s[0][lane];
            const std::size_t at = 2 * (block * random_lanes + lane);
            out[at] = static_cast<std::uint32_t>(word);  // little-endian halves, as the SIMD store lays them out
            out[at + 1] = static_cast<std::uint32_t>(word >> 32);
            const std::uint64_t t = s[1][lane] << 17;
            s[2][lane] ^= s[0][lane];
            s[3][lane] ^= s[1][lane];
            s[1][lane] ^= s[2][lane];
            s[0][lane] ^= s[3][lane];
            s[2][lane] ^= t;
            s[3][lane] = std::rotl(s[3][lane], 45);
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

/// Scalar twin of simd::presence_mask.
inline std::uint64_t presence_mask(const std::uint32_t* words, const std::uint32_t* thresholds,
                                   const std::uint32_t* always, std::size_t count) noexcept {
    std::uint64_t mask = 0;
    for (std::size_t i = 0; i < count; ++i)
        mask |= std::uint64_t{words[i] < thresholds[i] || always[i] != 0} << i;
    return mask;
}

/// Scalar twin of simd::dense_features.
template <bool SharedThreshold = false, class T>
void dense_features(const std::uint32_t* presence_words, const std::uint32_t* value_words,
                    const std::uint32_t* thresholds, const std::uint32_t* always, T* out, std::size_t count, T width,
                    T offset) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t t = SharedThreshold ? 0 : i;
        T u;
        if constexpr (sizeof(T) == 4) {
            u = static_cast<T>(static_cast<std::int32_t>(value_words[i] >> 8)) * T(0x1.0p-24);
        } else {
            const std::uint64_t wide = (std::uint64_t{value_words[2 * i + 1]} << 32) | value_words[2 * i];
            u = static_cast<T>(static_cast<std::int64_t>(wide >> 11)) * T(0x1.0p-53);
        }
        const bool present = presence_words[i] < thresholds[t] || always[t] != 0;
        out[i] = present ? offset + width * u : T(0);
    }
}

/// Scalar twin of simd::dense_feature_from_presence.
inline void dense_feature_from_presence(const std::uint32_t* words, std::uint32_t threshold, bool always,
                                        float value_scale, float* out, std::size_t count, float width,
                                        float offset) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        const bool present = always || words[i] < threshold;
        const float u = std::min(static_cast<float>(static_cast<std::int32_t>(words[i] >> 1)) * value_scale,
                                 largest_below_one);
        out[i] = present ? offset + width * u : 0.0f;
    }
}

/// Scalar twin of simd::compress_nonzeros (branch-free: each entry is written, and kept only if nonzero).
template <class T>
std::size_t compress_nonzeros(const T* values, std::size_t count, std::int32_t first, std::int32_t* out_indices,
                              T* out_values) noexcept {
    std::size_t written = 0;
    for (std::size_t i = 0; i < count; ++i) {
        out_indices[written] = first + static_cast<std::int32_t>(i);
        out_values[written] = values[i];
        written += static_cast<std::size_t>(values[i] != T(0));
    }
    return written;
}

/// Scalar twin of simd::transpose_block16.
template <class T>
void transpose_block16(const T* in, std::size_t in_stride, std::size_t rows, std::size_t columns, T* out,
                       std::size_t out_stride) noexcept {
    for (std::size_t c = 0; c < columns; ++c)
        for (std::size_t r = 0; r < rows; ++r) out[c * out_stride + r] = in[r * in_stride + c];
}

}  // namespace reference

/// Dense draws: out[i] = offset + width·u_i when entry i is present (as in presence_mask), else 0, with u_i
/// uniform on [0, 1) from value_words (one word per float, two per double). With \p SharedThreshold every entry
/// uses thresholds[0] and always[0] (one feature across many samples); otherwise entry i uses thresholds[i].
template <bool SharedThreshold = false, class T, class Arch = xsimd::default_arch>
[[gnu::always_inline]] inline void dense_features(const std::uint32_t* presence_words, const std::uint32_t* value_words,
                                                  const std::uint32_t* thresholds, const std::uint32_t* always, T* out,
                                                  std::size_t count, T width, T offset) noexcept {
    if constexpr (sizeof(T) != 4) {
        reference::dense_features<SharedThreshold>(presence_words, value_words, thresholds, always, out, count, width,
                                                   offset);
    } else {
        using words = xsimd::batch<std::uint32_t, Arch>;
        using ints = xsimd::batch<std::int32_t, Arch>;
        using floats = xsimd::batch<float, Arch>;
        constexpr std::size_t lanes = floats::size;
        const std::size_t vector_end = count - count % lanes;
        const words zero(0u);
        const floats unit(0x1.0p-24f), scale(width), shift(offset);
        for (std::size_t i = 0; i < vector_end; i += lanes) {
            const ints top = ints::load_unaligned(reinterpret_cast<const std::int32_t*>(value_words + i)) >> 8;
            const floats value = xsimd::fma(xsimd::to_float(top & ints(0x00FFFFFF)) * unit, scale, shift);
            const words threshold = SharedThreshold ? words(thresholds[0]) : words::load_unaligned(thresholds + i);
            const words certain = SharedThreshold ? words(always[0]) : words::load_unaligned(always + i);
            const auto present = (words::load_unaligned(presence_words + i) < threshold) | (certain != zero);
            // Select on the bit patterns: +0.0f is all zero bits, and xsimd 8.1 has no uint32→float mask cast.
            xsimd::bitwise_cast<floats>(xsimd::select(present, xsimd::bitwise_cast<words>(value), zero))
                .store_unaligned(out + i);
        }
        const std::size_t tail_threshold = SharedThreshold ? 0 : vector_end;
        reference::dense_features<SharedThreshold>(presence_words + vector_end, value_words + vector_end,
                                                   thresholds + tail_threshold, always + tail_threshold,
                                                   out + vector_end, count - vector_end, width, offset);
    }
}

/// One feature across \p count samples from one word per sample: present when the word is below \p threshold (or
/// \p always), and then the same word, uniform on [0, threshold), gives its value offset + width·u with
/// u = min((word >> 1) · value_scale, largest_below_one) (value_scale from presence_value_scale). Half the random
/// words of dense_features, whose value word is independent of the presence word; u keeps 24 significant bits
/// while the threshold is at least 2²⁵ (p ≥ 2⁻⁷).
template <class Arch = xsimd::default_arch>
[[gnu::always_inline]] inline void dense_feature_from_presence(const std::uint32_t* words, std::uint32_t threshold,
                                                               bool always, float value_scale, float* out,
                                                               std::size_t count, float width,
                                                               float offset) noexcept {
    using word_batch = xsimd::batch<std::uint32_t, Arch>;
    using ints = xsimd::batch<std::int32_t, Arch>;
    using floats = xsimd::batch<float, Arch>;
    constexpr std::size_t lanes = floats::size;
    const std::size_t vector_end = count - count % lanes;
    const word_batch zero(0u), limit(threshold), everything(always ? ~0u : 0u);
    const floats scale(value_scale), below_one(largest_below_one), stretch(width), shift(offset);
    for (std::size_t i = 0; i < vector_end; i += lanes) {
        const word_batch w = word_batch::load_unaligned(words + i);
        const floats u = xsimd::min(xsimd::to_float(xsimd::bitwise_cast<ints>(w >> 1)) * scale, below_one);
        const floats value = xsimd::fma(u, stretch, shift);
        const auto present = (w < limit) | (everything != zero);
        // Select on the bit patterns: +0.0f is all zero bits, and xsimd 8.1 has no uint32→float mask cast.
        xsimd::bitwise_cast<floats>(xsimd::select(present, xsimd::bitwise_cast<word_batch>(value), zero))
            .store_unaligned(out + i);
    }
    reference::dense_feature_from_presence(words + vector_end, threshold, always, value_scale, out + vector_end,
                                           count - vector_end, width, offset);
}

/// Bit i set when feature i is present: words[i] < thresholds[i], or always[i] ≠ 0 (probability one).
/// \pre count ≤ 64
template <class Arch = xsimd::default_arch>
[[gnu::always_inline]] inline std::uint64_t presence_mask(const std::uint32_t* words, const std::uint32_t* thresholds,
                                                          const std::uint32_t* always, std::size_t count) noexcept {
    using batch = xsimd::batch<std::uint32_t, Arch>;
    constexpr std::size_t lanes = batch::size;
    static_assert(lanes <= 32, "a lane's bit must fit a 32-bit word");
    alignas(64) static constexpr std::uint32_t lane_bits[32] = {
        1u << 0,  1u << 1,  1u << 2,  1u << 3,  1u << 4,  1u << 5,  1u << 6,  1u << 7,  1u << 8,  1u << 9,  1u << 10,
        1u << 11, 1u << 12, 1u << 13, 1u << 14, 1u << 15, 1u << 16, 1u << 17, 1u << 18, 1u << 19, 1u << 20, 1u << 21,
        1u << 22, 1u << 23, 1u << 24, 1u << 25, 1u << 26, 1u << 27, 1u << 28, 1u << 29, 1u << 30, 1u << 31};
    const batch bits = batch::load_aligned(lane_bits);
    const batch zero(0u);
    const std::size_t vector_end = count - count % lanes;
    std::uint64_t mask = 0;
    for (std::size_t first = 0; first < vector_end; first += lanes) {
        const auto present = (batch::load_unaligned(words + first) < batch::load_unaligned(thresholds + first)) |
                             (batch::load_unaligned(always + first) != zero);
        if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
            // AVX-512 comparisons produce the lane mask itself (xsimd 8.1 has no portable way to read it).
            mask |= std::uint64_t{static_cast<std::uint16_t>(present.data)} << first;
        } else {
            // The lanes carry distinct bits, so their sum is their union.
            mask |= std::uint64_t{xsimd::hadd(xsimd::select(present, bits, zero))} << first;
        }
    }
    if (vector_end == count) return mask;  // also keeps the shift below under 64 bits when count = 64
    return mask | (reference::presence_mask(words + vector_end, thresholds + vector_end, always + vector_end,
                                            count - vector_end)
                   << vector_end);
}

/// Writes the transpose of the rows × columns block at \p in (row-major, row stride \p in_stride; rows, columns
/// ≤ 16) to \p out (row stride \p out_stride): out row c, entries [0, rows), is input column c. Only the block is
/// read and only its transpose written. With AVX-512 and float, one 16 × 16 register transpose (unpack, shuffle,
/// two 128-bit lane shuffles: 64 instructions) with masked loads and stores; a scalar loop otherwise, which was
/// the largest cost of turning a feature-major draw into the other layouts.
template <class T, class Arch = xsimd::default_arch>
[[gnu::always_inline]] inline void transpose_block16(const T* in, std::size_t in_stride, std::size_t rows,
                                                     std::size_t columns, T* out, std::size_t out_stride) noexcept {
    if constexpr (std::is_base_of_v<xsimd::avx512f, Arch> && std::is_same_v<T, float>) {
        using lane_mask = typename xsimd::batch_bool<T, Arch>::register_type;  // __mmask16
        using floats = xsimd::batch<T, Arch>;
        typename floats::register_type r[16], t[16];
        const auto first_lanes = [](std::size_t count) {
            return static_cast<lane_mask>(count >= 16 ? 0xFFFFu : (1u << count) - 1u);
        };
        const lane_mask loaded = first_lanes(columns), stored = first_lanes(rows);
        for (std::size_t k = 0; k < 16; ++k)
            r[k] = k < rows ? _mm512_maskz_loadu_ps(loaded, in + k * in_stride) : floats(T(0)).data;
        for (std::size_t k = 0; k < 16; k += 2) {
            t[k] = _mm512_unpacklo_ps(r[k], r[k + 1]);
            t[k + 1] = _mm512_unpackhi_ps(r[k], r[k + 1]);
        }
        for (std::size_t k = 0; k < 16; k += 4) {
            r[k] = _mm512_shuffle_ps(t[k], t[k + 2], 0x44);
            r[k + 1] = _mm512_shuffle_ps(t[k], t[k + 2], 0xEE);
            r[k + 2] = _mm512_shuffle_ps(t[k + 1], t[k + 3], 0x44);
            r[k + 3] = _mm512_shuffle_ps(t[k + 1], t[k + 3], 0xEE);
        }
        for (std::size_t k = 0; k < 4; ++k) {
            t[k] = _mm512_shuffle_f32x4(r[k], r[k + 4], 0x88);
            t[k + 4] = _mm512_shuffle_f32x4(r[k], r[k + 4], 0xDD);
            t[k + 8] = _mm512_shuffle_f32x4(r[k + 8], r[k + 12], 0x88);
            t[k + 12] = _mm512_shuffle_f32x4(r[k + 8], r[k + 12], 0xDD);
        }
        for (std::size_t k = 0; k < 8; ++k) {
            r[k] = _mm512_shuffle_f32x4(t[k], t[k + 8], 0x88);
            r[k + 8] = _mm512_shuffle_f32x4(t[k], t[k + 8], 0xDD);
        }
        for (std::size_t c = 0; c < columns; ++c) _mm512_mask_storeu_ps(out + c * out_stride, stored, r[c]);
    } else {
        reference::transpose_block16(in, in_stride, rows, columns, out, out_stride);
    }
}

/// Appends the nonzero entries of values[0, count) to \p out_values and their positions plus \p first to
/// \p out_indices, in order, and returns how many: a sparse sample from a dense column. Both outputs need room for
/// \p count entries rounded up to 16 (whole registers are stored). With AVX-512 and float, one compare and two
/// compresses per 16 entries; a scalar loop with a data-dependent store position otherwise ran at 4-5 cycles per
/// entry.
template <class T, class Arch = xsimd::default_arch>
[[gnu::always_inline]] inline std::size_t compress_nonzeros(const T* values, std::size_t count, std::int32_t first,
                                                            std::int32_t* out_indices, T* out_values) noexcept {
    if constexpr (std::is_base_of_v<xsimd::avx512f, Arch> && std::is_same_v<T, float>) {
        // Written through xsimd's types so that every intrinsic call depends on Arch: builds without AVX-512 never
        // see an undeclared name.
        using floats = xsimd::batch<T, Arch>;
        using ints = xsimd::batch<std::int32_t, Arch>;
        using lane_mask = typename xsimd::batch_bool<T, Arch>::register_type;  // __mmask16
        alignas(64) static constexpr std::int32_t iota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        const ints lanes = ints::load_aligned(iota);
        const floats zero(T(0));
        std::size_t written = 0;
        for (std::size_t block = 0; block < count; block += 16) {
            const std::size_t left = count - block;
            const auto loaded = static_cast<lane_mask>(left >= 16 ? 0xFFFFu : (1u << left) - 1u);
            const floats v = _mm512_maskz_loadu_ps(loaded, values + block);  // lanes past count read as zero
            const lane_mask nonzero = (v != zero).data;
            // Compressed in registers and stored whole: a compress-store straight to memory is microcoded on
            // AMD's Zen 4 and measured slower on Zen 5.
            _mm512_storeu_ps(out_values + written, _mm512_maskz_compress_ps(nonzero, v));
            _mm512_storeu_si512(out_indices + written,
                                _mm512_maskz_compress_epi32(nonzero, (lanes + ints(first + static_cast<std::int32_t>(block))).data));
            written += static_cast<std::size_t>(std::popcount(static_cast<unsigned>(nonzero)));
        }
        return written;
    } else {
        return reference::compress_nonzeros(values, count, first, out_indices, out_values);
    }
}

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

/// Each 64-bit lane of \p x rotated left by \p Shift bits. xsimd 8.1 has no rotate and GCC 12 keeps the
/// shift-shift-or; AVX-512's one-instruction rotate shortens xoshiro's dependency chain (BM_XoshiroFill: 1.46×).
template <int Shift, class Arch>
[[nodiscard]] xsimd::batch<std::uint64_t, Arch> rotate_left(const xsimd::batch<std::uint64_t, Arch>& x) noexcept {
    static_assert(Shift > 0 && Shift < 64, "rotate_left: the shift must be in 1..63");
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>)
        return xsimd::batch<std::uint64_t, Arch>(_mm512_rol_epi64(x, Shift));
    else
#endif
        return (x << Shift) | (x >> (64 - Shift));
}

/// Writes \p blocks × 8 random 64-bit words to \p out as 32-bit halves (low half first), advancing all eight
/// generators \p blocks times. Word `block * 8 + lane` comes from generator `lane`, as in reference::xoshiro_fill.
template <class Arch = xsimd::default_arch>
void xoshiro_fill(WideXoshiroState& state, std::uint32_t* out, std::size_t blocks) noexcept {
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
                // xsimd stores through the vector type, which may alias the 32-bit buffer.
                (rotate_left<23>(sum) + s0)
                    .store_unaligned(reinterpret_cast<std::uint64_t*>(out + 2 * (block * random_lanes + part)));
                const batch t = s1 << 17;
                s2 ^= s0;
                s3 ^= s1;
                s1 ^= s2;
                s0 ^= s3;
                s2 ^= t;
                s3 = rotate_left<45>(s3);
            }
            s0.store_aligned(&s[0][part]);
            s1.store_aligned(&s[1][part]);
            s2.store_aligned(&s[2][part]);
            s3.store_aligned(&s[3][part]);
        }
    }
}

}  // namespace simd
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
