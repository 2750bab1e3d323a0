// The MIPS backends: big-endian MIPS32r2 ("mips32", o32 system calls) and MIPS64r2 ("mips64",
// n64) user-level programs in static ELF files. See backends/mips/README.md.
#pragma once

#include <memory>

#include "faultline/backend.hpp"

namespace faultline::mips {

/// A backend for MIPS32r2 (bits 32) or MIPS64r2 (bits 64).
std::unique_ptr<Backend> make_backend(unsigned bits);

}  // namespace faultline::mips
