// libFuzzer target: tms::parse_checkpoint on arbitrary bytes must return a parsed checkpoint or throw
// tms::format_error; tms::restore_checkpoint on them must apply a valid checkpoint or throw
// tms::format_error / std::invalid_argument, never crash, read out of bounds, over-allocate or half-apply.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <tms/io/checkpoint.hpp>
#include <tms/core.hpp>

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

void try_all(std::string_view bytes) {
    try {
        (void)tms::parse_checkpoint(std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()),
                                                               bytes.size()));
    } catch (const tms::format_error&) {
    }
    try_restore<float>(bytes);
    try_restore<double>(bytes);
}

/// \p bytes with the header's payload size and both CRC-32s made to match, so that mutations get past the
/// checksums and reach the field checks behind them.
std::string with_valid_checksums(std::string_view bytes) {
    std::string out(bytes);
    std::string field;
    tms::detail::put_le<std::uint64_t>(field, out.size() - 32);
    out.replace(16, 8, field);
    field.clear();
    tms::detail::put_le<std::uint32_t>(field, tms::detail::crc32(std::string_view(out).substr(32)));
    out.replace(24, 4, field);
    field.clear();
    tms::detail::put_le<std::uint32_t>(field, tms::detail::crc32(std::string_view(out).substr(0, 28)));
    out.replace(28, 4, field);
    return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try_all(bytes);
    if (size >= 32) try_all(with_valid_checksums(bytes));
    return 0;
}
