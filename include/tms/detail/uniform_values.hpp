#pragma once
/// \file detail/uniform_values.hpp
/// Uniform feature values from a RandomBits stream: the value draw shared by the samplers' sparse paths.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../concepts.hpp"
#include "random_bits.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace detail {

/// Writes \p count values offset + width·u with u uniform on [0, 1) from 24 (float) or 53 (double) random bits,
/// the same bits-to-value map as SparseFeatureSampler, so a value depends only on the words drawn for it.
template <real_scalar Scalar>
void draw_uniform_values(RandomBits& bits, Scalar* out, std::size_t count, Scalar width, Scalar offset) noexcept {
    constexpr std::size_t words_per_value = std::is_same_v<Scalar, float> ? 1 : 2;
    constexpr std::size_t chunk = RandomBits::capacity / 2;
    for (std::size_t start = 0; start < count; start += chunk) {
        const std::size_t run = std::min(chunk, count - start);
        const std::uint32_t* words = bits.take32(run * words_per_value);
        Scalar* values = out + start;
        for (std::size_t k = 0; k < run; ++k) {
            Scalar u;
            if constexpr (std::is_same_v<Scalar, float>) {
                u = static_cast<float>(static_cast<std::int32_t>(words[k] >> 8)) * 0x1.0p-24f;
            } else {
                const std::uint64_t wide = (std::uint64_t{words[2 * k + 1]} << 32) | words[2 * k];
                u = static_cast<double>(static_cast<std::int64_t>(wide >> 11)) * 0x1.0p-53;
            }
            values[k] = offset + width * u;
        }
    }
}

}  // namespace detail
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
