#pragma once
/// \file io/npz.hpp
/// NumPy's .npz bundles: a ZIP archive of .npy members, as numpy.savez writes and numpy.load reads.
///
///     tms::NpzWriter out;
///     out.add("W", model.W());                 // member "W.npy"
///     out.add("b", model.b());
///     out.save("model.npz");                   // np.load("model.npz")["W"]
///
///     const tms::NpzReader in = tms::NpzReader::open("model.npz");
///     Eigen::MatrixXf W = in.get<float>("W");
///
/// Written archives use the STORED method (no compression, like numpy.savez), a correct CRC-32 per member,
/// local headers, a central directory and a fixed timestamp (1980-01-01), so the same arrays give the same bytes.
/// Reading accepts STORED members, including the ZIP64 extra fields numpy.savez writes; a compressed member
/// (numpy.savez_compressed uses DEFLATE) is rejected with a message naming the member and the method. Every
/// structural problem (no end-of-central-directory record, offsets or sizes outside the file, a local header that
/// disagrees with the central directory, a CRC mismatch, duplicate members) throws tms::format_error.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../config.hpp"
#include "../detail/validate.hpp"
#include "detail/bytes.hpp"
#include "file.hpp"
#include "npy.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

namespace detail {

inline constexpr std::uint32_t zip_local_signature = 0x04034b50;
inline constexpr std::uint32_t zip_central_signature = 0x02014b50;
inline constexpr std::uint32_t zip_end_signature = 0x06054b50;
inline constexpr std::uint32_t zip64_end_signature = 0x06064b50;
inline constexpr std::uint32_t zip64_locator_signature = 0x07064b50;
inline constexpr std::size_t zip_end_size = 22;
inline constexpr std::uint16_t zip_dos_date_1980 = (0 << 9) | (1 << 5) | 1;

[[nodiscard]] inline std::string zip_method_name(std::uint16_t method) {
    switch (method) {
        case 8: return "DEFLATE";
        case 9: return "DEFLATE64";
        case 12: return "BZIP2";
        case 14: return "LZMA";
        case 93: return "ZSTD";
        case 95: return "XZ";
        default: return "unknown";
    }
}

/// Replaces the 0xFFFFFFFF sentinels in \p sizes (uncompressed, compressed, offset, in that order) by the values
/// of a ZIP64 extended-information field (id 0x0001) in \p extra.
inline void apply_zip64_extra(std::string_view extra, std::uint64_t& uncompressed, std::uint64_t& compressed,
                              std::uint64_t& offset, std::string_view what, std::string_view member) {
    ByteReader fields(extra, what);
    while (fields.remaining() >= 4) {
        const auto id = fields.read<std::uint16_t>("extra field id");
        const auto size = fields.read<std::uint16_t>("extra field size");
        ByteReader field(fields.bytes(size, "extra field"), what);
        if (id != 0x0001) continue;
        for (std::uint64_t* value : {&uncompressed, &compressed, &offset})
            if (*value == 0xFFFFFFFFU) *value = field.read<std::uint64_t>("ZIP64 extra field");
    }
    require_format(uncompressed != 0xFFFFFFFFU && compressed != 0xFFFFFFFFU && offset != 0xFFFFFFFFU, what,
                   ": member '", member, "' needs a ZIP64 extra field but has none");
}

}  // namespace detail

/// Builds a .npz archive in memory from .npy members.
class NpzWriter {
public:
    /// Adds \p m as member "<name>.npy" (NumPy's key \p name).
    /// \throws std::invalid_argument if \p name is empty, repeats a member or contains '/'.
    template <class Derived>
    NpzWriter& add(const std::string& name, const Eigen::MatrixBase<Derived>& m) {
        return add_npy(name, to_npy(m));
    }

    /// Adds ready-made .npy bytes as member "<name>.npy".
    NpzWriter& add_npy(const std::string& name, std::string npy_bytes) {
        detail::require(!name.empty() && name.size() < 1000 && name.find('/') == std::string::npos &&
                            name.find('\\') == std::string::npos,
                        "npz member name '", name, "' must be non-empty, short and contain no path separator");
        for (const auto& member : members_)
            detail::require(member.first != name + ".npy", "npz member '", name, "' was already added");
        members_.emplace_back(name + ".npy", std::move(npy_bytes));
        return *this;
    }

    /// The archive's bytes.
    /// \throws std::invalid_argument if the archive would need ZIP64 (4 GiB or 65,535 members).
    [[nodiscard]] std::string bytes() const {
        detail::require(members_.size() < 0xFFFF, "npz: ", members_.size(), " members need ZIP64, which tms does not write");
        std::string out;
        std::string central;
        for (const auto& [name, data] : members_) {
            const std::uint64_t offset = out.size();
            detail::require(data.size() < 0xFFFFFFFFU && offset + data.size() + 30 + name.size() < 0xFFFFFFFFU,
                            "npz: member '", name, "' of ", data.size(), " bytes needs ZIP64, which tms does not write");
            const std::uint32_t crc = detail::crc32(data);
            const auto size = static_cast<std::uint32_t>(data.size());
            detail::put_le<std::uint32_t>(out, detail::zip_local_signature);
            detail::put_le<std::uint16_t>(out, 20);  // version needed: 2.0
            detail::put_le<std::uint16_t>(out, 0);   // flags
            detail::put_le<std::uint16_t>(out, 0);   // method: STORED
            detail::put_le<std::uint16_t>(out, 0);   // time 00:00:00
            detail::put_le<std::uint16_t>(out, detail::zip_dos_date_1980);
            detail::put_le<std::uint32_t>(out, crc);
            detail::put_le<std::uint32_t>(out, size);
            detail::put_le<std::uint32_t>(out, size);
            detail::put_le<std::uint16_t>(out, static_cast<std::uint16_t>(name.size()));
            detail::put_le<std::uint16_t>(out, 0);  // extra length
            out += name;
            out += data;

            detail::put_le<std::uint32_t>(central, detail::zip_central_signature);
            detail::put_le<std::uint16_t>(central, 0x0314);  // made by: Unix, 2.0
            detail::put_le<std::uint16_t>(central, 20);
            detail::put_le<std::uint16_t>(central, 0);
            detail::put_le<std::uint16_t>(central, 0);
            detail::put_le<std::uint16_t>(central, 0);
            detail::put_le<std::uint16_t>(central, detail::zip_dos_date_1980);
            detail::put_le<std::uint32_t>(central, crc);
            detail::put_le<std::uint32_t>(central, size);
            detail::put_le<std::uint32_t>(central, size);
            detail::put_le<std::uint16_t>(central, static_cast<std::uint16_t>(name.size()));
            detail::put_le<std::uint16_t>(central, 0);  // extra
            detail::put_le<std::uint16_t>(central, 0);  // comment
            detail::put_le<std::uint16_t>(central, 0);  // disk
            detail::put_le<std::uint16_t>(central, 0);  // internal attributes
            detail::put_le<std::uint32_t>(central, 0100644U << 16);  // -rw-r--r--
            detail::put_le<std::uint32_t>(central, static_cast<std::uint32_t>(offset));
            central += name;
        }
        detail::require(out.size() + central.size() < 0xFFFFFFFFU, "npz: archive of ", out.size() + central.size(),
                        " bytes needs ZIP64, which tms does not write");
        const auto central_offset = static_cast<std::uint32_t>(out.size());
        out += central;
        detail::put_le<std::uint32_t>(out, detail::zip_end_signature);
        detail::put_le<std::uint16_t>(out, 0);
        detail::put_le<std::uint16_t>(out, 0);
        detail::put_le<std::uint16_t>(out, static_cast<std::uint16_t>(members_.size()));
        detail::put_le<std::uint16_t>(out, static_cast<std::uint16_t>(members_.size()));
        detail::put_le<std::uint32_t>(out, static_cast<std::uint32_t>(central.size()));
        detail::put_le<std::uint32_t>(out, central_offset);
        detail::put_le<std::uint16_t>(out, 0);  // comment length
        return out;
    }

    /// Writes the archive to \p path atomically (see write_file_atomically).
    void save(const std::filesystem::path& path) const { write_file_atomically(path, bytes()); }

private:
    std::vector<std::pair<std::string, std::string>> members_;
};

/// Reads the .npy members of a .npz archive, checking its structure and every member's CRC-32 up front.
class NpzReader {
    struct Member;

public:
    /// Parses \p bytes (kept by the reader); \p what names the archive in error messages.
    /// \throws tms::format_error for anything that is not a well-formed archive of STORED members.
    explicit NpzReader(std::string bytes, std::string what = "npz data")
        : bytes_(std::move(bytes)), what_(std::move(what)) {
        parse();
    }

    /// The archive in the file \p path. \throws std::system_error if it cannot be read.
    [[nodiscard]] static NpzReader open(const std::filesystem::path& path) {
        return NpzReader(read_file(path), path.string());
    }

    /// The NumPy keys (member names without ".npy"), in archive order.
    [[nodiscard]] std::vector<std::string> keys() const {
        std::vector<std::string> out;
        for (const Member& member : members_) out.push_back(key_of(member.name));
        return out;
    }

    [[nodiscard]] bool contains(std::string_view key) const { return find(key) != nullptr; }

    /// The raw .npy bytes of member \p key. \throws tms::format_error if there is no such member.
    [[nodiscard]] std::string_view npy(std::string_view key) const {
        const Member* member = find(key);
        detail::require_format(member != nullptr, what_, ": has no member '", key, "'");
        return std::string_view(bytes_).substr(member->offset, member->size);
    }

    /// The header of member \p key.
    [[nodiscard]] NpyHeader header(std::string_view key) const { return parse_npy_header(npy(key), member_what(key)); }

    /// Member \p key parsed by parse_npy<T> (\p T: float, double or a plain Eigen matrix type).
    template <class T>
        requires real_scalar<T> || detail::eigen_plain_matrix<T>
    [[nodiscard]] auto get(std::string_view key) const {
        return parse_npy<T>(npy(key), member_what(key));
    }

    /// "<archive>: <key>.npy", for messages about one member.
    [[nodiscard]] std::string member_what(std::string_view key) const {
        return detail::concat(what_, ": member '", key, ".npy'");
    }
    [[nodiscard]] const std::string& what() const noexcept { return what_; }

private:
    [[nodiscard]] static std::string key_of(const std::string& name) {
        return name.ends_with(".npy") ? name.substr(0, name.size() - 4) : name;
    }

    [[nodiscard]] const Member* find(std::string_view key) const {
        for (const Member& member : members_)
            if (key_of(member.name) == key) return &member;
        return nullptr;
    }

    void parse() {
        using detail::require_format;
        const std::string_view all = bytes_;
        require_format(all.size() >= detail::zip_end_size, what_, ": not a .npz (ZIP) archive: ", all.size(),
                       " bytes is too short");
        // The end-of-central-directory record is in the last 22 + 65,535 (comment) bytes.
        std::size_t end = std::string_view::npos;
        const std::size_t lowest = all.size() > detail::zip_end_size + 0xFFFF ? all.size() - detail::zip_end_size - 0xFFFF : 0;
        for (std::size_t at = all.size() - detail::zip_end_size + 1; at-- > lowest;) {
            if (detail::get_le<std::uint32_t>(all.data() + at) == detail::zip_end_signature) {
                end = at;
                break;
            }
        }
        require_format(end != std::string_view::npos, what_,
                       ": not a .npz (ZIP) archive: no end-of-central-directory record");
        detail::ByteReader eocd(all.substr(end), what_);
        (void)eocd.read<std::uint32_t>("signature");
        const auto disk = eocd.read<std::uint16_t>("disk number");
        const auto central_disk = eocd.read<std::uint16_t>("central directory disk");
        const auto entries_here = eocd.read<std::uint16_t>("entry count");
        const auto entries = eocd.read<std::uint16_t>("total entry count");
        std::uint64_t central_size = eocd.read<std::uint32_t>("central directory size");
        std::uint64_t central_offset = eocd.read<std::uint32_t>("central directory offset");
        require_format(disk == 0 && central_disk == 0 && entries_here == entries, what_,
                       ": multi-volume ZIP archives are not supported");
        std::uint64_t entry_count = entries;
        std::uint64_t central_limit = end;  // the central directory ends where the next record starts
        if (entries == 0xFFFF || central_size == 0xFFFFFFFFU || central_offset == 0xFFFFFFFFU) {
            // ZIP64: a locator just before the EOCD points at the ZIP64 end record.
            require_format(end >= 20, what_, ": ZIP64 archive without a ZIP64 locator");
            detail::ByteReader locator(all.substr(end - 20, 20), what_);
            require_format(locator.read<std::uint32_t>("ZIP64 locator") == detail::zip64_locator_signature, what_,
                           ": ZIP64 archive without a ZIP64 locator");
            (void)locator.read<std::uint32_t>("ZIP64 disk");
            const auto record = locator.read<std::uint64_t>("ZIP64 end record offset");
            require_format(record <= end - 20 && end - 20 - record >= 56, what_,
                           ": ZIP64 end record offset ", record, " is outside the archive");
            detail::ByteReader zip64(all.substr(static_cast<std::size_t>(record), end - 20 - static_cast<std::size_t>(record)), what_);
            require_format(zip64.read<std::uint32_t>("ZIP64 end record") == detail::zip64_end_signature, what_,
                           ": bad ZIP64 end record signature");
            (void)zip64.bytes(20, "ZIP64 end record");  // size, versions, disk numbers
            (void)zip64.read<std::uint64_t>("ZIP64 entries on disk");
            entry_count = zip64.read<std::uint64_t>("ZIP64 entry count");
            central_size = zip64.read<std::uint64_t>("ZIP64 central directory size");
            central_offset = zip64.read<std::uint64_t>("ZIP64 central directory offset");
            central_limit = record;
        }
        require_format(central_offset <= central_limit && central_size <= central_limit - central_offset, what_,
                       ": central directory (offset ", central_offset, ", ", central_size,
                       " bytes) lies outside the archive");
        require_format(entry_count <= central_size / 46, what_, ": ", entry_count,
                       " entries cannot fit in a central directory of ", central_size, " bytes");
        detail::ByteReader central(all.substr(static_cast<std::size_t>(central_offset), static_cast<std::size_t>(central_size)),
                                   what_);
        std::set<std::string> names;
        for (std::uint64_t i = 0; i < entry_count; ++i) {
            require_format(central.read<std::uint32_t>("central directory signature") == detail::zip_central_signature,
                           what_, ": central directory entry ", i, " has a bad signature");
            (void)central.read<std::uint16_t>("version made by");
            (void)central.read<std::uint16_t>("version needed");
            const auto flags = central.read<std::uint16_t>("flags");
            const auto method = central.read<std::uint16_t>("method");
            (void)central.read<std::uint32_t>("time and date");
            const auto crc = central.read<std::uint32_t>("CRC-32");
            std::uint64_t compressed = central.read<std::uint32_t>("compressed size");
            std::uint64_t uncompressed = central.read<std::uint32_t>("uncompressed size");
            const auto name_length = central.read<std::uint16_t>("name length");
            const auto extra_length = central.read<std::uint16_t>("extra length");
            const auto comment_length = central.read<std::uint16_t>("comment length");
            (void)central.bytes(8, "disk and attributes");
            std::uint64_t offset = central.read<std::uint32_t>("local header offset");
            const std::string name = detail::printable(central.bytes(name_length, "member name"));  // untrusted
            detail::apply_zip64_extra(central.bytes(extra_length, "extra field"), uncompressed, compressed, offset,
                                      what_, name);
            (void)central.bytes(comment_length, "member comment");

            require_format((flags & 0x0001U) == 0, what_, ": member '", name, "' is encrypted");
            require_format(method == 0, what_, ": member '", name, "' is compressed with ",
                           detail::zip_method_name(method), " (method ", method,
                           "); tms reads only STORED members: save with numpy.savez, not numpy.savez_compressed");
            require_format(compressed == uncompressed, what_, ": STORED member '", name, "' has compressed size ",
                           compressed, " but uncompressed size ", uncompressed);
            require_format(offset <= central_offset && central_offset - offset >= 30, what_, ": member '", name,
                           "' has local header offset ", offset, " outside the archive's data");
            detail::ByteReader local(all.substr(static_cast<std::size_t>(offset),
                                                static_cast<std::size_t>(central_offset - offset)),
                                     what_);
            require_format(local.read<std::uint32_t>("local header signature") == detail::zip_local_signature, what_,
                           ": member '", name, "' has a bad local header signature at offset ", offset);
            (void)local.bytes(22, "local header");
            const auto local_name_length = local.read<std::uint16_t>("local name length");
            const auto local_extra_length = local.read<std::uint16_t>("local extra length");
            require_format(detail::printable(local.bytes(local_name_length, "local name")) == name, what_, ": member '", name,
                           "' has a different name in its local header");
            (void)local.bytes(local_extra_length, "local extra field");
            const std::string_view data = local.bytes(compressed, "member data");
            require_format(detail::crc32(data) == crc, what_, ": member '", name, "' fails its CRC-32 check (stored ",
                           crc, ", computed ", detail::crc32(data), ")");
            require_format(names.insert(name).second, what_, ": member '", name, "' appears twice");
            members_.push_back({name, static_cast<std::size_t>(data.data() - all.data()), data.size()});
        }
    }

    /// A member's name and where its data lies in bytes_ (offsets, not views, so copies stay valid).
    struct Member {
        std::string name;
        std::size_t offset;
        std::size_t size;
    };

    std::string bytes_;
    std::string what_;
    std::vector<Member> members_;
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
