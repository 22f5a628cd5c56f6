#pragma once
// The results file of `tms sweep`: JSON lines appended and made durable one at a time, read back on start so a
// re-run skips finished configs, and summarised per grid point by `tms sweep --aggregate`.
//
// Durability: a line is written with one fwrite of "<json>\n", then fflush and fsync, before the next result is
// taken. A kill can therefore leave at most one torn line, the last one, without its newline; open_results drops it
// (truncating the file to the last complete line) and those configs run again.

#include <fcntl.h>
#include <sys/file.h>
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

namespace tms::cli::sweep {

/// What the complete lines of a results file hold, in file order.
struct ResultsContents {
    std::vector<nlohmann::json> lines;
    std::set<std::string> ids;
    /// Bytes of complete lines; anything after (a torn last line) is not part of the file's results.
    std::uintmax_t complete_bytes = 0;
    /// The torn last line was this long (0: the file ended with a newline).
    std::uintmax_t torn_bytes = 0;
};

/// Reads the results file \p path (missing: empty). Blank lines are skipped; a last line without its newline is
/// counted as torn and not parsed.
/// \throws std::runtime_error naming the line for a complete line that is not a JSON object with a string "id".
[[nodiscard]] inline ResultsContents read_results(const std::string& path) {
    ResultsContents contents;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (std::filesystem::exists(path)) throw std::runtime_error(path + ": cannot be read");
        return contents;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    std::size_t start = 0;
    for (std::size_t line_number = 1; start < text.size(); ++line_number) {
        const std::size_t end = text.find('\n', start);
        if (end == std::string::npos) {
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
    }
    return contents;
}

/// An open results file: exclusive (flock) so two sweeps never append to one file, and append-only.
class ResultsFile {
public:
    /// Opens (creating) \p path for appending after dropping a torn last line; existing() holds what it had.
    /// \throws std::runtime_error if the file is corrupt, stays locked by another sweep, or cannot be written.
    /// Waits up to \p lock_timeout for a sweep that holds the file.
    explicit ResultsFile(const std::string& path, std::chrono::seconds lock_timeout = std::chrono::seconds(60))
        : path_(path) {
        bool warned = false;
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0) throw std::runtime_error(path + ": cannot open for writing: " + std::strerror(errno));
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
            contents_ = read_results(path);
            if (contents_.torn_bytes > 0 &&
                (::ftruncate(fd, static_cast<off_t>(contents_.complete_bytes)) != 0 || ::fsync(fd) != 0))
                throw std::runtime_error(path + ": cannot drop the torn last line: " + std::strerror(errno));
        } catch (...) {
            std::fclose(file_);
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
        << " p=" << config["probability"].dump() << " importance=" << config["importance"].dump()
        << " lr=" << config["learning_rate"].dump() << " steps=" << config.value("steps", 0)
        << " batch=" << config.value("batch_size", 0) << " " << config["optimizer"].value("name", "?") << " "
        << config.value("schedule", "?");
    return out.str();
}

/// The solution class of a trained model: how many features it represents, and for models with privileged
/// neurons (relu_hidden, abs_value) how many neurons are monosemantic and polysemantic.
[[nodiscard]] inline std::string solution_class(const nlohmann::json& line) {
    std::string out = "represented=" + std::to_string(line.value("represented", -1));
    const std::string model = line["config"].value("model", "");
    if ((model == "relu_hidden" || model == "abs_value") && line.contains("neurons"))
        out += " mono=" + std::to_string(line["neurons"].value("monosemantic", -1)) +
               " poly=" + std::to_string(line["neurons"].value("polysemantic", -1));
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
    for (const nlohmann::json& line : contents.lines) {
        if (!line.contains("config") || !line.contains("point")) continue;
        const std::string description = detail::describe_point(line["config"]);
        Point& point = points[description + "\x1f" + line["point"].get<std::string>()];
        point.description = description;
        if (!point.ids.insert(line["id"].get<std::string>()).second) continue;  // a config counted once
        ++point.seeds;
        ++point.classes[detail::solution_class(line)];
        if (!line["final_loss"].is_number()) {
            ++point.diverged;
            continue;
        }
        const double loss = line["final_loss"].get<double>();
        point.loss_sum += loss;
        if (loss < point.best_loss) {
            point.best_loss = loss;
            point.best_id = line["id"].get<std::string>();
            point.best_seed = line.value("seed", std::uint64_t{0});
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
