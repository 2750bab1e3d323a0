// Whole-file I/O through POSIX calls, so every failure is a checked return value (iostreams
// throw on a directory and hide short writes).
#include "faultline/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace faultline {
namespace {

/// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const noexcept { return fd_; }
  /// Closes now and reports whether the close succeeded (a write error may surface here).
  bool close() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

Error system_error(const std::string& what, const std::string& path, int error) {
  return Error{error == ENOENT ? Errc::not_found : Errc::io_error,
               what + " " + path + ": " + std::strerror(error)};
}

Error too_large(const std::string& path, std::uint64_t max_bytes) {
  return Error{Errc::out_of_range,
               path + " is larger than the " + std::to_string(max_bytes) + "-byte limit"};
}

}  // namespace

Result<Bytes> read_file(const std::string& path, std::uint64_t max_bytes) {
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return system_error("cannot read", path, errno);
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) return system_error("cannot read", path, errno);
  if (S_ISDIR(info.st_mode)) return system_error("cannot read", path, EISDIR);
  if (S_ISREG(info.st_mode) && static_cast<std::uint64_t>(info.st_size) > max_bytes) {
    return too_large(path, max_bytes);
  }
  Bytes data;
  if (S_ISREG(info.st_mode)) data.reserve(static_cast<std::size_t>(info.st_size));
  std::array<std::uint8_t, std::size_t{1} << 16> buffer{};
  while (true) {
    const ssize_t got = ::read(file.get(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return system_error("error while reading", path, errno);
    if (got == 0) return data;
    if (data.size() + static_cast<std::uint64_t>(got) > max_bytes)
      return too_large(path, max_bytes);
    data.insert(data.end(), buffer.begin(), buffer.begin() + got);
  }
}

Result<void> write_file(const std::string& path, ByteView data) {
  FileDescriptor file(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
  if (file.get() < 0) return system_error("cannot write", path, errno);
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t put = ::write(file.get(), data.data() + done, data.size() - done);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) return system_error("cannot write", path, errno);
    done += static_cast<std::size_t>(put);
  }
  if (!file.close()) return system_error("cannot write", path, errno);
  return {};
}

}  // namespace faultline
