// Reading and writing whole files with the library's error convention.
#pragma once

#include <cstdint>
#include <string>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"

namespace faultline {

/// The default cap of read_file: programs and inputs come from parties who may be adversaries,
/// so no file is read without a bound on the memory it takes.
inline constexpr std::uint64_t kDefaultMaxFileBytes = std::uint64_t{256} << 20;  // 256 MiB

/// The bytes of a file of at most `max_bytes` bytes: not_found if it does not exist,
/// out_of_range if it is larger (a regular file's size is checked before reading; a device or
/// pipe is read up to the cap), io_error for anything else the system refuses, a directory
/// included; every message names the path and the reason.
Result<Bytes> read_file(const std::string& path, std::uint64_t max_bytes = kDefaultMaxFileBytes);

/// Writes (replaces) a file; io_error with the path and the reason, also when the data does
/// not all reach the file (a full disk).
Result<void> write_file(const std::string& path, ByteView data);

}  // namespace faultline
