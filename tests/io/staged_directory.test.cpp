// tms::StagedDirectory: outputs appear complete or not at all; a killed run never mixes with a finished one;
// a directory tms did not write is never replaced.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include <sys/wait.h>
#include <unistd.h>

#include <tms/io/staged_directory.hpp>

#include "../support/temporary_directory.hpp"


namespace {

using tms_test::fresh_directory;

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

int entries(const std::filesystem::path& dir) {
    return static_cast<int>(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()));
}

}  // namespace

TEST_CASE("a staged directory appears only on commit, with the marker, and replaces a finished run whole") {
    const auto root = fresh_directory("commit");
    const auto target = root / "rep";
    {
        tms::StagedDirectory out(target);
        out.write("summary.json", "{\"run\": 1}\n");
        out.write("figures/a.svg", "<svg/>");
        CHECK_FALSE(std::filesystem::exists(target));
        out.commit();
    }
    CHECK(tms::StagedDirectory::is_complete(target));
    CHECK(slurp(target / "figures/a.svg") == "<svg/>");
    CHECK(entries(root) == 1);  // no staging directory left

    {
        tms::StagedDirectory out(target);
        out.write("summary.json", "{\"run\": 2}\n");
        CHECK(slurp(target / "summary.json") == "{\"run\": 1}\n");  // unchanged until commit
        out.commit();
    }
    CHECK(slurp(target / "summary.json") == "{\"run\": 2}\n");
    CHECK_FALSE(std::filesystem::exists(target / "figures"));  // the old run's files are gone, not mixed in
    CHECK(entries(root) == 1);
}

TEST_CASE("an uncommitted or killed run leaves the finished directory untouched; its leftovers are cleaned") {
    const auto root = fresh_directory("killed");
    const auto target = root / "rep";
    {
        tms::StagedDirectory out(target);
        out.write("summary.json", "old");
        out.commit();
    }
    {
        tms::StagedDirectory out(target);
        out.write("summary.json", "new, but the run failed");
    }  // destroyed without commit (an exception on the way out)
    CHECK(slurp(target / "summary.json") == "old");
    CHECK(entries(root) == 1);

    // A child killed half-way leaves its staging directory; the next run removes it.
    const pid_t child = ::fork();
    if (child == 0) {
        tms::StagedDirectory out(target);
        out.write("report.html", "half");
        ::_exit(0);  // no destructor runs, as with SIGKILL
    }
    REQUIRE(child > 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(std::filesystem::exists(root / ("rep.staging." + std::to_string(child))));
    CHECK(slurp(target / "summary.json") == "old");
    CHECK_FALSE(std::filesystem::exists(target / "report.html"));
    {
        tms::StagedDirectory out(target);
        CHECK_FALSE(std::filesystem::exists(root / ("rep.staging." + std::to_string(child))));
    }
}

TEST_CASE("a staged directory refuses a user's directory, a file and a symbolic link at the target") {
    const auto root = fresh_directory("refuse");
    std::filesystem::create_directory(root / "mine");
    std::ofstream(root / "mine" / "notes.txt") << "precious";
    CHECK_THROWS_WITH_AS(tms::StagedDirectory(root / "mine"), doctest::Contains("no .tms-complete file"),
                         std::system_error);
    CHECK(slurp(root / "mine" / "notes.txt") == "precious");

    std::ofstream(root / "file") << "x";
    CHECK_THROWS_WITH_AS(tms::StagedDirectory(root / "file"), doctest::Contains("not a directory"), std::system_error);

    std::filesystem::create_directory(root / "elsewhere");
    std::filesystem::create_directory_symlink(root / "elsewhere", root / "link");
    CHECK_THROWS_WITH_AS(tms::StagedDirectory(root / "link"), doctest::Contains("a symbolic link"), std::system_error);

    std::filesystem::create_directory(root / "empty");
    {
        tms::StagedDirectory out(root / "empty");
        CHECK_THROWS_AS(out.write("../escape", "x"), std::invalid_argument);
        out.write("report.html", "<html/>");
        out.commit();
    }
    CHECK(slurp(root / "empty" / "report.html") == "<html/>");
    CHECK(entries(root / "elsewhere") == 0);
}
