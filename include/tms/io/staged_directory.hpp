#pragma once
/// \file io/staged_directory.hpp
/// A directory of outputs (a report, its figures, a summary) that appears complete or not at all.
///
///     tms::StagedDirectory out("rep");          // checks "rep", creates "rep.staging.<pid>"
///     out.write("summary.json", text);          // checked writes into the staging directory
///     out.write("figures/fig1.svg", svg);       // subdirectories are created as needed
///     out.commit();                             // marker written, then "rep" replaced in one rename
///
/// Until commit() nothing at the target changes, so a run killed (or failing) half-way never leaves new files mixed
/// with an older finished run; the staging directory of a dead process is removed by the next StagedDirectory for
/// the same target, and the destructor of an uncommitted one removes its own. A finished directory holds the
/// marker file `.tms-complete`; a non-empty directory without it is not replaced (it may be the user's).

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../detail/validate.hpp"
#include "file.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

class StagedDirectory {
public:
    /// The file every finished staged directory holds (written last, by commit()).
    static constexpr std::string_view completion_marker = ".tms-complete";

    /// Prepares to replace \p target: it must be absent, an empty directory or a directory a previous commit()
    /// finished (it holds the completion marker). Removes staging directories of dead processes, then creates
    /// `<target>.staging.<pid>`.
    /// \throws std::system_error naming \p target if it is a symbolic link, not a directory, a non-empty directory
    ///         without the marker, or if the staging directory cannot be created.
    explicit StagedDirectory(std::filesystem::path target) : target_(std::move(target)) {
        if (target_.filename().empty()) target_ = target_.parent_path();  // "rep/" names "rep"
        require_replaceable_target();
        remove_stale_staging();
        staging_ = staging_path(::getpid());
        std::error_code ignored;
        std::filesystem::remove_all(staging_, ignored);  // a recycled pid's leftover
        if (::mkdir(staging_.c_str(), 0755) != 0)
            detail::throw_io_error(errno, detail::concat("cannot create the staging directory '", staging_.string(), "'"));
    }

    StagedDirectory(const StagedDirectory&) = delete;
    StagedDirectory& operator=(const StagedDirectory&) = delete;

    /// Removes the staging directory unless commit() succeeded.
    ~StagedDirectory() {
        if (committed_) return;
        std::error_code ignored;
        std::filesystem::remove_all(staging_, ignored);
    }

    /// The directory that becomes the target on commit().
    [[nodiscard]] const std::filesystem::path& target() const noexcept { return target_; }
    /// Where files are written until commit().
    [[nodiscard]] const std::filesystem::path& staging() const noexcept { return staging_; }
    /// \p relative inside the staging directory (its parent directories created).
    /// \throws std::invalid_argument if \p relative is absolute or climbs out with "..".
    [[nodiscard]] std::filesystem::path path(const std::filesystem::path& relative) const {
        bool climbs = false;
        for (const auto& part : relative) climbs = climbs || part == "..";
        detail::require(relative.is_relative() && !climbs && !relative.empty(), "StagedDirectory: '",
                        relative.string(), "' must be a relative path inside the directory");
        const std::filesystem::path full = staging_ / relative;
        if (full.has_parent_path()) std::filesystem::create_directories(full.parent_path());
        return full;
    }

    /// Writes \p bytes to \p relative inside the staging directory through write_file_atomically (every write,
    /// the fsync and the close checked). \throws std::system_error naming the file.
    void write(const std::filesystem::path& relative, std::string_view bytes) const {
        write_file_atomically(path(relative), bytes);
    }

    /// Writes the completion marker, then puts the staging directory at the target in one rename (an atomic
    /// exchange when the target exists) and removes the previous run's files.
    /// \throws std::system_error naming the target; the target is then unchanged.
    void commit() {
        if (committed_) return;
        write(std::string(completion_marker), "complete\n");
        require_replaceable_target();  // again: it may have changed while we ran
        sync_directory(staging_);
        struct ::stat status {};
        const bool exists = ::lstat(target_.c_str(), &status) == 0;
        if (!exists) {
            if (::rename(staging_.c_str(), target_.c_str()) != 0)
                detail::throw_io_error(errno, detail::concat("cannot move '", staging_.string(), "' to '",
                                                             target_.string(), "'"));
        } else if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
            // The previous run now sits at the staging path.
            std::error_code ignored;
            std::filesystem::remove_all(staging_, ignored);
        } else {
            // A file system without RENAME_EXCHANGE: move the old run aside first (a kill in between leaves it at
            // `<target>.old.<pid>` and the target absent, never a mixture).
            const std::filesystem::path old = std::filesystem::path(target_.string() + ".old." + std::to_string(::getpid()));
            if (::rename(target_.c_str(), old.c_str()) != 0 || ::rename(staging_.c_str(), target_.c_str()) != 0)
                detail::throw_io_error(errno, detail::concat("cannot move '", staging_.string(), "' to '",
                                                             target_.string(), "'"));
            std::error_code ignored;
            std::filesystem::remove_all(old, ignored);
        }
        committed_ = true;
        sync_directory(target_.has_parent_path() ? target_.parent_path() : std::filesystem::path("."));
    }

    /// True if \p directory is a finished staged directory (it holds the completion marker).
    [[nodiscard]] static bool is_complete(const std::filesystem::path& directory) {
        struct ::stat status {};
        return ::lstat((directory / std::string(completion_marker)).c_str(), &status) == 0 && S_ISREG(status.st_mode);
    }

private:
    [[nodiscard]] std::filesystem::path staging_path(long pid) const {
        return std::filesystem::path(target_.string() + ".staging." + std::to_string(pid));
    }

    void require_replaceable_target() const {
        struct ::stat status {};
        if (::lstat(target_.c_str(), &status) != 0) {
            if (errno == ENOENT) return;
            detail::throw_io_error(errno, detail::concat("cannot use the output directory '", target_.string(), "'"));
        }
        if (!S_ISDIR(status.st_mode))
            detail::throw_io_error(ENOTDIR, detail::concat("refusing to replace '", target_.string(), "': it is ",
                                                           detail::file_type_name(status.st_mode),
                                                           ", not a directory"));
        std::error_code error;
        const bool empty = std::filesystem::is_empty(target_, error);
        if (error) detail::throw_io_error(error.value(), detail::concat("cannot read the directory '", target_.string(), "'"));
        if (!empty && !is_complete(target_))
            detail::throw_io_error(EEXIST, detail::concat("refusing to replace '", target_.string(),
                                                          "': it is a non-empty directory that tms did not finish "
                                                          "writing (no ", completion_marker,
                                                          " file); remove it or choose another output directory"));
    }

    /// Removes `<target>.staging.<pid>` directories whose process is gone (a run killed before commit()).
    void remove_stale_staging() const noexcept {
        const std::filesystem::path parent =
            target_.has_parent_path() ? target_.parent_path() : std::filesystem::path(".");
        const std::string prefix = target_.filename().string() + ".staging.";
        std::error_code error;
        for (std::filesystem::directory_iterator it(parent, error), end; !error && it != end; it.increment(error)) {
            const std::string name = it->path().filename().string();
            if (!name.starts_with(prefix) || name.size() == prefix.size() || name.size() - prefix.size() > 10) continue;
            const std::string_view digits = std::string_view(name).substr(prefix.size());
            if (digits.find_first_not_of("0123456789") != std::string_view::npos) continue;
            const long pid = std::stol(std::string(digits));
            if (pid <= 0 || pid == ::getpid()) continue;
            if (::kill(static_cast<::pid_t>(pid), 0) != 0 && errno == ESRCH) {
                std::error_code ignored;
                std::filesystem::remove_all(it->path(), ignored);
            }
        }
    }

    static void sync_directory(const std::filesystem::path& directory) {
        detail::FileDescriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (fd.fd < 0) detail::throw_io_error(errno, detail::concat("cannot open directory '", directory.string(), "'"));
        if (::fsync(fd.fd) != 0 && errno != EINVAL)
            detail::throw_io_error(errno, detail::concat("cannot fsync directory '", directory.string(), "'"));
    }

    std::filesystem::path target_;
    std::filesystem::path staging_;
    bool committed_ = false;
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
