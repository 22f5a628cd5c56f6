#pragma once
/// \file sampling/random_engine.hpp
/// A seedable, splittable random engine (xoshiro256++), so every run is reproducible.

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#include "../concepts.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// xoshiro256++ (Blackman and Vigna): 256 bits of state, period 2²⁵⁶ − 1, passes BigCrush.
///
/// Seeding goes through SplitMix64, and split(k) derives an independent engine for stream k from the seed
/// alone, so model k of a sweep draws the same numbers whichever thread or machine trains it.
/// Satisfies std::uniform_random_bit_generator.
class RandomEngine {
public:
    using result_type = std::uint64_t;
    using State = std::array<std::uint64_t, 4>;

    /// An engine for \p seed and stream \p stream (streams of one seed are independent).
    explicit RandomEngine(std::uint64_t seed = 0, std::uint64_t stream = 0) noexcept : seed_(seed), stream_(stream) {
        std::uint64_t mix = seed ^ (0x9E3779B97F4A7C15ULL * (stream + 1));
        for (auto& word : state_) word = splitmix64(mix);
        // The all-zero state is the one state xoshiro cannot leave; SplitMix64 never yields four zeros in a
        // row, but guard it anyway so a hand-set state cannot produce it either.
        if (state_ == State{}) state_[0] = 1;
    }

    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

    /// The next 64 random bits.
    result_type operator()() noexcept {
        const std::uint64_t result = std::rotl(state_[0] + state_[3], 23) + state_[0];
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = std::rotl(state_[3], 45);
        return result;
    }

    /// An independent engine for sub-stream \p stream of this engine's (seed, stream) pair.
    [[nodiscard]] RandomEngine split(std::uint64_t stream) const noexcept {
        std::uint64_t mix = seed_ ^ std::rotl(stream_ * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL, 17);
        return RandomEngine(splitmix64(mix), stream);
    }

    /// Uniform in [0, 1) with the full mantissa of \p Scalar.
    template <real_scalar Scalar>
    Scalar uniform() noexcept {
        if constexpr (std::is_same_v<Scalar, float>)
            return static_cast<float>((*this)() >> 40) * 0x1.0p-24f;
        else
            return static_cast<double>((*this)() >> 11) * 0x1.0p-53;
    }

    /// Standard normal by Box–Muller (written out so results do not depend on the standard library).
    double normal() noexcept {
        if (has_spare_normal_) {
            has_spare_normal_ = false;
            return spare_normal_;
        }
        const double u1 = 1.0 - uniform<double>();  // in (0, 1], so the log is finite
        const double u2 = uniform<double>();
        const double radius = std::sqrt(-2.0 * std::log(u1));
        spare_normal_ = radius * std::sin(2.0 * std::numbers::pi * u2);
        has_spare_normal_ = true;
        return radius * std::cos(2.0 * std::numbers::pi * u2);
    }

    /// The generator state, for checkpoints.
    [[nodiscard]] const State& state() const noexcept { return state_; }
    /// Restores a state from state() (the spare normal is dropped, so save between whole draws).
    void set_state(const State& state) noexcept {
        state_ = state == State{} ? State{1, 0, 0, 0} : state;
        has_spare_normal_ = false;
    }
    [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }
    [[nodiscard]] std::uint64_t stream() const noexcept { return stream_; }

    friend bool operator==(const RandomEngine& a, const RandomEngine& b) noexcept { return a.state_ == b.state_; }

private:
    static constexpr std::uint64_t splitmix64(std::uint64_t& x) noexcept {
        std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    State state_{};
    std::uint64_t seed_ = 0;
    std::uint64_t stream_ = 0;
    double spare_normal_ = 0.0;
    bool has_spare_normal_ = false;
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
