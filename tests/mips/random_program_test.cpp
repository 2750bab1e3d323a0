// Generated random-instruction MIPS programs: registers and HI/LO after hundreds of random ALU,
// multiply/divide, shift, bit-field, load/store (aligned and lwl/lwr/swl/swr) and branch
// instructions with filled delay slots agree with qemu-user. Built by clang/lld.
#include <catch2/catch.hpp>
#include <random>
#include <sstream>
#include <vector>

#include "guests.hpp"

namespace {

using namespace faultline;

// Registers the programs use: not $0, $1 (assembler temporary), $16 (the scratch base),
// $26/$27 (kernel) or $29 (stack pointer).
const std::vector<int> kRegisters = {2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14,
                                     15, 17, 18, 19, 20, 21, 22, 23, 24, 25, 28, 30, 31};

std::string r(std::mt19937_64& rng) {
  return "$" + std::to_string(kRegisters[rng() % kRegisters.size()]);
}

template <std::size_t N>
const char* pick(std::mt19937_64& rng, const char* const (&names)[N]) {
  return names[rng() % N];
}

/// One random instruction that cannot trap or fault (no add/sub overflow, aligned accesses).
std::string alu(unsigned bits, std::mt19937_64& rng) {
  static const char* const kRegReg[] = {"addu", "subu",  "and",  "or",   "xor",
                                        "nor",  "slt",   "sltu", "sllv", "srlv",
                                        "srav", "rotrv", "mul",  "movz", "movn"};
  static const char* const kRegReg64[] = {"daddu", "dsubu", "dsllv", "dsrlv", "dsrav", "drotrv"};
  static const char* const kShift[] = {"sll", "srl", "sra", "rotr"};
  static const char* const kShift64[] = {"dsll",   "dsrl",   "dsra",   "drotr",
                                         "dsll32", "dsrl32", "dsra32", "drotr32"};
  static const char* const kUnary[] = {"clz", "clo", "seb", "seh", "wsbh"};
  static const char* const kUnary64[] = {"dclz", "dclo", "dsbh", "dshd"};
  static const char* const kLogicImm[] = {"andi", "ori", "xori"};
  std::ostringstream s;
  const bool wide = bits == 64 && rng() % 3 == 0;
  switch (rng() % 7) {
    case 0:
    case 1:
      s << (wide ? pick(rng, kRegReg64) : pick(rng, kRegReg)) << " " << r(rng) << ", " << r(rng)
        << ", " << r(rng);
      break;
    case 2: {
      const int op = static_cast<int>(rng() % 4);
      const char* name = op == 0   ? (wide ? "daddiu" : "addiu")
                         : op == 1 ? "slti"
                         : op == 2 ? "sltiu"
                                   : "lui";
      s << name << " " << r(rng) << ", ";
      if (op == 3)
        s << rng() % 65536;
      else
        s << r(rng) << ", " << static_cast<int>(rng() % 65536) - 32768;
      break;
    }
    case 3:
      s << pick(rng, kLogicImm) << " " << r(rng) << ", " << r(rng) << ", " << rng() % 65536;
      break;
    case 4:
      s << (wide ? pick(rng, kShift64) : pick(rng, kShift)) << " " << r(rng) << ", " << r(rng)
        << ", " << rng() % 32;
      break;
    case 5:
      s << (wide ? pick(rng, kUnary64) : pick(rng, kUnary)) << " " << r(rng) << ", " << r(rng);
      break;
    case 6: {
      const unsigned position = rng() % 32;
      const unsigned size = 1 + rng() % (32 - position);
      if (wide) {
        s << (rng() % 2 ? "dext " : "dins ") << r(rng) << ", " << r(rng) << ", " << position << ", "
          << size;
      } else {
        s << (rng() % 2 ? "ext " : "ins ") << r(rng) << ", " << r(rng) << ", " << position << ", "
          << size;
      }
      break;
    }
  }
  return s.str();
}

std::string random_program(unsigned bits, std::mt19937_64& rng, int length) {
  static const char* const kHiLo[] = {"mult", "multu", "madd", "maddu", "msub", "msubu"};
  static const char* const kHiLo64[] = {"dmult", "dmultu"};
  static const char* const kDivide[] = {"div", "divu"};
  static const char* const kDivide64[] = {"ddiv", "ddivu"};
  static const char* const kBranch2[] = {"beq", "bne", "beql", "bnel"};
  static const char* const kBranch1[] = {"blez", "bgtz", "bltz", "bgez", "blezl", "bgezl"};
  const bool wide = bits == 64;
  std::ostringstream s;
  s << ".globl __start\n__start:\n  la $16, scratch\n";
  for (const int reg : kRegisters) {
    const std::uint64_t value = rng() % 4 == 0 ? rng() % 16 : rng();
    if (wide)
      s << "  dli $" << reg << ", " << static_cast<std::int64_t>(value) << "\n";
    else
      s << "  li $" << reg << ", " << static_cast<std::int32_t>(value) << "\n";
  }
  for (int i = 0; i < length; ++i) {
    switch (rng() % 8) {
      case 0:
      case 1:
      case 2:
        s << "  " << alu(bits, rng) << "\n";
        break;
      case 3:
        if (rng() % 3 == 0)
          s << "  " << (rng() % 2 ? "mthi " : "mtlo ") << r(rng) << "\n";
        else if (rng() % 2)
          s << "  " << (wide && rng() % 2 ? pick(rng, kHiLo64) : pick(rng, kHiLo)) << " " << r(rng)
            << ", " << r(rng) << "\n";
        else
          s << "  " << (wide && rng() % 2 ? pick(rng, kDivide64) : pick(rng, kDivide)) << " $0, "
            << r(rng) << ", " << (rng() % 8 == 0 ? "$0" : r(rng)) << "\n";
        s << "  " << (rng() % 2 ? "mfhi " : "mflo ") << r(rng) << "\n";
        break;
      case 4: {
        // Aligned loads and stores in the scratch buffer.
        const unsigned size = wide && rng() % 3 == 0 ? 8 : 1u << (rng() % 3);
        const unsigned offset = (rng() % 1000) / size * size;
        const bool load = rng() % 2;
        const char* op = nullptr;
        if (size == 1) op = load ? (rng() % 2 ? "lb" : "lbu") : "sb";
        if (size == 2) op = load ? (rng() % 2 ? "lh" : "lhu") : "sh";
        if (size == 4) op = load ? (wide && rng() % 2 ? "lwu" : "lw") : "sw";
        if (size == 8) op = load ? "ld" : "sd";
        s << "  " << op << " " << r(rng) << ", " << offset << "($16)\n";
        break;
      }
      case 5: {
        // The unaligned-access pairs, at any offset.
        const unsigned offset = rng() % 1000;
        const char* const kPart[] = {"lwl", "lwr", "swl", "swr"};
        const char* const kPart64[] = {"ldl", "ldr", "sdl", "sdr"};
        s << "  " << (wide && rng() % 2 ? pick(rng, kPart64) : pick(rng, kPart)) << " " << r(rng)
          << ", " << offset << "($16)\n";
        break;
      }
      case 6:
      case 7:
        // A forward branch over one instruction, its delay slot filled with an ALU op.
        if (rng() % 2)
          s << "  " << pick(rng, kBranch2) << " " << r(rng) << ", " << r(rng) << ", 1f\n";
        else
          s << "  " << pick(rng, kBranch1) << " " << r(rng) << ", 1f\n";
        s << "  " << alu(bits, rng) << "\n  " << alu(bits, rng) << "\n1:\n";
        break;
    }
  }
  // Dump every register and HI/LO into the buffer and write it to stdout.
  const char* store = wide ? "sd" : "sw";
  const int word = wide ? 8 : 4;
  int slot = 0;
  for (const int reg : kRegisters)
    s << "  " << store << " $" << reg << ", " << 1024 + word * slot++ << "($16)\n";
  s << "  mfhi $2\n  " << store << " $2, " << 1024 + word * slot++ << "($16)\n";
  s << "  mflo $2\n  " << store << " $2, " << 1024 + word * slot++ << "($16)\n";
  s << "  li $2, " << (wide ? 5001 : 4004) << "\n  li $4, 1\n  " << (wide ? "daddiu" : "addiu")
    << " $5, $16, 1024\n  li $6, " << word * slot << "\n  syscall\n  nop\n";
  s << "  li $2, " << (wide ? 5058 : 4001) << "\n  li $4, 0\n  syscall\n  nop\n";
  s << ".data\n.balign 64\nscratch:\n  .fill 1024, 1, 0x5a\n  .fill 512, 1, 0\n";
  return s.str();
}

}  // namespace

TEST_CASE("random-instruction MIPS programs match qemu-user", "[slow]") {
  std::mt19937_64 rng(2027);
  for (const unsigned bits : {32u, 64u}) {
    const auto backend = mips::make_backend(bits);
    for (int trial = 0; trial < 12; ++trial) {
      INFO("MIPS" << bits << " program " << trial);
      const std::string base = "random-mips" + std::to_string(bits) + "-" + std::to_string(trial);
      std::string log;
      const std::string elf_path =
          test::build_mips(bits, base, random_program(bits, rng, 300), log);
      INFO(log);
      REQUIRE_FALSE(elf_path.empty());
      const auto qemu = test::run_command(test::mips_qemu(bits) + " " + elf_path);
      REQUIRE(qemu.status == 0);
      REQUIRE(qemu.output.size() == (bits / 8) * (kRegisters.size() + 2));  // registers, HI, LO

      auto elf = read_file(elf_path);
      REQUIRE(elf.ok());
      auto program = backend->load(*elf);
      REQUIRE(program.ok());
      auto machine = (*program)->start(std::make_shared<InMemoryPreimageOracle>());
      REQUIRE(machine->run(100'000).ok());
      INFO(machine->fault_description());
      REQUIRE(machine->status() == VmStatus::exited_ok);
      const ByteView out = machine->output(1);
      CHECK(to_hex(out) == to_hex(as_bytes(qemu.output)));
    }
  }
}
