// The fast executor, the witness recorder and the step verifier agree on every step of the
// small MIPS examples, and the examples behave as under qemu-user (stdout, exit code, faults).
#include <catch2/catch.hpp>
#include <cstring>

#include "guests.hpp"

namespace {

using namespace faultline;

std::unique_ptr<Program> load(const Backend& backend, unsigned bits, const std::string& name) {
  return test::load_mips_guest(backend, bits, name);
}

}  // namespace

TEST_CASE("MIPS examples match qemu-user: stdout and exit code") {
  const std::pair<const char*, const char*> cases[] = {
      {"fib", ""}, {"sha256", ""}, {"sha256", "hello, delay slots"}, {"sort", ""}, {"matmul", ""}};
  for (const unsigned bits : {32u, 64u}) {
    const auto backend = mips::make_backend(bits);
    for (const auto& [name, input] : cases) {
      INFO("mips" << bits << " " << name << " input '" << input << "'");
      const std::string input_file = "mips-input-" + std::string(name) + ".bin";
      REQUIRE(write_file(input_file, as_bytes(input)));
      const auto qemu = test::run_command(test::mips_qemu(bits) + " " +
                                          test::mips_guest(bits, name) + " < " + input_file);
      auto oracle = std::make_shared<InMemoryPreimageOracle>();
      oracle->set_program_input(Bytes(input, input + std::strlen(input)));
      auto machine = load(*backend, bits, name)->start(oracle);
      // A budget well above the longest example (sort, 5.4e8 steps), so a VM bug that loops
      // fails here instead of at the ctest timeout.
      REQUIRE(machine->run(std::uint64_t{1} << 30).ok());
      REQUIRE(machine->status() != VmStatus::running);
      const ByteView out = machine->output(1);
      CHECK(std::string(out.begin(), out.end()) == qemu.output);
      REQUIRE(machine->exit_code().has_value());
      CHECK(*machine->exit_code() == qemu.status);
    }
  }
}

TEST_CASE("MIPS guest faults are fault states here and fatal signals under qemu-user") {
  for (const unsigned bits : {32u, 64u}) {
    const auto backend = mips::make_backend(bits);
    for (const auto& [name, cause] : {std::pair{"fault_illegal", "illegal instruction"},
                                      std::pair{"fault_wild_jump", "fetch outside code"}}) {
      INFO("mips" << bits << " " << name);
      const auto qemu = test::run_command(test::mips_qemu(bits) + " " +
                                          test::mips_guest(bits, name) + " 2>/dev/null");
      CHECK(qemu.status >= 128);
      auto machine = load(*backend, bits, name)->start(std::make_shared<InMemoryPreimageOracle>());
      REQUIRE(machine->run(1'000'000).ok());
      CHECK(machine->status() == VmStatus::faulted);
      CHECK(machine->fault_description().find(cause) != std::string::npos);
      const ByteView out = machine->output(1);
      CHECK(std::string(out.begin(), out.end()) == qemu.output);
    }
  }
}

TEST_CASE("every step of the small MIPS examples verifies from its witness alone", "[slow]") {
  for (const unsigned bits : {32u, 64u}) {
    const auto backend = mips::make_backend(bits);
    for (const char* name : {"fib", "sha256", "fault_illegal", "fault_wild_jump"}) {
      INFO("mips" << bits << " " << name);
      auto oracle = std::make_shared<InMemoryPreimageOracle>();
      oracle->set_program_input(Bytes(100, 'x'));
      auto program = load(*backend, bits, name);
      auto machine = program->start(oracle);
      auto fast = program->start(oracle);
      // Bounded far above what these examples take, so a VM bug that loops fails here.
      for (std::uint64_t i = 0; i < 10'000'000; ++i) {
        const Hash pre = machine->commitment();
        auto witness = machine->step_with_witness();
        REQUIRE(witness.ok());
        auto post = verify_step(backend->step_verifier(), pre, *witness, *oracle);
        INFO("step " << witness->step << ": " << (post ? "" : post.error().message));
        REQUIRE(post.ok());
        REQUIRE(*post == machine->commitment());
        REQUIRE(fast->run(1).ok());
        if (witness->step % 256 == 0 || machine->status() != VmStatus::running)
          REQUIRE(fast->commitment() == *post);
        if (machine->status() != VmStatus::running) break;
      }
      REQUIRE(machine->status() != VmStatus::running);
      // A halted machine's step changes nothing.
      const Hash final_state = machine->commitment();
      auto witness = machine->step_with_witness();
      REQUIRE(witness.ok());
      CHECK(verify_step(backend->step_verifier(), final_state, *witness, *oracle).value() ==
            final_state);
    }
  }
}
