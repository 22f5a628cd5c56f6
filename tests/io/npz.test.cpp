// tms::NpzWriter / NpzReader: ZIP structure, CRC-32, NumPy's ZIP64 local headers, and bad archives.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include <tms/io/npz.hpp>

#include "../support/contains.hpp"

namespace {

std::string two_member_archive() {
    Eigen::MatrixXf W(2, 3);
    W << 1, 2, 3, 4, 5, 6;
    tms::NpzWriter out;
    out.add("W", W).add("b", Eigen::Vector3d(0.5, -1, 2));
    return out.bytes();
}

/// Offset of the first occurrence of a little-endian 32-bit signature.
std::size_t find_signature(const std::string& bytes, std::uint32_t signature, std::size_t from = 0) {
    std::string needle;
    tms::detail::put_le<std::uint32_t>(needle, signature);
    return bytes.find(needle, from);
}

void check_rejects(const std::string& bytes, const std::string& expected) {
    CAPTURE(expected);
    CHECK_THROWS_WITH_AS(tms::NpzReader(bytes, "bad.npz"), tms_test::contains(expected), tms::format_error);
}

}  // namespace

TEST_CASE("CRC-32 is zlib's") {
    CHECK(tms::detail::crc32("") == 0U);
    CHECK(tms::detail::crc32("123456789") == 0xCBF43926U);
    CHECK(tms::detail::crc32("The quick brown fox jumps over the lazy dog") == 0x414FA339U);
    CHECK(tms::detail::crc32("456789", tms::detail::crc32("123")) == 0xCBF43926U);
}

TEST_CASE("an archive round-trips its members in order, bitwise") {
    const tms::NpzReader in(two_member_archive());
    CHECK(in.keys() == std::vector<std::string>{"W", "b"});
    CHECK(in.contains("W"));
    CHECK_FALSE(in.contains("W.npy"));
    Eigen::MatrixXf W(2, 3);
    W << 1, 2, 3, 4, 5, 6;
    CHECK(in.get<float>("W") == W);
    CHECK(in.get<Eigen::Vector3d>("b") == Eigen::Vector3d(0.5, -1, 2));
    CHECK(in.header("b").descr == "<f8");
    CHECK_THROWS_WITH_AS((void)in.npy("missing"), "npz data: has no member 'missing'", tms::format_error);
    // The same arrays give the same bytes (fixed timestamps).
    CHECK(two_member_archive() == two_member_archive());
    // A copy of the reader still reads its members.
    const tms::NpzReader copy = in;
    CHECK(copy.get<float>("W") == W);
}

TEST_CASE("the writer rejects bad member names") {
    tms::NpzWriter out;
    out.add("W", Eigen::Vector2f(1, 2));
    CHECK_THROWS_WITH_AS(out.add("W", Eigen::Vector2f(1, 2)), "npz member 'W' was already added", std::invalid_argument);
    CHECK_THROWS_AS(out.add("", Eigen::Vector2f(1, 2)), std::invalid_argument);
    CHECK_THROWS_AS(out.add("a/b", Eigen::Vector2f(1, 2)), std::invalid_argument);
}

TEST_CASE("reads NumPy's ZIP64 local extra fields") {
    // numpy.savez writes each local header with a ZIP64 extra field (id 1, 16 bytes: both sizes); emulate it.
    const std::string npy = tms::to_npy(Eigen::Vector2d(3, 4));
    const std::uint32_t crc = tms::detail::crc32(npy);
    const std::string name = "v.npy";
    std::string zip;
    auto le16 = [&](std::string& s, std::uint16_t v) { tms::detail::put_le<std::uint16_t>(s, v); };
    auto le32 = [&](std::string& s, std::uint32_t v) { tms::detail::put_le<std::uint32_t>(s, v); };
    le32(zip, 0x04034b50); le16(zip, 45); le16(zip, 0); le16(zip, 0); le16(zip, 0); le16(zip, 0x21);
    le32(zip, crc); le32(zip, 0xFFFFFFFF); le32(zip, 0xFFFFFFFF); le16(zip, 5); le16(zip, 20);
    zip += name;
    le16(zip, 1); le16(zip, 16);
    tms::detail::put_le<std::uint64_t>(zip, npy.size());
    tms::detail::put_le<std::uint64_t>(zip, npy.size());
    zip += npy;
    const auto central_offset = static_cast<std::uint32_t>(zip.size());
    std::string central;
    le32(central, 0x02014b50); le16(central, 45); le16(central, 45); le16(central, 0); le16(central, 0);
    le16(central, 0); le16(central, 0x21); le32(central, crc); le32(central, 0xFFFFFFFF); le32(central, 0xFFFFFFFF);
    le16(central, 5); le16(central, 20); le16(central, 0); le16(central, 0); le16(central, 0); le32(central, 0);
    le32(central, 0);
    central += name;
    le16(central, 1); le16(central, 16);
    tms::detail::put_le<std::uint64_t>(central, npy.size());
    tms::detail::put_le<std::uint64_t>(central, npy.size());
    zip += central;
    le32(zip, 0x06054b50); le16(zip, 0); le16(zip, 0); le16(zip, 1); le16(zip, 1);
    le32(zip, static_cast<std::uint32_t>(central.size())); le32(zip, central_offset); le16(zip, 0);
    CHECK(tms::NpzReader(zip).get<double>("v") == Eigen::Vector2d(3, 4));
}

TEST_CASE("bad archives throw tms::format_error naming the problem") {
    const std::string good = two_member_archive();
    const std::size_t central = find_signature(good, 0x02014b50);
    const std::size_t end = find_signature(good, 0x06054b50);
    REQUIRE(central != std::string::npos);
    REQUIRE(end != std::string::npos);

    check_rejects("", "bad.npz: not a .npz (ZIP) archive: 0 bytes is too short");
    check_rejects(std::string(100, 'x'), "no end-of-central-directory record");
    check_rejects(good.substr(0, good.size() - 1), "no end-of-central-directory record");
    check_rejects(good.substr(1), "lies outside the archive");  // every offset is now one byte off
    SUBCASE("a flipped data byte fails the CRC") {
        std::string bad = good;
        bad[100] = static_cast<char>(bad[100] ^ 0x40);
        check_rejects(bad, "member 'W.npy' fails its CRC-32 check");
    }
    SUBCASE("a DEFLATE member is named as such") {
        std::string bad = good;
        bad[central + 10] = 8;  // central directory: method
        check_rejects(bad, "member 'W.npy' is compressed with DEFLATE (method 8); tms reads only STORED members: "
                           "save with numpy.savez, not numpy.savez_compressed");
    }
    SUBCASE("sizes and offsets beyond the file") {
        std::string bad = good;
        for (int i = 0; i < 4; ++i) bad[central + 20 + i] = bad[central + 24 + i] = '\x7f';  // sizes 2 GiB
        check_rejects(bad, "truncated: member data needs");
        bad = good;
        for (int i = 0; i < 4; ++i) bad[central + 42 + i] = '\x7f';  // local header offset
        check_rejects(bad, "has local header offset 2139062143 outside the archive's data");
        bad = good;
        for (int i = 0; i < 4; ++i) bad[end + 16 + i] = '\x7f';  // central directory offset
        check_rejects(bad, "central directory (offset 2139062143");
        bad = good;
        bad[end + 10] = '\x7f';  // entry count 127 in a 2-entry directory
        bad[end + 8] = '\x7f';
        check_rejects(bad, "127 entries cannot fit in a central directory");
    }
    SUBCASE("a local header that disagrees with the central directory") {
        std::string bad = good;
        bad[30] = 'X';  // first local name "W.npy" → "X.npy"
        check_rejects(bad, "member 'W.npy' has a different name in its local header");
        bad = good;
        bad[0] = 'Q';
        check_rejects(bad, "member 'W.npy' has a bad local header signature at offset 0");
    }
    SUBCASE("a member name with a newline and a terminal escape is printed escaped") {
        std::string bad = good;
        // "W.npy" → "\x1b\n" + "npy" in both headers; the first data byte then fails the CRC, naming the member.
        for (std::size_t at = bad.find("W.npy"); at != std::string::npos; at = bad.find("W.npy", at)) {
            bad[at] = '\x1b';
            bad[at + 1] = '\n';
        }
        bad[100] = static_cast<char>(bad[100] ^ 0x40);
        try {
            (void)tms::NpzReader(bad, "bad.npz");
            FAIL("no exception");
        } catch (const tms::format_error& e) {
            const std::string message = e.what();
            CHECK(message.find('\n') == std::string::npos);
            CHECK(message.find('\x1b') == std::string::npos);
            CHECK_MESSAGE(message.find("member '\\x1b\\x0anpy'") != std::string::npos, message);
        }
    }
    SUBCASE("duplicate members and encrypted members") {
        tms::NpzWriter out;
        out.add("W", Eigen::Vector2f(1, 2)).add("X", Eigen::Vector2f(3, 4));
        std::string bad = out.bytes();
        for (std::size_t at = bad.find("X.npy"); at != std::string::npos; at = bad.find("X.npy", at)) bad[at] = 'W';
        check_rejects(bad, "member 'W.npy' appears twice");
        bad = good;
        bad[central + 8] = 1;  // flags: encrypted
        check_rejects(bad, "member 'W.npy' is encrypted");
    }
}
