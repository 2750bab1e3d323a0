// The RISC-V backends: RV32IMAC ("riscv32") and RV64IMAC ("riscv64") user-level programs in
// static ELF files, with Linux system calls. See backends/riscv/README.md.
#pragma once

#include <cstdint>
#include <memory>

#include "faultline/backend.hpp"

namespace faultline::riscv {

/// A backend for RV32IMAC (xlen 32) or RV64IMAC (xlen 64).
///
/// `memory_limit` is the number of 4 KiB pages the guest may hold non-zero: a field of every
/// state and so of the absolute prestate (a game type fixes it). load() refuses a program whose
/// image alone exceeds it; a store that would exceed it faults (docs/architecture.md, "The
/// memory limit").
std::unique_ptr<Backend> make_backend(unsigned xlen,
                                      std::uint64_t memory_limit = kDefaultMemoryLimitPages);

}  // namespace faultline::riscv
