#pragma once
/// \file io/file.hpp
/// Whole-file reads and crash-safe (atomic) whole-file writes, the primitives every tms file format uses.
///
/// write_file_atomically follows the POSIX protocol: write `path.tmp.<pid>`, flush and fsync it, rename it over
/// `path`, then fsync the directory. rename() is atomic, so a reader (or a process restarted after a crash or a
/// power cut) sees either the previous file or the new one, never a torn mixture.

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>

#include <fcntl.h>
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

/// Replaces \p path with \p bytes so that a crash at any moment leaves either the old file or the new one.
/// \throws std::system_error naming the file and the system's reason; \p path is then unchanged.
inline void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
    const std::filesystem::path temporary = atomic_temporary_path(path);
    const std::string name = temporary.string();
    {
        detail::FileDescriptor file(::open(name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
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

/// The whole contents of \p path.
/// \throws std::system_error naming the file if it cannot be opened or read (a directory included).
[[nodiscard]] inline std::string read_file(const std::filesystem::path& path) {
    const std::string name = path.string();
    detail::FileDescriptor file(::open(name.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.fd < 0) detail::throw_io_error(errno, detail::concat("cannot open '", name, "'"));
    struct ::stat status {};
    if (::fstat(file.fd, &status) != 0) detail::throw_io_error(errno, detail::concat("cannot stat '", name, "'"));
    if (S_ISDIR(status.st_mode)) detail::throw_io_error(EISDIR, detail::concat("cannot read '", name, "'"));
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
