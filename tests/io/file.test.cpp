// tms::write_file_atomically (the one checked writer) and tms::read_file (bounded): refuses FIFOs, directories and
// symbolic links at the output path, reports a full disk with the path, cleans a dead process's temporary files,
// stops reading an endless input at the limit. Everything happens inside this test's own temporary directory.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tms/io/file.hpp>

#include "../support/temporary_directory.hpp"

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

namespace {

using tms_test::fresh_directory;

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::string message_of(const std::filesystem::path& path, std::string_view bytes) {
    try {
        tms::write_file_atomically(path, bytes);
    } catch (const std::system_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("write_file_atomically writes and replaces a regular file") {
    const auto dir = fresh_directory("regular");
    tms::write_file_atomically(dir / "a.bin", "first");
    tms::write_file_atomically(dir / "a.bin", "second");
    CHECK(slurp(dir / "a.bin") == "second");
    CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("write_file_atomically refuses a FIFO, a directory and a symbolic link, leaving them as they were") {
    const auto dir = fresh_directory("refuse");
    REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);  // stands for a device such as /dev/null
    const std::string fifo = message_of(dir / "fifo", "x");
    CHECK(has(fifo, (dir / "fifo").string()));
    CHECK(has(fifo, "a FIFO"));
    struct ::stat status {};
    REQUIRE(::lstat((dir / "fifo").c_str(), &status) == 0);
    CHECK(S_ISFIFO(status.st_mode));

    std::filesystem::create_directory(dir / "sub");
    CHECK(has(message_of(dir / "sub", "x"), "a directory"));
    CHECK(std::filesystem::is_directory(dir / "sub"));

    tms::write_file_atomically(dir / "precious", "keep me");
    std::filesystem::create_symlink(dir / "precious", dir / "link");
    const std::string link = message_of(dir / "link", "overwritten");
    CHECK(has(link, "a symbolic link"));
    CHECK(slurp(dir / "precious") == "keep me");
    CHECK(std::filesystem::is_symlink(dir / "link"));
    // No temporary file is left next to any of them.
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        CHECK_MESSAGE(entry.path().filename().string().find(".tmp.") == std::string::npos, entry.path());
}

TEST_CASE("write_file_atomically removes the temporary file of a dead process, not of a live one") {
    const auto dir = fresh_directory("stale");
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    REQUIRE(child > 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);  // the child is gone: its pid names no process
    const auto dead = dir / ("out.bin.tmp." + std::to_string(child));
    const auto live = dir / ("out.bin.tmp." + std::to_string(::getppid()));
    std::ofstream(dead) << "torn";
    std::ofstream(live) << "in progress";
    tms::write_file_atomically(dir / "out.bin", "new");
    CHECK_FALSE(std::filesystem::exists(dead));
    CHECK(std::filesystem::exists(live));
    CHECK(slurp(dir / "out.bin") == "new");
}

TEST_CASE("write_file_atomically reports a full disk (a file-size limit) with the path and keeps the old file") {
    const auto dir = fresh_directory("full");
    tms::write_file_atomically(dir / "summary.json", "old");
    // A forked child lowers its own file-size limit so writes fail like on a full disk (EFBIG instead of ENOSPC).
    const pid_t child = ::fork();
    if (child == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        const ::rlimit limit{4096, 4096};
        if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(3);
        const std::string message = message_of(dir / "summary.json", std::string(1 << 20, 'x'));
        ::_exit(message.find((dir / "summary.json").string()) != std::string::npos ? 0 : 1);
    }
    REQUIRE(child > 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(slurp(dir / "summary.json") == "old");
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        CHECK_MESSAGE(entry.path().filename().string().find(".tmp.") == std::string::npos, entry.path());
}

TEST_CASE("read_file stops at its limit, for a regular file and for an endless FIFO") {
    const auto dir = fresh_directory("limit");
    tms::write_file_atomically(dir / "big", std::string(1000, 'z'));
    CHECK(tms::read_file(dir / "big", 1000).size() == 1000);
    try {
        (void)tms::read_file(dir / "big", 999);
        FAIL("no exception");
    } catch (const std::system_error& e) {
        CHECK(has(e.what(), (dir / "big").string()));
        CHECK(has(e.what(), "larger than the limit of 999 bytes"));
    }
    // A writer that never stops (like /dev/zero): the read ends once the limit is passed.
    REQUIRE(::mkfifo((dir / "endless").c_str(), 0600) == 0);
    const pid_t child = ::fork();
    if (child == 0) {
        std::signal(SIGPIPE, SIG_DFL);
        const int fd = ::open((dir / "endless").c_str(), O_WRONLY);
        const std::string chunk(1 << 16, '\0');
        while (::write(fd, chunk.data(), chunk.size()) > 0) {
        }
        ::_exit(0);
    }
    REQUIRE(child > 0);
    CHECK_THROWS_WITH_AS((void)tms::read_file(dir / "endless", 1 << 20),
                         doctest::Contains("larger than the limit of 1048576 bytes"), std::system_error);
    int status = 0;
    ::waitpid(child, &status, 0);  // the child dies of SIGPIPE once we close
}
