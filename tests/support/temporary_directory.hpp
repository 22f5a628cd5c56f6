#pragma once
// The test program's own directory: made with mkdtemp under the system's temporary directory (so two runs, or the
// dev and sanitize presets at once, never share a path) and removed with everything in it when the program ends,
// so tests leave nothing behind. A forked child must leave with _exit, as the tests' children do, or it would
// remove the directory under its parent.
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace tms_test {

class TemporaryDirectory {
public:
    TemporaryDirectory() {
        std::string pattern = (std::filesystem::temp_directory_path() / "tms_test_XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
        path_ = pattern;
    }
    ~TemporaryDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

/// The program's directory, created on first use and removed at exit.
inline const std::filesystem::path& program_directory() {
    static const TemporaryDirectory directory;
    return directory.path();
}

/// An empty directory \p name inside the program's directory (emptied if a previous test case used the name).
inline std::filesystem::path fresh_directory(const std::string& name) {
    const std::filesystem::path dir = program_directory() / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace tms_test
