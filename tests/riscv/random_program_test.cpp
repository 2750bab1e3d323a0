// Generated random-instruction programs: register results after hundreds of random ALU,
// multiply/divide, shift, load/store and branch instructions agree with qemu-user. The
// programs are assembled and linked by clang/lld, so encodings come from LLVM too.
#include <catch2/catch.hpp>
#include <random>
#include <sstream>

#include "guest_programs.hpp"

namespace {

using namespace faultline;

const char* kRegisters[] = {"ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0", "a1",
                            "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5", "s6",
                            "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

/// Any register but s0, which holds the scratch buffer's address.
std::string any_register(std::mt19937_64& rng) {
  for (;;) {
    const std::string name = kRegisters[rng() % std::size(kRegisters)];
    if (name != "s0") return name;
  }
}

std::string random_program(unsigned xlen, std::mt19937_64& rng, int length) {
  static const char* kRegReg[] = {"add",   "sub",    "sll", "slt",  "sltu", "xor",
                                  "srl",   "sra",    "or",  "and",  "mul",  "mulh",
                                  "mulhu", "mulhsu", "div", "divu", "rem",  "remu"};
  static const char* kRegReg64[] = {"addw", "subw", "sllw",  "srlw", "sraw",
                                    "mulw", "divw", "divuw", "remw", "remuw"};
  static const char* kRegImm[] = {"addi", "slti", "sltiu", "xori", "ori", "andi"};
  static const char* kShiftImm[] = {"slli", "srli", "srai"};
  static const char* kLoads[] = {"lb", "lh", "lw", "lbu", "lhu"};
  static const char* kStores[] = {"sb", "sh", "sw"};
  static const char* kBranches[] = {"beq", "bne", "blt", "bge", "bltu", "bgeu"};
  const bool wide = xlen == 64;
  std::ostringstream s;
  s << ".globl _start\n_start:\n  la s0, scratch\n";
  // Registers start from random values; sp too (nothing here uses the stack).
  for (const char* reg : kRegisters) {
    if (std::string(reg) == "s0") continue;
    const std::uint64_t value = rng() % 4 == 0 ? rng() % 16 : rng();
    s << "  li " << reg << ", "
      << static_cast<std::int64_t>(wide ? value : static_cast<std::int32_t>(value)) << "\n";
  }
  for (int i = 0; i < length; ++i) {
    const std::string rd = any_register(rng), rs1 = any_register(rng), rs2 = any_register(rng);
    switch (rng() % 9) {
      case 0:
      case 1:
      case 2:
        s << "  " << kRegReg[rng() % std::size(kRegReg)] << " " << rd << ", " << rs1 << ", " << rs2
          << "\n";
        break;
      case 3:
        if (wide) {
          s << "  " << kRegReg64[rng() % std::size(kRegReg64)] << " " << rd << ", " << rs1 << ", "
            << rs2 << "\n";
        } else {
          s << "  lui " << rd << ", " << rng() % (1 << 20) << "\n";
        }
        break;
      case 4: {
        const auto imm = static_cast<int>(rng() % 4096) - 2048;
        s << "  " << kRegImm[rng() % std::size(kRegImm)] << " " << rd << ", " << rs1 << ", " << imm
          << "\n";
        break;
      }
      case 5:
        s << "  " << kShiftImm[rng() % std::size(kShiftImm)] << " " << rd << ", " << rs1 << ", "
          << rng() % xlen << "\n";
        if (wide && rng() % 2)
          s << "  addiw " << rd << ", " << rs1 << ", " << static_cast<int>(rng() % 4096) - 2048
            << "\n";
        break;
      case 6: {
        // Loads and stores in the scratch buffer, aligned or not.
        const unsigned offset = rng() % 1000;
        if (rng() % 2) {
          const char* op = wide && rng() % 3 == 0 ? (rng() % 2 ? "ld" : "lwu")
                                                  : kLoads[rng() % std::size(kLoads)];
          s << "  " << op << " " << rd << ", " << offset << "(s0)\n";
        } else {
          const char* op = wide && rng() % 3 == 0 ? "sd" : kStores[rng() % std::size(kStores)];
          s << "  " << op << " " << rs2 << ", " << offset << "(s0)\n";
        }
        break;
      }
      case 7:
        // A forward branch over one instruction, taken or not.
        s << "  " << kBranches[rng() % std::size(kBranches)] << " " << rs1 << ", " << rs2
          << ", 1f\n"
          << "  addi " << rd << ", " << rd << ", 1\n1:\n";
        break;
      case 8:
        s << "  auipc " << rd << ", " << rng() % 16 << "\n";
        break;
    }
  }
  // Dump every register but s0 into the buffer and write it to stdout.
  const char* store = wide ? "sd" : "sw";
  const int word = wide ? 8 : 4;
  int slot = 0;
  for (const char* reg : kRegisters)
    s << "  " << store << " " << reg << ", " << 1024 + word * slot++ << "(s0)\n";
  s << "  li a7, 64\n  li a0, 1\n  addi a1, s0, 1024\n  li a2, " << word * 31
    << "\n  ecall\n  li a7, 93\n  li a0, 0\n  ecall\n";
  s << ".data\n.balign 64\nscratch:\n  .fill 1024, 1, 0x5a\n  .fill 512, 1, 0\n";
  return s.str();
}

}  // namespace

TEST_CASE("random-instruction programs match qemu-user", "[slow]") {
  std::mt19937_64 rng(2026);
  for (const unsigned xlen : {32u, 64u}) {
    const auto backend = riscv::make_backend(xlen);
    for (int trial = 0; trial < 12; ++trial) {
      INFO("RV" << xlen << " program " << trial);
      const std::string base = "random-rv" + std::to_string(xlen) + "-" + std::to_string(trial);
      REQUIRE(write_file(base + ".s", as_bytes(random_program(xlen, rng, 300))));
      const std::string arch =
          xlen == 32 ? "-march=rv32imac -mabi=ilp32" : "-march=rv64imac -mabi=lp64";
      const auto built =
          test::run_command("clang --target=riscv" + std::to_string(xlen) + "-unknown-elf " + arch +
                            " -nostdlib -static -fuse-ld=lld -Wl,--no-rosegment -o " + base +
                            ".elf " + base + ".s 2>&1");
      INFO(built.output);
      REQUIRE(built.status == 0);
      const auto qemu =
          test::run_command("qemu-riscv" + std::to_string(xlen) + " " + base + ".elf");
      REQUIRE(qemu.status == 0);

      auto elf = read_file(base + ".elf");
      REQUIRE(elf.ok());
      auto program = backend->load(*elf);
      REQUIRE(program.ok());
      auto machine = (*program)->start(std::make_shared<InMemoryPreimageOracle>());
      REQUIRE(machine->run(100'000).ok());
      REQUIRE(machine->status() == VmStatus::exited_ok);
      const ByteView out = machine->output(1);
      CHECK(std::string(out.begin(), out.end()) == qemu.output);
    }
  }
}

TEST_CASE("self-modifying code: the fast path's decode cache sees stores to code") {
  const std::string source = R"(.globl _start
.option norvc
_start:
  li s1, 0
loop:
target:
  addi a0, zero, 1
  bnez s1, done
  li s1, 1
  la t0, target
  li t1, 0x02a00513
  sw t1, 0(t0)
  fence.i
  j loop
done:
  li a7, 93
  ecall
)";
  for (const unsigned xlen : {32u, 64u}) {
    INFO("RV" << xlen);
    const std::string base = "smc-rv" + std::to_string(xlen);
    REQUIRE(write_file(base + ".s", as_bytes(source)));
    const auto built = test::run_command("clang --target=riscv" + std::to_string(xlen) +
                                         "-unknown-elf -nostdlib -static -fuse-ld=lld -o " + base +
                                         ".elf " + base + ".s 2>&1");
    INFO(built.output);
    REQUIRE(built.status == 0);
    auto elf = read_file(base + ".elf");
    REQUIRE(elf.ok());
    const auto backend = riscv::make_backend(xlen);
    auto program = backend->load(*elf);
    REQUIRE(program.ok());
    auto fast = (*program)->start(std::make_shared<InMemoryPreimageOracle>());
    REQUIRE(fast->run(1000).ok());
    CHECK(fast->exit_code() == 42);  // `addi a0, zero, 1` was rewritten to `addi a0, zero, 42`
    auto slow = (*program)->start(std::make_shared<InMemoryPreimageOracle>());
    while (slow->status() == VmStatus::running)
      REQUIRE(slow->step_with_witness().ok());
    CHECK(slow->commitment() == fast->commitment());
  }
}
