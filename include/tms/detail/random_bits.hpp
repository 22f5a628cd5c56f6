#pragma once
/// \file detail/random_bits.hpp
/// A buffered stream of random words from the SIMD xoshiro lanes, seeded from one RandomEngine.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "../sampling/random_engine.hpp"
#include "../simd/random_kernels.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace detail {

/// Random 32-bit words for one sampling call, handed out in contiguous runs so hot loops need no per-word branch.
/// Construction advances the engine by exactly 32 draws (the seeds of the eight lanes).
class RandomBits {
public:
    /// The most words one take32() may ask for.
    static constexpr std::size_t capacity = 2 * 64 * simd::random_lanes;

    explicit RandomBits(RandomEngine& engine) noexcept {
        for (auto& word : state_.words)
            for (auto& lane : word) lane = engine();
        // A lane whose four words are all zero would stay zero forever.
        for (std::size_t lane = 0; lane < simd::random_lanes; ++lane)
            if ((state_.words[0][lane] | state_.words[1][lane] | state_.words[2][lane] | state_.words[3][lane]) == 0)
                state_.words[0][lane] = 1;
    }

    /// \p count ≤ capacity fresh random 32-bit words, valid until the next call. Words left over in the buffer
    /// when a run does not fit are skipped, which keeps the stream a pure function of the call sequence.
    const std::uint32_t* take32(std::size_t count) noexcept {
        TMS_ASSERT(count <= capacity);
        if (filled_ - position_ < count) refill(count);
        const std::uint32_t* run = words_.data() + position_;
        position_ += count;
        return run;
    }

    /// Up to \p max_runs consecutive runs of \p count ≤ capacity words, as many as the buffer holds (at least one:
    /// it refills as take32 would), and how many: exactly the words that many take32(count) calls return, so a
    /// loop over samples can take them in blocks without changing the stream.
    std::pair<const std::uint32_t*, std::size_t> take_runs(std::size_t count, std::size_t max_runs) noexcept {
        TMS_ASSERT(count >= 1 && count <= capacity && max_runs >= 1);
        if (filled_ - position_ < count) refill(count);
        const std::size_t runs = std::min(max_runs, (filled_ - position_) / count);
        const std::uint32_t* first = words_.data() + position_;
        position_ += runs * count;
        return {first, runs};
    }

private:
    /// Generates at least \p count words, and at least minimum_refill: a sparse tile needs only a few dozen words,
    /// and generating the whole buffer for it was a fifth of a training step at p = 0.01.
    void refill(std::size_t count) noexcept {
        constexpr std::size_t block = 2 * simd::random_lanes;  // 32-bit words per xoshiro round
        const std::size_t blocks = (std::max(count, minimum_refill) + block - 1) / block;
        simd::xoshiro_fill(state_, words_.data(), blocks);
        filled_ = blocks * block;
        position_ = 0;
    }

    static constexpr std::size_t minimum_refill = 128;

    simd::WideXoshiroState state_{};
    // Left uninitialised on purpose: it is always filled before it is read, and zeroing it per call showed up.
    std::array<std::uint32_t, capacity> words_;
    std::size_t filled_ = 0;
    std::size_t position_ = 0;
};

}  // namespace detail
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
