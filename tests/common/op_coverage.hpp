// Op coverage: which ops of a backend's table a set of programs executes. The programs are
// hand-written assembly (tests/<backend>/op_coverage.S) plus one program per op that always
// faults; each step's op is read from its pre-state's pc and the program's ELF image, so the
// count is of steps taken, not of instructions present.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "faultline/backend.hpp"
#include "faultline/elf.hpp"
#include "faultline/file.hpp"
#include "faultline/machine.hpp"
#include "faultline/step_verifier.hpp"
#include "run_command.hpp"

namespace faultline::test {

/// A program to run for coverage: the main one exits 0; a fault program faults on its op.
struct CoverageProgram {
  std::string label;  ///< "op_coverage.S", or the faulting op's name
  std::string elf;    ///< path of the built ELF
  bool faults = false;
};

/// A backend profile as the coverage tests see it.
struct CoverageProfile {
  std::string backend;           ///< "riscv64", "mips32", ...
  std::string qemu;              ///< "qemu-riscv64", ...
  std::vector<std::string> ops;  ///< every op of the profile's table
  ElfTarget elf_target;          ///< to read instructions from the ELF image
  /// The op name of the instruction at the pre-state's pc ("illegal" if none).
  std::function<std::string(ByteView state, const LoadedElf& image)> op_at;
};

/// The 4 bytes at `address` in the ELF image, in the image's byte order (0 where unmapped).
inline std::uint32_t image_word(const LoadedElf& image, std::uint64_t address, bool big_endian) {
  std::uint32_t word = 0;
  for (unsigned i = 0; i < 4; ++i) {
    std::uint8_t byte = 0;
    for (const ElfSegment& segment : image.segments) {
      if (address + i >= segment.address && address + i < segment.address + segment.data.size())
        byte = segment.data[address + i - segment.address];
    }
    word |= std::uint32_t{byte} << (big_endian ? 8 * (3 - i) : 8 * i);
  }
  return word;
}

/// Builds `source` with clang (extra flags `flags`) into a per-process file; fails the test
/// with clang's messages if it does not build.
inline std::string build_coverage_elf(const std::string& flags, const std::string& source_path,
                                      const std::string& name) {
  const std::string elf = name + "-" + std::to_string(getpid()) + ".elf";
  const auto built = run_command("clang " + flags + " -nostdlib -static -fuse-ld=lld " +
                                 "-Wl,--no-rosegment -o " + elf + " " + source_path + " 2>&1");
  INFO(built.output);
  REQUIRE(built.status == 0);
  return elf;
}

/// Runs `program` (its ELF's bytes: `elf`) under the profile's qemu and on `machine` (already
/// started from it), stepping with witnesses; `each_step` sees every witness (the EVM tests
/// send it to the contract). Adds the ops executed to `executed`. Main programs must exit 0 with
/// qemu's stdout; fault programs must fault here and die of a signal under qemu.
inline void run_for_coverage(const CoverageProfile& profile, const CoverageProgram& program,
                             ByteView elf, Machine& machine, std::set<std::string>& executed,
                             const std::function<void(const StepWitness&)>& each_step) {
  INFO(profile.backend << " " << program.label);
  auto image = load_elf(elf, profile.elf_target);
  REQUIRE(image.ok());
  while (machine.status() == VmStatus::running) {
    REQUIRE(machine.step_count() < 100'000);
    auto witness = machine.step_with_witness();
    REQUIRE(witness.ok());
    executed.insert(profile.op_at(witness->state, *image));
    each_step(*witness);
  }
  const auto qemu = run_command(profile.qemu + " " + program.elf + " 2>/dev/null");
  if (program.faults) {
    CHECK(machine.status() == VmStatus::faulted);
    CHECK(qemu.status > 128);  // killed by a signal (SIGILL, SIGTRAP)
  } else {
    CHECK(machine.status() == VmStatus::exited_ok);
    CHECK(qemu.status == 0);
    const ByteView out = machine.output(1);
    CHECK(to_hex(out) == to_hex(as_bytes(qemu.output)));
  }
}

/// Runs every program of the profile on `backend` (run_for_coverage); `each_step` sees every
/// witness with the machine after the step and the program's oracle. Returns the ops executed.
inline std::set<std::string> cover_profile(
    const CoverageProfile& profile, const Backend& backend,
    const std::vector<CoverageProgram>& programs,
    const std::function<void(const StepWitness&, Machine&, const PreimageOracle&)>& each_step) {
  std::set<std::string> executed;
  for (const auto& program : programs) {
    auto file = read_file(program.elf);
    REQUIRE(file.ok());
    auto loaded = backend.load(*file);
    REQUIRE(loaded.ok());
    const auto oracle = std::make_shared<InMemoryPreimageOracle>();
    auto machine = (*loaded)->start(oracle);
    run_for_coverage(profile, program, *file, *machine, executed,
                     [&](const StepWitness& witness) { each_step(witness, *machine, *oracle); });
    std::remove(program.elf.c_str());  // built per process for this run only
  }
  return executed;
}

/// The profile's ops that `executed` lacks.
inline std::vector<std::string> missing_ops(const CoverageProfile& profile,
                                            const std::set<std::string>& executed) {
  std::vector<std::string> missing;
  for (const auto& op : profile.ops)
    if (!executed.contains(op)) missing.push_back(op);
  return missing;
}

}  // namespace faultline::test
