#pragma once
// The results file of `tms sweep`: JSON lines appended and made durable one at a time, read back on start so a
// re-run skips finished configs, and summarised per grid point by `tms sweep --aggregate`.
//
// Durability: a line is written with one fwrite of "<json>\n", then fflush and fsync, before the next result is
// taken. A kill can therefore leave at most one torn line, the last one, without its newline; open_results drops it
// (truncating the file to the last complete line) and those configs run again. A file that is not a results file
// (it does not start with {"id":") is never appended to or truncated.

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <tms/io/file.hpp>

namespace tms::cli::sweep {

/// The largest results file read (4 GiB): a million results of n = 100, m = 40 fit; reading stops there.
inline constexpr std::uint64_t results_read_limit = std::uint64_t{1} << 32;

/// How every results line starts (result_line writes "id" first): the header that tells a results file from any
/// other file, checked before a file is appended to or truncated.
inline constexpr std::string_view results_line_start = "{\"id\":\"";

/// What the complete lines of a results file hold, in file order.
struct ResultsContents {
    std::string path;
    std::vector<nlohmann::json> lines;
    std::vector<std::size_t> line_numbers;  ///< the file's line number of each entry of lines
    std::set<std::string> ids;
    /// Bytes of complete lines; anything after (a torn last line) is not part of the file's results.
    std::uintmax_t complete_bytes = 0;
    /// The torn last line was this long (0: the file ended with a newline).
    std::uintmax_t torn_bytes = 0;
};

/// Parses the text of the results file \p path. Blank lines are skipped; a last line without its newline is
/// counted as torn and not parsed, but only if it starts like a results line.
/// \throws std::runtime_error naming the file (and the line) if the text is not a tms sweep results file: a
///         non-empty file that does not start with {"id":", or a complete line that is not a results object.
[[nodiscard]] inline ResultsContents parse_results(const std::string& text, const std::string& path) {
    ResultsContents contents;
    contents.path = path;
    if (!text.empty() && !text.starts_with(results_line_start))
        throw std::runtime_error(path + ": not a tms sweep results file (it does not start with " +
                                 std::string(results_line_start) + "); refusing to use it");
    std::size_t start = 0;
    for (std::size_t line_number = 1; start < text.size(); ++line_number) {
        const std::size_t end = text.find('\n', start);
        if (end == std::string::npos) {
            if (!std::string_view(text).substr(start).starts_with(results_line_start))
                throw std::runtime_error(path + ":" + std::to_string(line_number) +
                                         ": the last line is neither a results line nor the start of one; the file "
                                         "is corrupt or not a tms sweep results file");
            contents.torn_bytes = text.size() - start;
            break;
        }
        const std::string_view line(text.data() + start, end - start);
        start = end + 1;
        contents.complete_bytes = start;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        nlohmann::json value = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (!value.is_object() || !value.contains("id") || !value["id"].is_string())
            throw std::runtime_error(path + ":" + std::to_string(line_number) +
                                     ": not a results line (a JSON object with an \"id\"); the file is corrupt or "
                                     "not a tms sweep results file");
        contents.ids.insert(value["id"].get<std::string>());
        contents.lines.push_back(std::move(value));
        contents.line_numbers.push_back(line_number);
    }
    return contents;
}

/// Reads the results file \p path, which must exist and be a regular file of at most results_read_limit bytes.
/// \throws std::runtime_error / std::system_error naming the file (see parse_results).
[[nodiscard]] inline ResultsContents read_results(const std::string& path) {
    struct ::stat status {};
    if (::stat(path.c_str(), &status) != 0) throw std::runtime_error(path + ": cannot read: " + std::strerror(errno));
    if (!S_ISREG(status.st_mode))
        throw std::runtime_error(path + ": cannot read: " + tms::detail::file_type_name(status.st_mode) +
                                 ", not a results file");
    return parse_results(tms::read_file(path, results_read_limit), path);
}

/// An open results file: exclusive (flock) so two sweeps never append to one file, and append-only.
class ResultsFile {
public:
    /// Opens (creating) \p path for appending after dropping a torn last line; existing() holds what it had.
    /// \p path must be absent, empty or a results file: anything else (another file, a symbolic link, a FIFO, a
    /// directory, the grid itself) is refused untouched.
    /// \throws std::runtime_error if the file is not a results file, is corrupt, stays locked by another sweep,
    ///         or cannot be written. Waits up to \p lock_timeout for a sweep that holds the file.
    explicit ResultsFile(const std::string& path, std::chrono::seconds lock_timeout = std::chrono::seconds(60),
                         const std::string& grid_path = "")
        : path_(path) {
        bool warned = false;
        struct ::stat status {};
        if (::lstat(path.c_str(), &status) == 0 && !S_ISREG(status.st_mode))
            throw std::runtime_error(path + ": refusing to use it as the results file: it is " +
                                     std::string(tms::detail::file_type_name(status.st_mode)));
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0) throw std::runtime_error(path + ": cannot open for writing: " + std::strerror(errno));
        struct ::stat opened {}, grid {};
        if (::fstat(fd, &opened) != 0 || !S_ISREG(opened.st_mode) ||
            (!grid_path.empty() && ::stat(grid_path.c_str(), &grid) == 0 && grid.st_dev == opened.st_dev &&
             grid.st_ino == opened.st_ino)) {
            ::close(fd);
            throw std::runtime_error(path + ": refusing to use it as the results file: it is not a regular file or it "
                                            "is the grid file itself");
        }
        // A sweep still running on this file (or the orphaned ranks of a killed mpirun, which finish their
        // current model and exit) holds the lock: wait for it, so resuming never races with it.
        const auto give_up = std::chrono::steady_clock::now() + lock_timeout;
        while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK && errno != EINTR) {
                const int error = errno;
                ::close(fd);
                throw std::runtime_error(path + ": cannot lock: " + std::strerror(error));
            }
            if (std::chrono::steady_clock::now() >= give_up) {
                ::close(fd);
                throw std::runtime_error(path + ": in use by another tms sweep (still locked after " +
                                         std::to_string(lock_timeout.count()) + " s)");
            }
            if (!warned) std::cerr << "tms sweep: waiting for another sweep to release " << path << std::endl;
            warned = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        file_ = ::fdopen(fd, "a");
        if (!file_) {
            ::close(fd);
            throw std::runtime_error(path + ": cannot open for writing: " + std::strerror(errno));
        }
        try {
            contents_ = parse_results(tms::read_file(path, results_read_limit), path);
            if (contents_.torn_bytes > 0 &&
                (::ftruncate(fd, static_cast<off_t>(contents_.complete_bytes)) != 0 || ::fsync(fd) != 0))
                throw std::runtime_error(path + ": cannot drop the torn last line: " + std::strerror(errno));
        } catch (...) {
            std::fclose(file_);
            file_ = nullptr;
            throw;
        }
    }
    ResultsFile(const ResultsFile&) = delete;
    ResultsFile& operator=(const ResultsFile&) = delete;
    ~ResultsFile() {
        if (file_) std::fclose(file_);
    }

    [[nodiscard]] const ResultsContents& existing() const noexcept { return contents_; }

    /// Appends "<line>\n" and returns once it is on disk (fflush + fsync).
    void append(const std::string& line) {
        std::string record = line;
        record += '\n';
        if (std::fwrite(record.data(), 1, record.size(), file_) != record.size() || std::fflush(file_) != 0 ||
            ::fsync(::fileno(file_)) != 0)
            throw std::runtime_error(path_ + ": write failed: " + std::strerror(errno));
    }

private:
    std::string path_;
    std::FILE* file_ = nullptr;
    ResultsContents contents_;
};

namespace detail {

[[nodiscard]] inline std::string describe_point(const nlohmann::json& config) {
    std::ostringstream out;
    out << config.value("model", "?") << " n=" << config.value("n", 0) << " m=" << config.value("m", 0)
        << " p=" << config.at("probability").dump() << " importance=" << config.at("importance").dump()
        << " lr=" << config.at("learning_rate").dump() << " steps=" << config.value("steps", 0)
        << " batch=" << config.value("batch_size", 0) << " " << config.at("optimizer").value("name", "?") << " "
        << config.value("schedule", "?");
    return out.str();
}

/// The solution class of a trained model: how many features it represents, and for models with privileged
/// neurons (relu_hidden, abs_value) how many neurons are monosemantic and polysemantic.
[[nodiscard]] inline std::string solution_class(const nlohmann::json& line) {
    std::string out = "represented=" + std::to_string(line.value("represented", -1));
    const std::string model = line.at("config").value("model", "");
    if ((model == "relu_hidden" || model == "abs_value") && line.contains("neurons"))
        out += " mono=" + std::to_string(line.at("neurons").value("monosemantic", -1)) +
               " poly=" + std::to_string(line.at("neurons").value("polysemantic", -1));
    return out;
}

}  // namespace detail

/// Per grid point (configs equal up to the seed): seeds, mean and minimum final loss, the best-of-K id (lowest
/// loss), and the fraction of seeds in each solution class. Points are listed in the order of their description.
inline void aggregate(const ResultsContents& contents, std::ostream& out) {
    struct Point {
        std::string description;
        std::map<std::string, int> classes;
        std::set<std::string> ids;
        int seeds = 0, diverged = 0;
        double loss_sum = 0.0, best_loss = std::numeric_limits<double>::infinity();
        std::string best_id;
        std::uint64_t best_seed = 0;
    };
    std::map<std::string, Point> points;  // keyed by description, then point id
    // Every access goes through at(), which throws for a missing key or a wrong type (operator[] on a const
    // object would be undefined behaviour), and the message gets the file and the line.
    const auto add = [&](const nlohmann::json& line) {
        if (!line.contains("config") || !line.contains("point")) return;
        if (!line.at("config").is_object() || !line.at("point").is_string())
            throw std::runtime_error("\"config\" is not an object or \"point\" not a string");
        const std::string description = detail::describe_point(line.at("config"));
        Point& point = points[description + "\x1f" + line.at("point").get<std::string>()];
        point.description = description;
        if (!point.ids.insert(line.at("id").get<std::string>()).second) return;  // a config counted once
        ++point.seeds;
        ++point.classes[detail::solution_class(line)];
        if (!line.contains("final_loss") || !line.at("final_loss").is_number()) {
            ++point.diverged;
            return;
        }
        const double loss = line.at("final_loss").get<double>();
        point.loss_sum += loss;
        if (loss < point.best_loss) {
            point.best_loss = loss;
            point.best_id = line.at("id").get<std::string>();
            point.best_seed = line.value("seed", std::uint64_t{0});
        }
    };
    for (std::size_t index = 0; index < contents.lines.size(); ++index) {
        try {
            add(contents.lines[index]);
        } catch (const std::exception& e) {
            std::string what = e.what();
            if (const auto bracket = what.find("] "); what.starts_with("[json.exception") && bracket != std::string::npos)
                what = what.substr(bracket + 2);
            const std::size_t number = index < contents.line_numbers.size() ? contents.line_numbers[index] : index + 1;
            throw std::runtime_error(contents.path + ":" + std::to_string(number) + ": malformed results line: " + what);
        }
    }
    out << points.size() << " points, " << contents.lines.size() << " results\n";
    for (const auto& [key, point] : points) {
        const int finite = point.seeds - point.diverged;
        out << "\n" << point.description << "  (point " << key.substr(key.find('\x1f') + 1) << ", " << point.seeds
            << (point.seeds == 1 ? " seed" : " seeds");
        if (point.diverged > 0) out << ", " << point.diverged << " diverged";
        out << ")\n";
        if (finite > 0)
            out << "  loss: mean " << std::setprecision(6) << point.loss_sum / finite << "  min " << point.best_loss
                << "  best-of-" << point.seeds << ": " << point.best_id << " (seed " << point.best_seed << ")\n";
        std::vector<std::pair<std::string, int>> classes(point.classes.begin(), point.classes.end());
        std::stable_sort(classes.begin(), classes.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        for (const auto& [name, count] : classes)
            out << "  " << std::fixed << std::setprecision(2) << static_cast<double>(count) / point.seeds
                << std::defaultfloat << "  " << name << "  (" << count << "/" << point.seeds << ")\n";
    }
}

}  // namespace tms::cli::sweep
