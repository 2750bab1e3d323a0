// The MIPS example guests built for the tests, and assembling and linking test programs with
// clang/lld.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "faultline/file.hpp"
#include "faultline/mips/backend.hpp"
#include "run_command.hpp"

namespace faultline::test {

inline std::string mips_guest(unsigned bits, const std::string& name) {
  return std::string(bits == 32 ? FAULTLINE_MIPS32_GUEST_DIR : FAULTLINE_MIPS64_GUEST_DIR) + "/" +
         name + ".elf";
}

/// The example `name` loaded as a program of `backend`.
inline std::unique_ptr<Program> load_mips_guest(const Backend& backend, unsigned bits,
                                                const std::string& name) {
  auto bytes = read_file(mips_guest(bits, name));
  REQUIRE(bytes.ok());
  auto program = backend.load(*bytes);
  REQUIRE(program.ok());
  return std::move(*program);
}

inline std::string mips_qemu(unsigned bits) {
  return bits == 32 ? "qemu-mips" : "qemu-mips64";
}

/// Builds a static MIPS ELF from assembly (noreorder: delay slots are written explicitly).
/// Returns the ELF's path, or an empty string with the tool's messages in `log`.
inline std::string build_mips(unsigned bits, const std::string& base, const std::string& source,
                              std::string& log) {
  if (!write_file(base + ".s", as_bytes(".set noreorder\n" + source))) return {};
  const std::string target = bits == 32 ? "--target=mips-linux-gnu -march=mips32r2 -mabi=32"
                                        : "--target=mips64-linux-gnuabi64 -march=mips64r2 -mabi=64";
  const auto built = run_command("clang " + target +
                                 " -msoft-float -mno-abicalls -fno-pic -G0 -nostdlib -static "
                                 "-fuse-ld=lld -Wl,--no-rosegment -Wl,-z,max-page-size=4096 -o " +
                                 base + ".elf " + base + ".s 2>&1");
  log = built.output;
  return built.status == 0 ? base + ".elf" : std::string{};
}

}  // namespace faultline::test
