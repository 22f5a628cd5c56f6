#pragma once
/// \file io/file.hpp
/// Whole-file reads and crash-safe (atomic) whole-file writes, the primitives every tms file format uses.
///
/// write_file_atomically follows the POSIX protocol: write `path.tmp.<pid>`, flush and fsync it, rename it over
/// `path`, then fsync the directory. rename() is atomic, so a reader (or a process restarted after a crash or a
/// power cut) sees either the previous file or the new one, never a torn mixture. It writes only regular files:
/// a device, FIFO, directory or symbolic link at the path is refused. read_file reads at most a given size.

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../config.hpp"
#include "../detail/validate.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

namespace detail {

[[noreturn]] inline void throw_io_error(int error, const std::string& message) {
    throw std::system_error(error, std::generic_category(), message);
}

/// Writes all of \p bytes to \p fd, retrying partial writes and EINTR.
inline void write_all(int fd, std::string_view bytes, const std::string& name) {
    while (!bytes.empty()) {
        const ::ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0) {
            if (errno == EINTR) continue;
            throw_io_error(errno, concat("cannot write '", name, "'"));
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
}

/// Closes a descriptor on scope exit unless released.
struct FileDescriptor {
    int fd = -1;
    FileDescriptor() = default;
    explicit FileDescriptor(int descriptor) noexcept : fd(descriptor) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() {
        if (fd >= 0) ::close(fd);
    }
    /// Closes now and reports the error close() returns (a deferred write error on some file systems).
    int close() noexcept {
        const int result = ::close(fd);
        fd = -1;
        return result;
    }
};

}  // namespace detail

/// The name of the temporary file write_file_atomically writes before renaming it over \p path.
[[nodiscard]] inline std::filesystem::path atomic_temporary_path(const std::filesystem::path& path) {
    return std::filesystem::path(path.string() + ".tmp." + std::to_string(::getpid()));
}

namespace detail {

/// What lstat() says is at \p path, in words, for a message ("a FIFO", "a directory", ...).
[[nodiscard]] inline const char* file_type_name(mode_t mode) noexcept {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISLNK(mode)) return "a symbolic link";
    return "not a regular file";
}

/// Throws unless \p path is absent or a regular file (not a symbolic link, FIFO, device, socket or directory).
inline void require_replaceable_output(const std::filesystem::path& path) {
    struct ::stat status {};
    if (::lstat(path.c_str(), &status) != 0) {
        if (errno == ENOENT) return;
        throw_io_error(errno, concat("cannot write '", path.string(), "'"));
    }
    if (!S_ISREG(status.st_mode))
        throw_io_error(S_ISDIR(status.st_mode) ? EISDIR : EPERM,
                       concat("refusing to write '", path.string(), "': it is ", file_type_name(status.st_mode),
                              "; tms writes outputs only to regular files and never through a link"));
}

/// Removes the temporary files `<name>.tmp.<pid>` next to \p path that a process no longer alive left behind
/// (killed while saving); a live process's temporary file is left alone.
inline void remove_stale_temporaries(const std::filesystem::path& path) noexcept {
    const std::filesystem::path parent = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const std::string prefix = path.filename().string() + ".tmp.";
    std::error_code error;
    for (std::filesystem::directory_iterator it(parent, error), end; !error && it != end; it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (!name.starts_with(prefix) || name.size() == prefix.size() || name.size() - prefix.size() > 10) continue;
        const std::string_view digits = std::string_view(name).substr(prefix.size());
        if (digits.find_first_not_of("0123456789") != std::string_view::npos) continue;
        const long pid = std::stol(std::string(digits));
        if (pid <= 0 || pid == ::getpid()) continue;
        if (::kill(static_cast<::pid_t>(pid), 0) != 0 && errno == ESRCH) ::unlink(it->path().c_str());
    }
}

}  // namespace detail

/// Replaces \p path with \p bytes so that a crash at any moment leaves either the old file or the new one: the
/// one checked writer every tms output goes through.
///
/// - \p path must be absent or a regular file: a FIFO, a device, a socket, a directory or a symbolic link at
///   \p path is refused (never written through, never replaced), so `--checkpoint /dev/null` cannot turn a device
///   into a file and a planted link cannot redirect an output.
/// - The bytes go to `path.tmp.<pid>` (created exclusively, never through a link), every write(), the fsync and the
///   close are checked (a full disk or a file-size limit throws), then rename() puts it in place and the
///   directory is fsynced.
/// - Temporary files of the same name left by a dead process (a SIGKILL while saving) are removed first.
/// \throws std::system_error naming the file and the system's reason; \p path is then unchanged.
inline void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
    detail::require_replaceable_output(path);
    detail::remove_stale_temporaries(path);
    const std::filesystem::path temporary = atomic_temporary_path(path);
    const std::string name = temporary.string();
    {
        ::unlink(name.c_str());  // our own pid's leftover (an earlier failed save, or a recycled pid)
        detail::FileDescriptor file(::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (file.fd < 0) detail::throw_io_error(errno, detail::concat("cannot create '", name, "'"));
        try {
            detail::write_all(file.fd, bytes, name);
            if (::fsync(file.fd) != 0) detail::throw_io_error(errno, detail::concat("cannot fsync '", name, "'"));
            if (file.close() != 0) detail::throw_io_error(errno, detail::concat("cannot close '", name, "'"));
        } catch (...) {
            ::unlink(name.c_str());
            throw;
        }
    }
    try {
        // Checked again right before the rename: the window in which something else can appear is now small.
        detail::require_replaceable_output(path);
    } catch (...) {
        ::unlink(name.c_str());
        throw;
    }
    if (::rename(name.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(name.c_str());
        detail::throw_io_error(error, detail::concat("cannot rename '", name, "' to '", path.string(), "'"));
    }
    // The rename is durable only once the directory entry is: fsync the directory.
    const std::filesystem::path parent = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    detail::FileDescriptor directory(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (directory.fd < 0) detail::throw_io_error(errno, detail::concat("cannot open directory '", parent.string(), "'"));
    if (::fsync(directory.fd) != 0 && errno != EINVAL)  // some file systems cannot fsync a directory
        detail::throw_io_error(errno, detail::concat("cannot fsync directory '", parent.string(), "'"));
}

/// The largest file read_file reads unless told otherwise (1 GiB): a bound so that a wrong path (`/dev/zero`, a
/// huge unrelated file) fails with a message instead of exhausting memory.
inline constexpr std::uint64_t default_read_limit = std::uint64_t{1} << 30;

/// The whole contents of \p path, which must hold at most \p max_bytes bytes.
/// \throws std::system_error naming the file if it cannot be opened or read (a directory included), or (EFBIG)
///         if it is longer than \p max_bytes; no more than \p max_bytes + 1 bytes are ever read.
[[nodiscard]] inline std::string read_file(const std::filesystem::path& path,
                                           std::uint64_t max_bytes = default_read_limit) {
    const std::string name = path.string();
    detail::FileDescriptor file(::open(name.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.fd < 0) detail::throw_io_error(errno, detail::concat("cannot open '", name, "'"));
    struct ::stat status {};
    if (::fstat(file.fd, &status) != 0) detail::throw_io_error(errno, detail::concat("cannot stat '", name, "'"));
    if (S_ISDIR(status.st_mode)) detail::throw_io_error(EISDIR, detail::concat("cannot read '", name, "'"));
    auto too_large = [&] {
        detail::throw_io_error(EFBIG, detail::concat("cannot read '", name, "': it is larger than the limit of ",
                                                     max_bytes, " bytes"));
    };
    if (S_ISREG(status.st_mode) && static_cast<std::uint64_t>(status.st_size) > max_bytes) too_large();
    std::string bytes;
    if (S_ISREG(status.st_mode) && status.st_size > 0) bytes.reserve(static_cast<std::size_t>(status.st_size));
    char buffer[1 << 16];
    for (;;) {
        const ::ssize_t count = ::read(file.fd, buffer, sizeof buffer);
        if (count < 0) {
            if (errno == EINTR) continue;
            detail::throw_io_error(errno, detail::concat("cannot read '", name, "'"));
        }
        if (count == 0) break;
        bytes.append(buffer, static_cast<std::size_t>(count));
        if (bytes.size() > max_bytes) too_large();  // a device or pipe that never ends (/dev/zero)
    }
    return bytes;
}

/// The rest of \p in.
[[nodiscard]] inline std::string read_stream(std::istream& in) {
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw std::system_error(EIO, std::generic_category(), "cannot read the input stream");
    return bytes;
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
