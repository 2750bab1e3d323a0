// The fast run loop (run_loop.hpp) against step(): whole runs, runs cut into chunks of 1 to
// 13 steps and 64, self-modifying code inside a straight run, and code that crosses page
// boundaries.
#include <catch2/catch.hpp>

#include "assembler.hpp"
#include "guest_programs.hpp"
#include "riscv/src/contexts.hpp"
#include "riscv/src/run_loop.hpp"
#include "riscv/src/step.hpp"

namespace {

using namespace faultline;

/// A bare hart with code at `address`, run either by the fast loop or by step().
struct Bare {
  Bare(unsigned xlen, std::uint64_t address, ByteView code,
       std::uint64_t memory_limit = kDefaultMemoryLimitPages)
      : memory(xlen) {
    state.xlen = static_cast<std::uint8_t>(xlen);
    state.memory_limit = memory_limit;
    state.pc = address;
    state.heap = 0x10'0000;
    state.mmap_next = xlen == 32 ? riscv::kAddressMap32.mmap_base : riscv::kAddressMap64.mmap_base;
    REQUIRE(memory.write(address, code));
  }

  /// run_fast in chunks of `chunk` steps until `total` steps or a halt; returns steps run.
  std::uint64_t run_fast(std::uint64_t total, std::uint64_t chunk) {
    std::uint64_t done = 0;
    while (done < total && state.status == VmStatus::running) {
      riscv::RunContext context(state, memory, oracle, outputs, decoded);
      const std::uint64_t want = std::min(chunk, total - done);
      const auto outcome = state.xlen == 32 ? riscv::run_fast<32>(context, want)
                                            : riscv::run_fast<64>(context, want);
      REQUIRE_FALSE(outcome.blocked);
      REQUIRE(outcome.steps <= want);
      if (outcome.steps < want) REQUIRE(state.status != VmStatus::running);
      done += outcome.steps;
    }
    return done;
  }

  /// step() on direct memory, `total` times or until a halt; returns steps run.
  std::uint64_t run_steps(std::uint64_t total) {
    std::uint64_t done = 0;
    riscv::MemoryContext context(state, memory, oracle, outputs, decoded);
    while (done < total) {
      const auto outcome = state.xlen == 32 ? riscv::step<32>(context) : riscv::step<64>(context);
      if (outcome != riscv::StepOutcome::executed) break;
      ++done;
    }
    return done;
  }

  Bytes encoded() {
    state.pages_in_use = memory.nonzero_pages();
    state.memory_root = memory.root();
    return riscv::encode(state);
  }

  riscv::State state;
  MerkleMemory memory;
  InMemoryPreimageOracle oracle;
  Outputs outputs;
  riscv::DecodeCache decoded;
};

/// Assembles `lines` where line `branch` holds "{}" for the byte offset back to line `target`.
Bytes assemble_loop(unsigned xlen, std::vector<std::string> lines, std::size_t branch,
                    std::size_t target, bool compressed) {
  const auto with = [&](long offset) {
    std::vector<std::string> out = lines;
    out[branch].replace(out[branch].find("{}"), 2, std::to_string(offset));
    return out;
  };
  const auto sizes = test::assemble_lines(xlen, with(0), compressed);
  long offset = 0;
  for (std::size_t i = target; i < branch; ++i)
    offset -= static_cast<long>(sizes[i].size());
  return test::assemble(xlen, with(offset), compressed);
}

/// Runs `code` by step() and by the fast loop in chunks of several sizes; all must agree
/// on the state after every chunk. Returns the final state, whose values the tests check
/// against hand-computed results (agreement alone cannot catch a slip both paths share).
riscv::State check_agreement(unsigned xlen, std::uint64_t address, const Bytes& code,
                             std::uint64_t steps,
                             std::uint64_t memory_limit = kDefaultMemoryLimitPages) {
  Bare reference(xlen, address, code, memory_limit);
  const std::uint64_t total = reference.run_steps(steps);
  const Bytes final_state = reference.encoded();
  for (const std::uint64_t chunk : {1ull, 2ull, 3ull, 5ull, 7ull, 13ull, 64ull, 1'000'000ull}) {
    INFO("chunks of " << chunk);
    Bare fast(xlen, address, code, memory_limit);
    Bare stepped(xlen, address, code, memory_limit);
    std::uint64_t done = 0;
    while (done < total) {
      const std::uint64_t want = std::min<std::uint64_t>(chunk, total - done);
      REQUIRE(fast.run_fast(want, want) == want);
      REQUIRE(stepped.run_steps(want) == want);
      done += want;
      INFO("after " << done << " steps");
      REQUIRE(fast.encoded() == stepped.encoded());
    }
    CHECK(fast.encoded() == final_state);
  }
  return reference.state;
}

}  // namespace

TEST_CASE("the run loop stops after exactly n steps and agrees with step()") {
  for (const unsigned xlen : {32u, 64u}) {
    INFO("RV" << xlen);
    // A loop with a straight run of mixed 2- and 4-byte instructions, a load, a store and a
    // multiply, ending in an ecall (exit).
    const Bytes code = assemble_loop(xlen,
                                     {
                                         "li a0, 0",
                                         "li a1, 25",
                                         "lui a2, 0x20",  // data at 0x20000
                                         "addi a0, a0, 3",
                                         "mul a3, a0, a1",
                                         "sw a3, 0(a2)",
                                         "lw a4, 0(a2)",
                                         "add a0, a0, a4",
                                         "addi a2, a2, 4",
                                         "addi a1, a1, -1",
                                         "bnez a1, {}",
                                         "andi a0, a0, 127",
                                         "li a7, 93",
                                         "ecall",
                                     },
                                     10, 3, /*compressed=*/true);
    const auto final_state = check_agreement(xlen, 0x1000, code, 1000);
    // 3 + 25 x 8 + 3 steps; a0 = (a0 + 3) * (1 + a1) per pass, wrapped in the low 32 bits.
    CHECK(final_state.step == 206);
    CHECK(final_state.exit_code == 72);
    CHECK(final_state.x[12] == 0x20064);     // a2: 25 stores, 4 bytes apart
    CHECK(final_state.x[14] == 0x19fcf724);  // a4: the last word loaded back
  }
}

TEST_CASE("a store into the running straight run takes effect at once") {
  for (const unsigned xlen : {32u, 64u}) {
    INFO("RV" << xlen);
    // Rewrites the instruction right after the store (addi a0, a0, 1 -> addi a0, a0, 100),
    // then loops, so the second pass runs the patched run from a fresh decoding; the last pass
    // restores the original, and an older part of the loop is patched from inside it too.
    const Bytes code = test::assemble(xlen, {
                                                "li a1, 4",            // 0x00
                                                "auipc t0, 0",         // 0x04
                                                "lui t1, 0x6450",      // 0x08
                                                "addi t1, t1, 0x513",  // 0x0c
                                                "sw t1, 16(t0)",       // 0x10: patches 0x14
                                                "addi a0, a0, 1",      // 0x14
                                                "addi a2, a2, 1",      // 0x18
                                                "lui t2, 0x150",       // 0x1c
                                                "addi t2, t2, 0x513",  // 0x20
                                                "sw t2, 16(t0)",       // 0x24: restores 0x14
                                                "sw t2, 0(t0)",        // 0x28: patches 0x04
                                                "addi a1, a1, -1",     // 0x2c
                                                "bnez a1, -44",        // 0x30: to 0x04
                                                "li a7, 93",           // 0x34
                                                "ecall",               // 0x38
                                            });
    const auto final_state = check_agreement(xlen, 0x1000, code, 1000);
    // Each of the 4 passes runs the patched addi (+100); passes 2 to 4 also run the patch at
    // 0x04 (+1): 403. Pass 1 has 13 steps, the others 12, then the exit's 2.
    CHECK(final_state.x[10] == 403);
    CHECK(final_state.x[12] == 4);
    CHECK(final_state.step == 51);
  }
}

TEST_CASE("runs cross page boundaries, including with an instruction split across them") {
  for (const unsigned xlen : {32u, 64u}) {
    INFO("RV" << xlen);
    for (const std::uint64_t start : {0x1ff0ull, 0x1ff2ull, 0x1ff4ull}) {
      INFO("code at " << start);
      // Mixed lengths, so that at some start a 4-byte instruction straddles 0x2000.
      const Bytes code = assemble_loop(xlen,
                                       {
                                           "li a1, 3",
                                           "addi a0, a0, 5",
                                           "slli a3, a0, 3",
                                           "add a0, a0, a3",
                                           "addi a1, a1, -1",
                                           "xori a4, a0, 0x55",
                                           "or a5, a4, a0",
                                           "bnez a1, {}",
                                           "li a7, 93",
                                           "ecall",
                                       },
                                       7, 1, /*compressed=*/true);
      const auto final_state = check_agreement(xlen, start, code, 1000);
      CHECK(final_state.x[10] == 4095);  // ((5 x 9 + 5) x 9 + 5) x 9
      CHECK(final_state.x[15] == 4095);
      CHECK(final_state.step == 24);
    }
  }
}

TEST_CASE("faults inside a straight run stop the loop at the faulting instruction") {
  for (const unsigned xlen : {32u, 64u}) {
    INFO("RV" << xlen);
    const Bytes code = test::assemble(xlen, {
                                                "addi a0, a0, 1",
                                                "addi a1, a1, 2",
                                                "li t0, -2",
                                                "lw a2, 0(t0)",  // runs past the top: faults
                                                "addi a0, a0, 1",
                                            });
    check_agreement(xlen, 0x1000, code, 100);
    Bare fast(xlen, 0x1000, code);
    CHECK(fast.run_fast(100, 100) == 4);
    CHECK(fast.state.status == VmStatus::faulted);
    CHECK(fast.state.fault_cause == riscv::FaultCause::address_wrap);
    CHECK(fast.state.pc == 0x100c);
    CHECK(fast.state.step == 4);
  }
}

TEST_CASE("a run that frees and takes pages at the memory limit faults where step() does") {
  for (const unsigned xlen : {32u, 64u}) {
    INFO("RV" << xlen);
    // Iteration i makes page 0x100000 + i * 4 KiB non-zero and, when i is even, zeroes the
    // page before it: pages in use grow by one every two iterations, and the run loop has to
    // free zeroed pages mid-run to find room. With 6 pages (the code and five) iteration 8
    // finds none.
    const Bytes code = assemble_loop(xlen,
                                     {
                                         "li a1, 0",
                                         "lui a2, 0x100",
                                         "li a3, 7",
                                         "lui t3, 1",
                                         "sw a3, 0(a2)",  // loop
                                         "andi t0, a1, 1",
                                         "mul t1, t0, a3",
                                         "sub t2, a2, t3",
                                         "sw t1, 0(t2)",
                                         "add a2, a2, t3",
                                         "addi a1, a1, 1",
                                         "bnez a3, {}",
                                     },
                                     11, 4, /*compressed=*/true);
    const riscv::State end = check_agreement(xlen, 0x1000, code, 1000, 6);
    CHECK(end.status == VmStatus::faulted);
    CHECK(end.fault_cause == riscv::FaultCause::memory_limit);
    CHECK(end.fault_value == 0x108000);
    CHECK(end.x[11] == 8);
    CHECK(end.pages_in_use == 6);
  }
}

TEST_CASE("code on more pages than the decode cache keeps runs the same, rewritten or not") {
  // One page after another, each `addi a0, a0, 1` then a jump to the next; the last page
  // rewrites the first page's addi into `addi a0, a0, 2` and jumps back. The second lap runs
  // pages the decode cache dropped (it keeps kMaxPages), one of them rewritten meanwhile.
  constexpr std::uint64_t kPages = riscv::DecodeCache::kMaxPages + 4;
  constexpr std::uint64_t kBase = 0x10'0000;
  for (const unsigned xlen : {32u, 64u}) {
    INFO("RV" << xlen);
    const Bytes step_page = test::assemble(xlen, {"addi a0, a0, 1", "jal zero, 4092"});
    const Bytes last_page = test::assemble(xlen, {"addi a0, a0, 1", "sw t0, 0(t1)", "jr t1"});
    const Bytes add_two = test::assemble(xlen, {"addi a0, a0, 2"});
    Bytes code(kPages * MerkleMemory::kPageBytes, 0);
    for (std::uint64_t page = 0; page < kPages; ++page) {
      const Bytes& body = page + 1 < kPages ? step_page : last_page;
      std::ranges::copy(body, code.begin() + static_cast<std::ptrdiff_t>(page * 4096));
    }
    std::uint64_t new_word = 0;
    for (std::size_t i = 0; i < 4; ++i)
      new_word |= std::uint64_t{add_two[i]} << 8 * i;
    const std::uint64_t lap = 2 * kPages + 1;
    const auto start = [&](Bare& hart) {
      hart.state.x[5] = new_word;  // t0
      hart.state.x[6] = kBase;     // t1
    };
    Bare reference(xlen, kBase, code);
    start(reference);
    REQUIRE(reference.run_steps(2 * lap) == 2 * lap);
    CHECK(reference.state.x[10] == 2 * kPages + 1);  // the second lap's first page adds 2
    for (const std::uint64_t chunk : {1ull, 7ull, 1'000'000ull}) {
      INFO("chunks of " << chunk);
      Bare fast(xlen, kBase, code);
      start(fast);
      REQUIRE(fast.run_fast(2 * lap, chunk) == 2 * lap);
      CHECK(fast.decoded.page_count() <= riscv::DecodeCache::kMaxPages);
      CHECK(fast.encoded() == reference.encoded());
    }
  }
}

TEST_CASE("whole example programs: chunked fast runs end in the stepped state") {
  for (const unsigned xlen : {32u, 64u}) {
    const auto backend = riscv::make_backend(xlen);
    for (const char* name : {"fib", "sha256"}) {
      INFO("riscv" << xlen << " " << name);
      auto program = test::load_guest(*backend, xlen, name);
      REQUIRE(program);
      auto oracle = std::make_shared<InMemoryPreimageOracle>();
      oracle->set_program_input(Bytes(300, 'y'));
      auto stepped = program->start(oracle);
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
