// The fast run loop (run_loop.hpp) against step(): runs cut into chunks of 1 to 11 steps, 64
// and a million (so the budget also ends between a branch and its delay slot), delay slots,
// branch-likely, calls, self-modifying code, a branch in a page's last word, and faults inside runs
// and delay slots.
#include <catch2/catch.hpp>

#include "mips_cpu.hpp"

namespace {

using namespace faultline;

/// A bare CPU with code at `address`, run either by the fast loop or by step().
struct Bare {
  Bare(unsigned bits, std::uint64_t address, ByteView code) : memory(bits) {
    state.bits = static_cast<std::uint8_t>(bits);
    state.pc = address;
    state.next_pc = address + 4;
    state.code_start = address;
    state.code_end = address + code.size();
    state.heap = 0x10'0000;
    state.mmap_next = bits == 32 ? mips::kAddressMap32.mmap_base : mips::kAddressMap64.mmap_base;
    REQUIRE(memory.write(address, code));
  }

  /// One run_fast of at most `steps` steps; returns the steps run.
  std::uint64_t run_fast(std::uint64_t steps) {
    mips::RunContext context(state, memory, oracle, outputs, decoded);
    const auto outcome =
        state.bits == 32 ? mips::run_fast<32>(context, steps) : mips::run_fast<64>(context, steps);
    REQUIRE_FALSE(outcome.blocked);
    REQUIRE(outcome.steps <= steps);
    if (outcome.steps < steps) REQUIRE(state.status != VmStatus::running);
    return outcome.steps;
  }

  /// step() on direct memory, `steps` times or until a halt; returns the steps run.
  std::uint64_t run_steps(std::uint64_t steps) {
    std::uint64_t done = 0;
    mips::MemoryContext context(state, memory, oracle, outputs, decoded);
    while (done < steps) {
      const auto outcome = state.bits == 32 ? mips::step<32>(context) : mips::step<64>(context);
      if (outcome != mips::StepOutcome::executed) break;
      ++done;
    }
    return done;
  }

  Bytes encoded() {
    state.pages_in_use = memory.nonzero_pages();
    state.memory_root = memory.root();
    return mips::encode(state);
  }

  mips::State state;
  MerkleMemory memory;
  InMemoryPreimageOracle oracle;
  Outputs outputs;
  mips::DecodeCache decoded;
};

/// Runs `lines` by step() and by the fast loop in chunks of several sizes; all must agree on
/// the state after every chunk. Returns the final state of the stepped run.
mips::State check_agreement(unsigned bits, std::uint64_t address,
                            const std::vector<std::string>& lines, std::uint64_t steps) {
  const Bytes code = test::assemble_mips(bits, lines);
  Bare reference(bits, address, code);
  const std::uint64_t total = reference.run_steps(steps);
  const Bytes final_state = reference.encoded();
  for (const std::uint64_t chunk : {1ull, 2ull, 3ull, 5ull, 7ull, 11ull, 64ull, 1'000'000ull}) {
    INFO("chunks of " << chunk);
    Bare fast(bits, address, code);
    Bare stepped(bits, address, code);
    std::uint64_t done = 0;
    while (done < total) {
      const std::uint64_t want = std::min<std::uint64_t>(chunk, total - done);
      REQUIRE(fast.run_fast(want) == want);
      REQUIRE(stepped.run_steps(want) == want);
      done += want;
      INFO("after " << done << " steps");
      REQUIRE(fast.encoded() == stepped.encoded());
    }
    CHECK(fast.encoded() == final_state);
  }
  return reference.state;
}

/// $t0 is r8 under o32 and r12 under n64 (where r8 to r11 are $a4 to $a7).
unsigned t_register(unsigned bits, unsigned n) {
  return (bits == 32 ? 8 : 12) + n;
}

std::string exit_call(unsigned bits) {
  return bits == 32 ? "li $v0, 4001" : "li $v0, 5058";
}

}  // namespace

TEST_CASE("MIPS run loop: exact step counts, delay slots, loads and stores") {
  for (const unsigned bits : {32u, 64u}) {
    INFO("MIPS" << bits);
    const auto final_state = check_agreement(bits, 0x1000,
                                             {
                                                 "li $a1, 25",
                                                 "lui $a2, 0x2",
                                                 "li $a0, 0",
                                                 "addiu $a0, $a0, 3",  // 0x0c: loop
                                                 "mul $a3, $a0, $a1",
                                                 "sw $a3, 0($a2)",
                                                 "lw $t0, 0($a2)",
                                                 "addu $a0, $a0, $t0",
                                                 "addiu $a1, $a1, -1",
                                                 "bnez $a1, -28",      // to 0x0c
                                                 "addiu $a2, $a2, 4",  // delay slot
                                                 "andi $a0, $a0, 127",
                                                 exit_call(bits),
                                                 "syscall",
                                             },
                                             10'000);
    // 3 + 25 x 8 + 3 steps; the delay slot runs on every pass, the last (not taken) too.
    CHECK(final_state.status == VmStatus::exited_failure);
    CHECK(final_state.exit_code == 72);
    CHECK(final_state.step == 206);
    CHECK(final_state.r[6] == 0x20064);                       // a2
    CHECK(final_state.r[7] == 0x19fcf724);                    // a3: the last product
    CHECK(final_state.r[t_register(bits, 0)] == 0x19fcf724);  // t0: loaded back
  }
}

TEST_CASE("MIPS run loop: branch-likely skips its delay slot, calls and returns") {
  for (const unsigned bits : {32u, 64u}) {
    INFO("MIPS" << bits);
    const auto final_state = check_agreement(bits, 0x1000,
                                             {
                                                 "li $a1, 3",
                                                 "addiu $a0, $a0, 5",     // 0x04: loop
                                                 "beql $a1, $zero, 8",    // not taken: skips 0x0c
                                                 "addiu $a0, $a0, 1000",  // delay slot
                                                 "addiu $a1, $a1, -1",
                                                 "bnezl $a1, -20",     // taken: to 0x04, runs 0x18
                                                 "addiu $a2, $a2, 7",  // delay slot
                                                 "jal 4144",           // 0x1030
                                                 "addiu $a3, $a3, 1",  // delay slot
                                                 exit_call(bits), "syscall", "nop",
                                                 "addiu $t1, $t1, 9",  // 0x30: the called function
                                                 "jr $ra",
                                                 "addiu $t2, $t2, 2",  // delay slot
                                             },
                                             10'000);
    // beql is never taken, so its slot (+1000) never runs; bnezl runs its slot when taken
    // (twice) and skips it when not.
    CHECK(final_state.r[4] == 15);                   // a0
    CHECK(final_state.r[6] == 14);                   // a2
    CHECK(final_state.r[7] == 1);                    // a3: jal's delay slot
    CHECK(final_state.r[t_register(bits, 1)] == 9);  // t1: the called function
    CHECK(final_state.r[t_register(bits, 2)] == 2);  // t2: jr's delay slot
    CHECK(final_state.r[31] == 0x1024);
    CHECK(final_state.step == 22);
  }
}

TEST_CASE("MIPS run loop: a branch in a page's last word has its delay slot in the next page") {
  for (const unsigned bits : {32u, 64u}) {
    INFO("MIPS" << bits);
    for (const std::uint64_t start : {0x1ff0ull, 0x1ff4ull, 0x1ff8ull}) {
      INFO("code at " << start);
      const auto final_state = check_agreement(bits, start,
                                               {
                                                   "li $a1, 3",
                                                   "addiu $a0, $a0, 5",  // loop
                                                   "addiu $a1, $a1, -1",
                                                   "bnez $a1, -12",      // to the loop
                                                   "addiu $a2, $a2, 1",  // delay slot
                                                   "xori $a3, $a0, 0x55",
                                                   exit_call(bits),
                                                   "syscall",
                                               },
                                               1000);
      CHECK(final_state.r[4] == 15);    // a0
      CHECK(final_state.r[6] == 3);     // a2: the delay slot ran on every pass
      CHECK(final_state.r[7] == 0x5a);  // a3 = 15 ^ 0x55
      CHECK(final_state.step == 16);
    }
  }
}

TEST_CASE("MIPS run loop: stores into the running code take effect at once") {
  for (const unsigned bits : {32u, 64u}) {
    INFO("MIPS" << bits);
    // Patches the instruction after next (addiu $a0, 1 -> addiu $a0, 100) before it runs,
    // restores it, and from a delay slot patches the loop's first instruction.
    const auto final_state = check_agreement(bits, 0x1000,
                                             {
                                                 "li $a1, 4",
                                                 "li $t0, 0x1000",
                                                 "lui $t1, 0x2484",     // 0x08: loop
                                                 "ori $t1, $t1, 0x64",  // t1 = addiu $a0, $a0, 100
                                                 "sw $t1, 0x18($t0)",   // patches 0x18
                                                 "addiu $a2, $a2, 1",
                                                 "addiu $a0, $a0, 1",  // 0x18
                                                 "lui $t2, 0x2484",
                                                 "ori $t2, $t2, 0x1",  // t2 = addiu $a0, $a0, 1
                                                 "sw $t2, 0x18($t0)",  // restores 0x18
                                                 "addiu $a1, $a1, -1",
                                                 "bnez $a1, -40",     // to 0x08
                                                 "sw $t1, 0x8($t0)",  // delay slot: patches 0x08
                                                 exit_call(bits),
                                                 "syscall",
                                             },
                                             10'000);
    // Every pass runs the patched 0x18 (+100); passes 2 to 4 start at the patched 0x08 (+100).
    // Pass 1 has 13 steps, the others 11, then the exit's 2.
    CHECK(final_state.r[4] == 700);
    CHECK(final_state.r[6] == 4);
    CHECK(final_state.step == 48);
  }
}

TEST_CASE("MIPS run loop: faults in runs and in delay slots stop at the faulting instruction") {
  for (const unsigned bits : {32u, 64u}) {
    INFO("MIPS" << bits);
    const std::vector<std::vector<std::string>> programs = {
        // A misaligned load inside a run.
        {"addiu $a0, $a0, 1", "addiu $a1, $a1, 2", "lw $a2, 1($zero)", "addiu $a0, $a0, 1"},
        // A misaligned load in a taken branch's delay slot.
        {"li $a1, 1", "bnez $a1, 8", "lw $a2, 2($zero)", "nop", "nop"},
        // A branch in a delay slot.
        {"li $a1, 1", "bnez $a1, 8", "beq $zero, $zero, 8", "nop", "nop", "nop"},
        // A jump to a misaligned address, and one out of the code.
        {"li $t9, 0x1002", "jr $t9", "addiu $a0, $a0, 1"},
        {"li $t9, 0x4000", "jr $t9", "addiu $a0, $a0, 1"},
        // A trap and an overflow inside runs.
        {"li $a0, 1", "teq $a0, $a0", "nop"},
        {"lui $a0, 0x7fff", "ori $a0, $a0, 0xffff", "addi $a0, $a0, 1", "nop"},
    };
    for (const auto& program : programs) {
      INFO(program[program.size() > 2 ? 2 : 1]);
      const auto final_state = check_agreement(bits, 0x1000, program, 100);
      CHECK(final_state.status == VmStatus::faulted);
    }
  }
}

TEST_CASE("MIPS examples: chunked fast runs end in the stepped state") {
  for (const unsigned bits : {32u, 64u}) {
    const auto backend = mips::make_backend(bits);
    for (const char* name : {"fib", "sha256"}) {
      INFO("mips" << bits << " " << name);
      auto program = test::load_mips_guest(*backend, bits, name);
      REQUIRE(program);
      auto oracle = std::make_shared<InMemoryPreimageOracle>();
      oracle->set_program_input(Bytes(300, 'y'));
      for (const std::uint64_t chunk : {1ull, 7ull, 100ull, 4099ull}) {
        INFO("chunks of " << chunk);
        auto fast = program->start(oracle);
        auto reference = program->start(oracle);
        while (fast->status() == VmStatus::running) {
          auto ran = fast->run(chunk);
          REQUIRE(ran.ok());
          for (std::uint64_t i = 0; i < *ran; ++i)
            REQUIRE(reference->step_with_witness().ok());
          REQUIRE(fast->step_count() == reference->step_count());
          REQUIRE(fast->commitment() == reference->commitment());
        }
        CHECK(reference->status() == fast->status());
      }
    }
  }
}
