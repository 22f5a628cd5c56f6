#pragma once
/// \file io/detail/bytes.hpp
/// Little-endian encoding, CRC-32 and a bounds-checked reader shared by the file formats in tms/io.

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "../../config.hpp"
#include "../../detail/validate.hpp"
#include "../../errors.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace detail {

/// \p bytes viewed as characters (the parsers' input type; no copy).
[[nodiscard]] inline std::string_view as_chars(std::span<const std::byte> bytes) noexcept {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

/// Throws tms::format_error built from \p parts unless \p condition holds.
template <class... Parts>
void require_format(bool condition, const Parts&... parts) {
    if (!condition) throw format_error(concat(parts...));
}

/// The CRC-32 of ZIP, PNG and zlib (reflected polynomial 0xEDB88320), continued from \p crc.
[[nodiscard]] inline std::uint32_t crc32(std::string_view bytes, std::uint32_t crc = 0) noexcept {
    static constexpr auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    crc = ~crc;
    for (const char ch : bytes) crc = table[(crc ^ static_cast<unsigned char>(ch)) & 0xFFU] ^ (crc >> 8);
    return ~crc;
}

/// The unsigned integer with the bits of \p value (floats and doubles included).
template <class T>
using uint_of_size = std::conditional_t<sizeof(T) == 1, std::uint8_t,
                     std::conditional_t<sizeof(T) == 2, std::uint16_t,
                     std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;

/// Appends \p value to \p out in little-endian byte order, whatever the host's.
template <class T>
void put_le(std::string& out, T value) {
    static_assert(std::is_trivially_copyable_v<T> && (sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 ||
                                                      sizeof(T) == 8));
    auto bits = std::bit_cast<uint_of_size<T>>(value);
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        out.push_back(static_cast<char>(bits & 0xFFU));
        if constexpr (sizeof(T) > 1) bits = static_cast<uint_of_size<T>>(bits >> 8);
    }
}

/// Decodes a little-endian \p T from sizeof(T) bytes at \p data.
template <class T>
[[nodiscard]] T get_le(const char* data) noexcept {
    uint_of_size<T> bits = 0;
    for (std::size_t i = sizeof(T); i-- > 0;)
        bits = static_cast<uint_of_size<T>>((bits << 8) | static_cast<unsigned char>(data[i]));
    return std::bit_cast<T>(bits);
}

/// Appends \p count scalars from \p data in little-endian order (one memcpy on little-endian hosts).
template <class T>
void put_le_array(std::string& out, const T* data, std::size_t count) {
    if constexpr (std::endian::native == std::endian::little) {
        out.append(reinterpret_cast<const char*>(data), count * sizeof(T));
    } else {
        for (std::size_t i = 0; i < count; ++i) put_le(out, data[i]);
    }
}

/// Decodes \p count little-endian scalars from \p bytes into \p out.
template <class T>
void get_le_array(const char* bytes, std::size_t count, T* out) noexcept {
    if constexpr (std::endian::native == std::endian::little) {
        if (count > 0) std::memcpy(out, bytes, count * sizeof(T));
    } else {
        for (std::size_t i = 0; i < count; ++i) out[i] = get_le<T>(bytes + i * sizeof(T));
    }
}

/// \p a × \p b, or false when the product would not fit in 64 bits.
[[nodiscard]] inline bool checked_multiply(std::uint64_t a, std::uint64_t b, std::uint64_t& product) noexcept {
    if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return false;
    product = a * b;
    return true;
}

/// Reads little-endian values from a byte string, throwing tms::format_error (naming \p what_ and the offset)
/// instead of reading past the end.
class ByteReader {
public:
    ByteReader(std::string_view bytes, std::string_view what) : bytes_(bytes), what_(what) {}

    template <class T>
    [[nodiscard]] T read(std::string_view field) {
        need(sizeof(T), field);
        const T value = get_le<T>(bytes_.data() + offset_);
        offset_ += sizeof(T);
        return value;
    }

    /// The next \p count bytes, as a view into the input.
    [[nodiscard]] std::string_view bytes(std::uint64_t count, std::string_view field) {
        need(count, field);
        const std::string_view out = bytes_.substr(offset_, static_cast<std::size_t>(count));
        offset_ += static_cast<std::size_t>(count);
        return out;
    }

    /// Throws unless \p count more bytes are present.
    void need(std::uint64_t count, std::string_view field) const {
        require_format(count <= remaining(), what_, ": truncated: ", field, " needs ", count, " bytes at offset ",
                       offset_, " but only ", remaining(), " remain");
    }

    [[nodiscard]] std::uint64_t remaining() const noexcept { return bytes_.size() - offset_; }
    [[nodiscard]] std::size_t offset() const noexcept { return offset_; }
    [[nodiscard]] std::string_view what() const noexcept { return what_; }

private:
    std::string_view bytes_;
    std::string_view what_;
    std::size_t offset_ = 0;
};

/// \p text with every control character (C0, DEL) and the backslash spelt \\xNN, so a string read from a file
/// (a model kind, a member name, a dtype) can be printed without moving the cursor, changing colours or splitting
/// a message over lines; UTF-8 passes unchanged.
[[nodiscard]] inline std::string printable(std::string_view text) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte != 0x7f && byte != '\\') {
            out += c;
        } else {
            out += "\\x";
            out += digits[byte >> 4];
            out += digits[byte & 0xF];
        }
    }
    return out;
}

}  // namespace detail
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
