// Paths of the example guest programs built for the tests, and small helpers to run them.
#pragma once

#include <sys/wait.h>
#include <cstdio>
#include <memory>
#include <string>

#include "faultline/backend.hpp"
#include "faultline/file.hpp"
#include "faultline/riscv/backend.hpp"

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

/// Output and status of a shell command. `status` is the exit code, or 128 + signal.
struct CommandResult {
  std::string output;
  int status = -1;
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  // Close the preimage-channel descriptors so a guest under qemu cannot mistake an inherited
  // descriptor for the oracle.
  const std::string wrapped = "exec 3>&- 4>&- 5>&- 6>&-; " + command;
  FILE* pipe = popen(wrapped.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    result.output.append(buffer, got);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace faultline::test
