// Every example guest program behaves the same in faultline and under qemu-user (an emulator
// nobody here wrote): same stdout, same exit code, and a fault where qemu kills the process.
#include <catch2/catch.hpp>
#include <cstring>

#include "faultline/program_executor.hpp"
#include "guest_programs.hpp"

namespace {

using namespace faultline;

struct Case {
  const char* program;
  const char* input;  // stdin for qemu; the preimage input for faultline
};

}  // namespace

TEST_CASE("example programs match qemu-user: stdout and exit code") {
  const Case cases[] = {
      {"fib", ""},
      {"sha256", ""},
      {"sha256", "hello"},
      {"sha256", "The quick brown fox jumps over the lazy dog, 64 bytes and more.."},
      {"sort", ""},
      {"matmul", ""}};
  for (const unsigned xlen : {32u, 64u}) {
    const auto backend = riscv::make_backend(xlen);
    for (const Case& c : cases) {
      INFO("riscv" << xlen << " " << c.program << " input '" << c.input << "'");
      const std::string input_file = "input-" + std::string(c.program) + ".bin";
      REQUIRE(write_file(input_file, as_bytes(c.input)));
      const auto qemu = test::run_command("qemu-riscv" + std::to_string(xlen) + " " +
                                          test::guest_elf(xlen, c.program) + " < " + input_file);

      auto program = test::load_guest(*backend, xlen, c.program);
      REQUIRE(program);
      auto oracle = std::make_shared<InMemoryPreimageOracle>();
      oracle->set_program_input(Bytes(c.input, c.input + std::strlen(c.input)));
      auto machine = program->start(oracle);
      // A budget well above the longest example (sort, 5.4e8 steps), so a VM bug that loops
      // fails here instead of at the ctest timeout.
      auto ran = machine->run(std::uint64_t{1} << 30);
      REQUIRE(ran.ok());
      REQUIRE(machine->status() != VmStatus::running);
      const ByteView out = machine->output(1);
      CHECK(std::string(out.begin(), out.end()) == qemu.output);
      REQUIRE(machine->exit_code().has_value());
      CHECK(*machine->exit_code() == qemu.status);
    }
  }
}

TEST_CASE("guest faults are fault states in faultline and fatal signals under qemu-user") {
  for (const unsigned xlen : {32u, 64u}) {
    const auto backend = riscv::make_backend(xlen);
    for (const char* name : {"fault_illegal", "fault_wild_jump"}) {
      INFO("riscv" << xlen << " " << name);
      const auto qemu = test::run_command("qemu-riscv" + std::to_string(xlen) + " " +
                                          test::guest_elf(xlen, name) + " 2>/dev/null");
      CHECK(qemu.status >= 128);  // killed by SIGILL or SIGSEGV
      auto program = test::load_guest(*backend, xlen, name);
      REQUIRE(program);
      auto machine = program->start(std::make_shared<InMemoryPreimageOracle>());
      REQUIRE(machine->run(1'000'000).ok());
      CHECK(machine->status() == VmStatus::faulted);
      CHECK(machine->fault_description().find("illegal instruction") != std::string::npos);
      // Output up to the fault is the same.
      const ByteView out = machine->output(1);
      CHECK(std::string(out.begin(), out.end()) == qemu.output);
      // A faulted machine stays put.
      const Hash final_state = machine->commitment();
      REQUIRE(machine->run(10).ok());
      CHECK(machine->commitment() == final_state);
    }
  }
}
