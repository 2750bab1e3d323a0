// The MIPS backends: big-endian MIPS32r2 ("mips32", o32 system calls) and MIPS64r2 ("mips64",
// n64) user-level programs in static ELF files. See backends/mips/README.md.
#pragma once

#include <cstdint>
#include <memory>

#include "faultline/backend.hpp"

namespace faultline::mips {

/// A backend for MIPS32r2 (bits 32) or MIPS64r2 (bits 64).
///
/// `memory_limit` is the number of 4 KiB pages the guest may hold non-zero: a field of every
/// state and so of the absolute prestate (a game type fixes it). load() refuses a program whose
/// image alone exceeds it; a store that would exceed it faults (docs/architecture.md, "The
/// memory limit").
std::unique_ptr<Backend> make_backend(unsigned bits,
                                      std::uint64_t memory_limit = kDefaultMemoryLimitPages);

}  // namespace faultline::mips
