// Reading and writing whole files with the library's error convention.
#pragma once

#include <string>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"

namespace faultline {

/// The bytes of a file; not_found or io_error with the path and the reason.
Result<Bytes> read_file(const std::string& path);

/// Writes (replaces) a file; io_error with the path and the reason.
Result<void> write_file(const std::string& path, ByteView data);

}  // namespace faultline
