// Paths of the example guest programs built for the tests, and small helpers to run them.
#pragma once

#include <memory>
#include <string>

#include "faultline/backend.hpp"
#include "faultline/file.hpp"
#include "faultline/riscv/backend.hpp"
#include "run_command.hpp"

namespace faultline::test {

inline std::string guest_elf(unsigned xlen, const std::string& name) {
  return std::string(xlen == 32 ? FAULTLINE_RISCV32_GUEST_DIR : FAULTLINE_RISCV64_GUEST_DIR) + "/" +
         name + ".elf";
}

inline std::unique_ptr<Program> load_guest(const Backend& backend, unsigned xlen,
                                           const std::string& name) {
  auto bytes = read_file(guest_elf(xlen, name));
  if (!bytes) return nullptr;
  auto program = backend.load(*bytes);
  return program ? std::move(*program) : nullptr;
}

/// An example guest ready to run: its backend, the loaded program, and an oracle that holds
/// the program's input.
struct Guest {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<Program> program;
  std::shared_ptr<InMemoryPreimageOracle> oracle;
};

inline Guest load_guest_with_input(unsigned xlen, const std::string& name, Bytes input = {}) {
  Guest guest{riscv::make_backend(xlen), nullptr, std::make_shared<InMemoryPreimageOracle>()};
  guest.program = load_guest(*guest.backend, xlen, name);
  guest.oracle->set_program_input(std::move(input));
  return guest;
}

}  // namespace faultline::test
