// libFuzzer target: tms::parse_npy on arbitrary bytes must return or throw tms::format_error /
// std::invalid_argument, never crash, read out of bounds or allocate more than the input justifies.
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>

#include <tms/io/npy.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    try {
        (void)tms::parse_npy_header(bytes);
    } catch (const tms::format_error&) {
    }
    try {
        (void)tms::parse_npy<float>(bytes);
    } catch (const tms::format_error&) {
    }
    try {
        (void)tms::parse_npy<double>(bytes);
    } catch (const tms::format_error&) {
    }
    try {
        (void)tms::parse_npy<Eigen::Vector3d>(bytes);
    } catch (const tms::format_error&) {
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
