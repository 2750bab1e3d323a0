// The RISC-V backends: RV32IMAC ("riscv32") and RV64IMAC ("riscv64") user-level programs in
// static ELF files, with Linux system calls. See backends/riscv/README.md.
#pragma once

#include <memory>

#include "faultline/backend.hpp"

namespace faultline::riscv {

/// A backend for RV32IMAC (xlen 32) or RV64IMAC (xlen 64).
std::unique_ptr<Backend> make_backend(unsigned xlen);

}  // namespace faultline::riscv
