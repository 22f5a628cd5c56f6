// libFuzzer target: tms::parse_checkpoint on arbitrary bytes must return a parsed checkpoint or throw
// tms::format_error; tms::restore_checkpoint on them must apply a valid checkpoint or throw
// tms::format_error / std::invalid_argument, never crash, read out of bounds, over-allocate or half-apply.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <tms/io/checkpoint.hpp>
#include <tms/tms.hpp>

#include "fuzz_setup.hpp"

namespace {
template <class Scalar>
void try_restore(std::string_view bytes) {
    auto& setup = tms_fuzz::CheckpointSetup<Scalar>::get();
    auto& trainer = setup.fresh_trainer();
    const std::vector<Scalar> before(trainer.parameters().begin(), trainer.parameters().end());
    try {
        tms::restore_checkpoint(bytes, trainer);
        return;
    } catch (const tms::format_error&) {
    } catch (const std::invalid_argument&) {
    }
    // A rejected checkpoint must leave the trainer as it was.
    if (trainer.step() != 0 || !std::equal(before.begin(), before.end(), trainer.parameters().begin())) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
        (void)tms::parse_checkpoint(std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size));
    } catch (const tms::format_error&) {
    }
    try_restore<float>(bytes);
    try_restore<double>(bytes);
    return 0;
}
