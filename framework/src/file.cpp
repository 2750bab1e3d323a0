// Whole-file I/O.
#include "faultline/file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace faultline {

Result<Bytes> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    return Error{error == ENOENT ? Errc::not_found : Errc::io_error,
                 "cannot read " + path + ": " + std::strerror(error)};
  }
  Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Error{Errc::io_error, "error while reading " + path};
  return data;
}

Result<void> write_file(const std::string& path, ByteView data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) return Error{Errc::io_error, "cannot write " + path + ": " + std::strerror(errno)};
  return {};
}

}  // namespace faultline
