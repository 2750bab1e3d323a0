// Per-instruction edge cases, each run through the fast, recording and replaying paths (Hart),
// with instruction encodings from llvm-mc. Built into evm_riscv_steps too, where every Hart
// step also runs on the Solidity verifier.
#include <catch2/catch.hpp>

#include "assembler.hpp"
#include "hart.hpp"
#include "riscv/src/isa.hpp"

namespace {

using faultline::Bytes;
using faultline::VmStatus;
using faultline::riscv::FaultCause;
using faultline::test::assemble;
using faultline::test::Hart;

constexpr std::uint64_t kData = 0x2000;

Hart hart(unsigned xlen, const std::vector<std::string>& lines) {
  return Hart(xlen, assemble(xlen, lines));
}

}  // namespace

TEST_CASE("integer overflow wraps and 32-bit results are sign-extended on RV64") {
  Hart h = hart(64, {"add a0, a1, a2", "addw a3, a1, a2", "addiw a4, a5, 1", "subw a6, zero, a2",
                     "sub a7, zero, a2"});
  h.x(11) = 0x7fff'ffff'ffff'ffff;
  h.x(12) = 1;
  h.x(15) = 0x7fff'ffff;
  h.run_code(5);
  CHECK(h.x(10) == 0x8000'0000'0000'0000);
  CHECK(h.x(13) == 0);  // low 32 bits of 0x7fff...ffff + 1
  CHECK(h.x(14) == 0xffff'ffff'8000'0000);
  CHECK(h.x(16) == 0xffff'ffff'ffff'ffff);
  CHECK(h.x(17) == 0xffff'ffff'ffff'ffff);

  Hart h32 = hart(32, {"add a0, a1, a2", "sltu a3, a0, a1", "slt a4, a0, a1"});
  h32.x(11) = 0x7fff'ffff;
  h32.x(12) = 1;
  h32.run_code(3);
  CHECK(h32.x(10) == 0x8000'0000);
  CHECK(h32.x(13) == 0);
  CHECK(h32.x(14) == 1);  // signed: 0x80000000 is negative
}

TEST_CASE("division by zero and overflow follow the M extension's table") {
  for (const unsigned xlen : {32u, 64u}) {
    INFO("RV" << xlen);
    const std::uint64_t all_ones = xlen == 32 ? 0xffff'ffff : ~std::uint64_t{0};
    const std::uint64_t min = xlen == 32 ? 0x8000'0000 : 0x8000'0000'0000'0000;
    Hart h = hart(xlen, {"div a0, a1, zero", "divu a2, a1, zero", "rem a3, a1, zero",
                         "remu a4, a1, zero", "div a5, a6, a7", "rem s2, a6, a7"});
    h.x(11) = 42;
    h.x(16) = min;
    h.x(17) = all_ones;  // -1
    h.run_code(6);
    CHECK(h.x(10) == all_ones);
    CHECK(h.x(12) == all_ones);
    CHECK(h.x(13) == 42);
    CHECK(h.x(14) == 42);
    CHECK(h.x(15) == min);
    CHECK(h.x(18) == 0);
  }
  Hart w =
      hart(64, {"divw a0, a1, a2", "remw a3, a1, a2", "divuw a4, a1, zero", "remuw a5, a1, zero"});
  w.x(11) = 0x8000'0000;            // INT32_MIN in the low word
  w.x(12) = 0xffff'ffff'ffff'ffff;  // -1
  w.run_code(4);
  CHECK(w.x(10) == 0xffff'ffff'8000'0000);
  CHECK(w.x(13) == 0);
  CHECK(w.x(14) == 0xffff'ffff'ffff'ffff);
  CHECK(w.x(15) == 0xffff'ffff'8000'0000);  // the dividend, sign-extended from 32 bits
}

TEST_CASE("high multiplications") {
  Hart h = hart(64, {"mulh a0, a1, a2", "mulhu a3, a1, a2", "mulhsu a4, a1, a2", "mul a5, a1, a2",
                     "mulw a6, a1, a2"});
  h.x(11) = 0xffff'ffff'ffff'ffff;  // -1
  h.x(12) = 0xffff'ffff'ffff'ffff;
  h.run_code(5);
  CHECK(h.x(10) == 0);                      // (-1 * -1) >> 64
  CHECK(h.x(13) == 0xffff'ffff'ffff'fffe);  // (2^64-1)^2 >> 64
  CHECK(h.x(14) == 0xffff'ffff'ffff'ffff);  // -1 * (2^64-1) >> 64
  CHECK(h.x(15) == 1);
  CHECK(h.x(16) == 1);
  Hart h32 = hart(32, {"mulh a0, a1, a2", "mulhu a3, a1, a2", "mulhsu a4, a1, a2"});
  h32.x(11) = 0x8000'0000;
  h32.x(12) = 0x8000'0000;
  h32.run_code(3);
  CHECK(h32.x(10) == 0x4000'0000);
  CHECK(h32.x(13) == 0x4000'0000);
  CHECK(h32.x(14) == 0xc000'0000);
}

TEST_CASE("shift amounts use only the low log2(XLEN) bits") {
  Hart h = hart(64, {"sll a0, a1, a2", "srl a3, a1, a2", "sra a4, a5, a2", "sllw a6, a1, a7",
                     "sraiw s2, a5, 31", "srai s3, a5, 63"});
  h.x(11) = 1;
  h.x(12) = 65;  // shifts by 1
  h.x(15) = 0x8000'0000'0000'0000;
  h.x(17) = 33;  // word shifts use 5 bits: by 1
  h.run_code(6);
  CHECK(h.x(10) == 2);
  CHECK(h.x(13) == 0);
  CHECK(h.x(14) == 0xc000'0000'0000'0000);
  CHECK(h.x(16) == 2);
  CHECK(h.x(18) == 0);  // low word of a5 is 0
  CHECK(h.x(19) == 0xffff'ffff'ffff'ffff);
  Hart h32 = hart(32, {"sll a0, a1, a2", "sra a3, a4, a2"});
  h32.x(11) = 1;
  h32.x(12) = 33;
  h32.x(14) = 0x8000'0000;
  h32.run_code(2);
  CHECK(h32.x(10) == 2);
  CHECK(h32.x(13) == 0xc000'0000);
}

TEST_CASE("loads sign- or zero-extend, misaligned accesses straddle leaves and pages") {
  Hart h =
      hart(64, {"lw a0, 0(a1)", "lwu a2, 0(a1)", "lb a3, 3(a1)", "lbu a4, 3(a1)", "ld a5, 28(a1)",
                "sd a5, 0(a6)", "ld a7, 0(a6)", "sh a1, 1(a1)", "lhu s2, 1(a1)"});
  h.poke(kData, Bytes{0x00, 0x00, 0x00, 0x80});
  h.poke(kData + 28, Bytes{1, 2, 3, 4, 5, 6, 7, 8});  // crosses the leaf boundary at 0x2020
  h.x(11) = kData;
  h.x(16) = 0x2ffc;  // an 8-byte store across the page boundary at 0x3000
  h.run_code(9);
  CHECK(h.x(10) == 0xffff'ffff'8000'0000);
  CHECK(h.x(12) == 0x8000'0000);
  CHECK(h.x(13) == 0xffff'ffff'ffff'ff80);
  CHECK(h.x(14) == 0x80);
  CHECK(h.x(15) == 0x0807'0605'0403'0201);
  CHECK(h.x(17) == 0x0807'0605'0403'0201);
  CHECK(h.peek(0x3000, 4) == 0x0807'0605);
  CHECK(h.x(18) == (kData & 0xffff));
}

TEST_CASE("an access past the top of the address space faults") {
  Hart h = hart(32, {"lw a0, 0(a1)"});
  h.x(11) = 0xffff'fffe;
  REQUIRE(h.step() == faultline::riscv::StepOutcome::executed);
  CHECK(h.state.status == VmStatus::faulted);
  CHECK(h.state.fault_cause == FaultCause::address_wrap);
  CHECK(h.state.fault_value == 0xffff'fffe);
  CHECK(h.state.pc == Hart::kCodeAddress);
  // Halted: further steps change nothing.
  const auto before = h.state;
  CHECK(h.step() == faultline::riscv::StepOutcome::halted);
  CHECK(h.state == before);
}

TEST_CASE("LR/SC: success, failure without or with another reservation, one use only") {
  for (const unsigned xlen : {32u, 64u}) {
    INFO("RV" << xlen);
    Hart h = hart(xlen, {"sc.w a0, a2, (a1)", "lr.w a3, (a1)", "sc.w a4, a2, (a5)", "lr.w a3, (a1)",
                         "sc.w a6, a2, (a1)", "sc.w a7, a2, (a1)", "lr.w s2, (a1)"});
    h.poke(kData, Bytes{0xfe, 0xff, 0xff, 0xff});
    h.x(11) = kData;
    h.x(12) = 7;
    h.x(15) = kData + 8;
    h.run_code(7);
    CHECK(h.x(10) == 1);  // no reservation
    CHECK(h.x(14) == 1);  // reservation for another address
    CHECK(h.x(16) == 0);  // success
    CHECK(h.x(17) == 1);  // the reservation was used up
    CHECK(h.x(18) == 7);
    CHECK(h.peek(kData + 8, 4) == 0);
  }
  Hart h = hart(64, {"lr.d a0, (a1)"});
  h.x(11) = kData + 4;
  REQUIRE(h.step() == faultline::riscv::StepOutcome::executed);
  CHECK(h.state.fault_cause == FaultCause::misaligned_atomic);
}

TEST_CASE("atomic memory operations return the old value and store the result") {
  Hart h = hart(64, {"amoadd.w a0, a2, (a1)", "amomaxu.w a3, a2, (a1)", "amomin.d a4, a5, (a6)",
                     "amoswap.d a7, a2, (a6)", "amoxor.w s2, a2, (a1)"});
  h.poke(kData, Bytes{0xff, 0xff, 0xff, 0x7f});  // INT32_MAX
  h.poke(kData + 8, Bytes{5, 0, 0, 0, 0, 0, 0, 0});
  h.x(11) = kData;
  h.x(12) = 1;
  h.x(15) = 0xffff'ffff'ffff'fff0;  // -16
  h.x(16) = kData + 8;
  h.run_code(5);
  CHECK(h.x(10) == 0x7fff'ffff);
  CHECK(h.x(13) == 0xffff'ffff'8000'0000);  // INT32_MIN after the add, sign-extended
  CHECK(h.x(14) == 5);
  CHECK(h.x(17) == 0xffff'ffff'ffff'fff0);
  CHECK(h.x(18) == 0xffff'ffff'8000'0000);
  CHECK(h.peek(kData, 4) == 0x8000'0001);
  CHECK(h.peek(kData + 8, 8) == 1);
  Hart m = hart(32, {"amoadd.w a0, a2, (a1)"});
  m.x(11) = kData + 2;
  REQUIRE(m.step() == faultline::riscv::StepOutcome::executed);
  CHECK(m.state.fault_cause == FaultCause::misaligned_atomic);
}

TEST_CASE("jumps link the next pc, jalr clears bit 0, branches go both ways") {
  Hart h = hart(64, {"jal ra, 8", "nop", "jalr t0, 3(a1)", "nop", "nop", "beq zero, zero, -8"});
  h.x(11) = Hart::kCodeAddress + 16 - 3 + 1;  // target 0x1010 after clearing bit 0
  h.run_code(3);
  CHECK(h.x(1) == Hart::kCodeAddress + 4);
  CHECK(h.x(5) == Hart::kCodeAddress + 12);
  CHECK(h.state.pc == Hart::kCodeAddress + 20);
  h.run_code(1);
  CHECK(h.state.pc == Hart::kCodeAddress + 12);
}

TEST_CASE("counters read the step count, writes to CSRs, FP and ebreak fault") {
  Hart h = hart(32, {"nop", "rdcycle a0", "rdinstret a1", "rdtime a2", "rdcycleh a3"});
  h.run_code(5);
  CHECK(h.x(10) == 1);
  CHECK(h.x(11) == 2);
  CHECK(h.x(12) == 3);
  CHECK(h.x(13) == 0);
  for (const char* bad : {"csrw cycle, a0", "csrr a0, mstatus", "csrs cycle, a1", "ebreak"}) {
    INFO(bad);
    Hart f = hart(64, {bad});
    REQUIRE(f.step() == faultline::riscv::StepOutcome::executed);
    CHECK(f.state.status == VmStatus::faulted);
    CHECK(f.state.fault_cause == (std::string(bad) == "ebreak" ? FaultCause::breakpoint
                                                               : FaultCause::illegal_instruction));
  }
  // F/D instructions are not part of RV64IMAC.
  Hart fp(64, Bytes{0x53, 0x05, 0xb5, 0x00});  // fadd.s fa0, fa0, fa1
  REQUIRE(fp.step() == faultline::riscv::StepOutcome::executed);
  CHECK(fp.state.fault_cause == FaultCause::illegal_instruction);
  CHECK(fp.state.fault_value == 0x00b50553);
}

namespace {

/// Executes a compressed instruction and its expansion from the same registers and memory (both
/// encodings are in both harts' memory: the compressed one at the code address, the expansion
/// 4 bytes on) and checks they reach the same state but for the pc and link register, which
/// differ by where each instruction sits and how long it is.
void check_same_step(unsigned xlen, const std::string& compressed, const Bytes& c_code,
                     const Bytes& e_code) {
  Bytes code = c_code;
  code.insert(code.end(), {0x01, 0x00});  // c.nop, never executed
  code.insert(code.end(), e_code.begin(), e_code.end());
  Hart hc(xlen, code), he(xlen, code);
  he.state.pc = Hart::kCodeAddress + 4;
  for (unsigned r = 1; r < 32; ++r) {
    const std::uint64_t value = 0x0010'0000 + 0x1234 * r;  // nonzero, below 2^31
    hc.x(r) = he.x(r) = value;
  }
  const auto outcome = hc.step();
  REQUIRE(he.step() == outcome);
  if (hc.state.status == VmStatus::faulted) {  // c.ebreak: both fault, at their own pc
    CHECK(he.state.status == VmStatus::faulted);
    CHECK(he.state.fault_cause == hc.state.fault_cause);
    return;
  }
  // pc distance after the step: 6 after a sequential step or a branch not taken (4 bytes
  // apart, 2 bytes longer), 4 after a pc-relative jump or taken branch, 0 after a register jump.
  const bool relative = compressed.starts_with("c.j ") || compressed.starts_with("c.jal ") ||
                        compressed.starts_with("c.bnez");  // all registers are nonzero
  const bool by_register = compressed.starts_with("c.jr ") || compressed.starts_with("c.jalr ");
  CHECK(he.state.pc - hc.state.pc == (by_register ? 0u : relative ? 4u : 6u));
  if (compressed.starts_with("c.jal")) {  // c.jal and c.jalr link ra
    CHECK(he.x(1) - hc.x(1) == 6);
    CHECK(hc.x(1) == Hart::kCodeAddress + 2);
    he.x(1) = hc.x(1);
  }
  he.state.pc = hc.state.pc;
  CHECK(faultline::riscv::encode(he.state) == faultline::riscv::encode(hc.state));
}

}  // namespace

TEST_CASE("every compressed form expands to the 32-bit instruction the spec names") {
  // (compressed, its expansion) pairs from the RVC chapter; llvm-mc encodes both sides.
  const std::vector<std::pair<std::string, std::string>> common = {
      {"c.addi4spn a0, sp, 1020", "addi a0, sp, 1020"},
      {"c.lw a5, 124(a4)", "lw a5, 124(a4)"},
      {"c.sw s0, 64(a1)", "sw s0, 64(a1)"},
      {"c.nop", "addi zero, zero, 0"},
      {"c.addi t0, -32", "addi t0, t0, -32"},
      {"c.li s1, 31", "addi s1, zero, 31"},
      {"c.addi16sp sp, -512", "addi sp, sp, -512"},
      {"c.addi16sp sp, 496", "addi sp, sp, 496"},
      {"c.lui a3, 0xfffe0", "lui a3, 0xfffe0"},
      {"c.lui a3, 31", "lui a3, 31"},
      {"c.srli a0, 31", "srli a0, a0, 31"},
      {"c.srai a1, 1", "srai a1, a1, 1"},
      {"c.andi a2, -1", "andi a2, a2, -1"},
      {"c.sub s0, s1", "sub s0, s0, s1"},
      {"c.xor a4, a5", "xor a4, a4, a5"},
      {"c.or a0, a1", "or a0, a0, a1"},
      {"c.and a2, a3", "and a2, a2, a3"},
      {"c.j -2048", "jal zero, -2048"},
      {"c.j 2046", "jal zero, 2046"},
      {"c.beqz a0, -256", "beq a0, zero, -256"},
      {"c.bnez s1, 254", "bne s1, zero, 254"},
      {"c.slli t1, 31", "slli t1, t1, 31"},
      {"c.lwsp ra, 252(sp)", "lw ra, 252(sp)"},
      {"c.jr ra", "jalr zero, 0(ra)"},
      {"c.mv a0, a1", "add a0, zero, a1"},
      {"c.ebreak", "ebreak"},
      {"c.jalr t0", "jalr ra, 0(t0)"},
      {"c.add s2, s3", "add s2, s2, s3"},
      {"c.swsp a0, 252(sp)", "sw a0, 252(sp)"},
  };
  const std::vector<std::pair<std::string, std::string>> rv32_only = {
      {"c.jal 2046", "jal ra, 2046"},
      {"c.jal -2048", "jal ra, -2048"},
  };
  const std::vector<std::pair<std::string, std::string>> rv64_only = {
      {"c.ld a0, 248(a1)", "ld a0, 248(a1)"},   {"c.sd a2, 8(a3)", "sd a2, 8(a3)"},
      {"c.addiw a0, -1", "addiw a0, a0, -1"},   {"c.subw a0, a1", "subw a0, a0, a1"},
      {"c.addw a2, a3", "addw a2, a2, a3"},     {"c.ldsp s0, 504(sp)", "ld s0, 504(sp)"},
      {"c.sdsp s1, 504(sp)", "sd s1, 504(sp)"}, {"c.srli a0, 63", "srli a0, a0, 63"},
      {"c.srai a0, 32", "srai a0, a0, 32"},     {"c.slli a0, 63", "slli a0, a0, 63"},
  };
  for (const unsigned xlen : {32u, 64u}) {
    auto pairs = common;
    const auto& extra = xlen == 32 ? rv32_only : rv64_only;
    pairs.insert(pairs.end(), extra.begin(), extra.end());
    std::vector<std::string> compressed, expanded;
    for (const auto& [c, e] : pairs) {
      compressed.push_back(c);
      expanded.push_back(e);
    }
    const auto c_codes = faultline::test::assemble_lines(xlen, compressed, true);
    const auto e_codes = faultline::test::assemble_lines(xlen, expanded, false);
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      INFO("RV" << xlen << ": " << pairs[i].first);
      REQUIRE(c_codes[i].size() == 2);
      REQUIRE(e_codes[i].size() == 4);
      const std::uint32_t c = c_codes[i][0] | c_codes[i][1] << 8;
      const std::uint32_t e = e_codes[i][0] | e_codes[i][1] << 8 | e_codes[i][2] << 16 |
                              static_cast<std::uint32_t>(e_codes[i][3]) << 24;
      const std::uint32_t got = xlen == 32 ? faultline::riscv::expand_compressed<32>(c)
                                           : faultline::riscv::expand_compressed<64>(c);
      CHECK(got == e);
      check_same_step(xlen, pairs[i].first, c_codes[i], e_codes[i]);
    }
  }
}

TEST_CASE("reserved compressed encodings are illegal instructions") {
  // All-zero; c.addi4spn with imm 0; c.lui with imm 0; c.addi16sp with imm 0; c.lwsp with
  // rd 0; c.jr with rs1 0; RV32 c.slli with shamt[5] set; c.fld (no D).
  const std::uint16_t rv32_reserved[] = {0x0000, 0x0004, 0x6581, 0x6101,
                                         0x4002, 0x8002, 0x1502, 0x2000};
  for (const std::uint16_t c : rv32_reserved) {
    INFO("encoding " << std::hex << c);
    CHECK(faultline::riscv::expand_compressed<32>(c) == 0);
    Hart h(32, Bytes{static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(c >> 8)});
    REQUIRE(h.step() == faultline::riscv::StepOutcome::executed);
    CHECK(h.state.fault_cause == FaultCause::illegal_instruction);
    CHECK(h.state.fault_value == c);
  }
  CHECK(faultline::riscv::expand_compressed<64>(0x2001) == 0);  // c.addiw with rd 0
}

TEST_CASE("a 32-bit instruction may straddle two memory leaves") {
  // Four compressed nops put the 32-bit add at leaf offset 30.
  Bytes code;
  for (int i = 0; i < 15; ++i)
    code.insert(code.end(), {0x01, 0x00});
  const Bytes add = faultline::test::assemble(64, {"add a0, a1, a2"});
  code.insert(code.end(), add.begin(), add.end());
  Hart h(64, code);
  h.x(11) = 2;
  h.x(12) = 3;
  h.run_code(16);
  CHECK(h.x(10) == 5);
  CHECK(h.proof_bytes == 2 * 32 * 60);  // one proof per leaf of the instruction
}

TEST_CASE("a store that would make a page non-zero past the memory limit faults") {
  for (const unsigned xlen : {32u, 64u}) {
    INFO("RV" << xlen);
    constexpr std::uint64_t kFresh = 0x5000;  // a page never written
    // Two pages in use (the code and kData) under a limit of two.
    Hart h = hart(xlen, {"sb zero, 0(a5)", "sw zero, 5(a5)", "sw a2, 0(a5)"});
    h.poke(kData, Bytes{1});
    h.state.memory_limit = 2;
    h.x(12) = 0x1234;
    h.x(15) = kFresh;
    h.run_code(2);  // zeros into an all-zero page change nothing: never refused
    REQUIRE(h.step() == faultline::riscv::StepOutcome::executed);
    CHECK(h.state.status == VmStatus::faulted);
    CHECK(h.state.fault_cause == FaultCause::memory_limit);
    CHECK(h.state.fault_value == kFresh);
    CHECK(h.state.pc == Hart::kCodeAddress + 8);
    CHECK(h.peek(kFresh, 4) == 0);
    CHECK(h.state.pages_in_use == 2);
  }
}

TEST_CASE("zeroing a page frees it for the memory limit") {
  Hart h = hart(64, {"sb zero, 0(a1)", "sd a2, 0(a5)", "sb a2, 0(a1)"});
  h.poke(kData, Bytes{1});
  h.state.memory_limit = 2;
  h.x(11) = kData;
  h.x(12) = 0xff;
  h.x(15) = 0x5000;
  h.run_code(1);
  CHECK(h.state.pages_in_use == 1);  // kData's page is all zero again
  h.run_code(1);
  CHECK(h.state.pages_in_use == 2);
  CHECK(h.peek(0x5000, 8) == 0xff);
  REQUIRE(h.step() == faultline::riscv::StepOutcome::executed);
  CHECK(h.state.fault_cause == FaultCause::memory_limit);
  CHECK(h.state.fault_value == kData);
}

TEST_CASE("a store across pages keeps its first part when the limit refuses the second") {
  Hart h = hart(64, {"sd a2, 0(a6)"});
  h.poke(kData, Bytes{1});
  h.state.memory_limit = 2;
  h.x(12) = 0x0807'0605'0403'0201;
  h.x(16) = 0x2ffc;  // the page at 0x3000 is all zero
  REQUIRE(h.step() == faultline::riscv::StepOutcome::executed);
  CHECK(h.state.fault_cause == FaultCause::memory_limit);
  CHECK(h.state.fault_value == 0x2ffc);
  CHECK(h.peek(0x2ffc, 4) == 0x0403'0201);
  CHECK(h.peek(0x3000, 4) == 0);
}

TEST_CASE("atomics and store-conditional past the memory limit fault before writing rd") {
  for (const auto& line : {"amoadd.w a0, a2, (a5)", "amoswap.d a0, a2, (a5)"}) {
    INFO(line);
    Hart h = hart(64, {line});
    h.state.memory_limit = 1;  // the code page
    h.x(10) = 99;
    h.x(12) = 5;
    h.x(15) = 0x5000;
    REQUIRE(h.step() == faultline::riscv::StepOutcome::executed);
    CHECK(h.state.fault_cause == FaultCause::memory_limit);
    CHECK(h.state.fault_value == 0x5000);
    CHECK(h.x(10) == 99);
  }
  Hart h = hart(32, {"lr.w a3, (a5)", "sc.w a0, a2, (a5)"});
  h.state.memory_limit = 1;
  h.x(10) = 99;
  h.x(12) = 5;
  h.x(15) = 0x5000;
  h.run_code(1);
  REQUIRE(h.step() == faultline::riscv::StepOutcome::executed);
  CHECK(h.state.fault_cause == FaultCause::memory_limit);
  CHECK(h.x(10) == 99);
  CHECK(h.state.reservation_valid);
}
