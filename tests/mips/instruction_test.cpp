// Per-instruction edge cases of the MIPS step, each run through the fast, recording and
// replaying paths (MipsCpu), with encodings from llvm-mc.
#include <catch2/catch.hpp>
#include <string_view>

#include "mips_cpu.hpp"

namespace {

using faultline::VmStatus;
using faultline::mips::FaultCause;
using faultline::test::MipsCpu;

constexpr std::uint64_t kData = MipsCpu::kData;

}  // namespace

TEST_CASE("delay slots: the slot runs after a taken branch, likely branches skip it") {
  for (const unsigned bits : {32u, 64u}) {
    INFO("MIPS" << bits);
    MipsCpu taken(bits, {"beq $0, $0, 8", "addiu $2, $0, 1", "addiu $3, $0, 1", "addiu $4, $0, 1"});
    taken.run_code(3);
    CHECK(taken.r(2) == 1);  // the delay slot ran
    CHECK(taken.r(3) == 0);  // jumped over
    CHECK(taken.r(4) == 1);

    MipsCpu likely(bits, {"beql $0, $5, 8", "addiu $2, $0, 1", "addiu $3, $0, 1"});
    likely.r(5) = 1;  // not equal: not taken, and the delay slot is skipped
    likely.run_code(2);
    CHECK(likely.r(2) == 0);
    CHECK(likely.r(3) == 1);

    MipsCpu link(bits, {"bal 8", "addiu $2, $0, 7", "nop", "jalr $5", "nop"});
    link.r(5) = MipsCpu::kCode;
    link.run_code(2);
    CHECK(link.r(31) == MipsCpu::kCode + 8);  // bal links past its delay slot
    CHECK(link.r(2) == 7);
    link.run_code(2);  // jalr $5 (at +12) links $31 and jumps after its delay slot
    CHECK(link.r(31) == MipsCpu::kCode + 20);
    CHECK(link.state.pc == MipsCpu::kCode);

    MipsCpu nested(bits, {"b 8", "b 8", "nop"});
    nested.run_code(1);
    nested.run_code(1);  // the second branch sits in the first one's delay slot: a fault
    CHECK(nested.state.status == VmStatus::faulted);
    CHECK(nested.state.fault_cause == FaultCause::branch_in_delay_slot);
  }
}

TEST_CASE("division by zero and overflow divide by one, as qemu does, HI/LO arithmetic") {
  for (const unsigned bits : {32u, 64u}) {
    INFO("MIPS" << bits);
    MipsCpu cpu(bits, {"div $0, $4, $5", "mflo $2", "mfhi $3", "divu $0, $4, $0", "mflo $6",
                       "div $0, $7, $8", "mflo $9", "mfhi $10"});
    cpu.r(4) = 17;
    cpu.r(5) = 0;
    cpu.r(7) = bits == 32 ? 0x8000'0000 : 0xffff'ffff'8000'0000;  // INT32_MIN
    cpu.r(8) = bits == 32 ? 0xffff'ffff : ~std::uint64_t{0};      // -1
    cpu.run_code(8);
    CHECK(cpu.r(2) == 17);
    CHECK(cpu.r(3) == 0);
    CHECK(cpu.r(6) == 17);
    CHECK(cpu.r(9) == cpu.r(7));
    CHECK(cpu.r(10) == 0);

    MipsCpu mul(bits, {"mult $4, $5", "mfhi $2", "mflo $3", "madd $4, $5", "mfhi $6", "mflo $7",
                       "msubu $4, $4", "mfhi $8", "mflo $9"});
    mul.r(4) = bits == 32 ? 0xffff'fffe : ~std::uint64_t{1};  // -2
    mul.r(5) = 0x4000'0000;
    mul.run_code(9);
    const std::uint64_t ones = bits == 32 ? 0xffff'ffff : ~std::uint64_t{0};
    CHECK(mul.r(2) == ones);  // -2 * 2^30 = -2^31: HI all ones
    CHECK(mul.r(3) == (bits == 32 ? 0x8000'0000 : 0xffff'ffff'8000'0000));
    CHECK(mul.r(6) == ones);  // -2^32: HI = -1
    CHECK(mul.r(7) == 0);
    // msubu: -2^32 - (2^32 - 2)^2 (unsigned 32-bit operands), modulo 2^64
    const std::uint64_t acc = (std::uint64_t{0xffff'ffff} << 32) - 0xffff'fffeULL * 0xffff'fffeULL;
    CHECK((mul.r(8) & 0xffff'ffff) == acc >> 32);
    CHECK((mul.r(9) & 0xffff'ffff) == (acc & 0xffff'ffff));
  }
}

TEST_CASE("signed overflow traps in add/addi/sub, addu wraps, MIPS64 sign-extends words") {
  MipsCpu wraps(64, {"addu $2, $4, $5", "addiu $3, $4, 1", "lui $6, 0x8000", "sll $7, $4, 1"});
  wraps.r(4) = 0x7fff'ffff;
  wraps.r(5) = 1;
  wraps.run_code(4);
  CHECK(wraps.r(2) == 0xffff'ffff'8000'0000);
  CHECK(wraps.r(3) == 0xffff'ffff'8000'0000);
  CHECK(wraps.r(6) == 0xffff'ffff'8000'0000);
  CHECK(wraps.r(7) == 0xffff'ffff'ffff'fffe);

  for (const unsigned bits : {32u, 64u}) {
    for (const char* line : {"add $2, $4, $5", "addi $2, $4, 1", "sub $2, $6, $5"}) {
      INFO("MIPS" << bits << " " << line);
      MipsCpu cpu(bits, {line});
      cpu.r(4) = 0x7fff'ffff;
      cpu.r(5) = 1;
      cpu.r(6) = bits == 32 ? 0x8000'0000 : 0xffff'ffff'8000'0000;
      cpu.run_code(1);
      CHECK(cpu.state.fault_cause == FaultCause::integer_overflow);
      CHECK(cpu.r(2) == 0);  // not written
    }
  }
  MipsCpu wide(64, {"dadd $2, $4, $5"});
  wide.r(4) = 0x7fff'ffff'ffff'ffff;
  wide.r(5) = 1;
  wide.run_code(1);
  CHECK(wide.state.fault_cause == FaultCause::integer_overflow);
}

TEST_CASE("traps fire when their condition holds") {
  MipsCpu no(32, {"teq $4, $0", "tne $0, $0", "tgei $4, 2"});
  no.r(4) = 1;
  no.run_code(3);
  CHECK(no.state.status == VmStatus::running);
  MipsCpu yes(32, {"teq $0, $0, 7"});
  yes.run_code(1);
  CHECK(yes.state.fault_cause == FaultCause::trap);
  // Each condition at its boundary: equal operands fire the >= and == forms, not the < forms.
  for (const char* insn : {"tge $4, $5", "tgeu $4, $5", "tgei $4, 5", "tgeiu $4, 5", "teqi $4, 5",
                           "tlt $4, $5", "tltu $4, $5", "tlti $4, 5", "tltiu $4, 5"}) {
    INFO(insn);
    MipsCpu cpu(32, {insn});
    cpu.r(4) = 5;
    cpu.r(5) = 5;
    cpu.run_code(1);
    const bool fires = std::string_view(insn).starts_with("tge") || insn[1] == 'e';
    CHECK((cpu.state.status == VmStatus::faulted) == fires);
  }
  // 0xffffffff is -1 to the signed forms and the largest value to the unsigned ones.
  for (const char* insn : {"tge $4, $5", "tgeu $4, $5"}) {
    INFO(insn);
    MipsCpu cpu(32, {insn});
    cpu.r(4) = 0xffff'ffff;
    cpu.r(5) = 1;
    cpu.run_code(1);
    CHECK((cpu.state.status == VmStatus::faulted) == (std::string_view(insn) == "tgeu $4, $5"));
  }
}

TEST_CASE("unaligned words through lwl/lwr and swl/swr, misaligned loads fault") {
  for (const unsigned bits : {32u, 64u}) {
    INFO("MIPS" << bits);
    MipsCpu cpu(bits, {"lwl $2, 1($4)", "lwr $2, 4($4)", "lwr $3, 1($4)", "swl $5, 9($4)",
                       "swr $5, 12($4)", "lw $6, 2($4)"});
    const faultline::Bytes data = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17};
    cpu.poke(kData, data);
    cpu.r(4) = kData;
    cpu.r(3) = 0xaabb'ccdd;
    cpu.r(5) = 0xa1b2'c3d4;
    cpu.run_code(5);
    CHECK((cpu.r(2) & 0xffff'ffff) == 0x1112'1314);  // the word at kData + 1
    CHECK((cpu.r(3) & 0xffff'ffff) == 0xaabb'1011);  // lwr alone: the low bytes only
    CHECK(cpu.peek(kData + 8, 8) == 0x00a1'b2c3'd400'0000);
    cpu.run_code(1);
    CHECK(cpu.state.fault_cause == FaultCause::address_error);
    CHECK(cpu.state.fault_value == kData + 2);
  }
  MipsCpu wide(64, {"ldl $2, 3($4)", "ldr $2, 10($4)"});
  wide.poke(kData, faultline::Bytes{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  wide.r(4) = kData;
  wide.run_code(2);
  CHECK(wide.r(2) == 0x0304'0506'0708'090a);
}

TEST_CASE("ll/sc succeed only on their reservation") {
  MipsCpu cpu(32, {"ll $2, 0($4)", "sc $5, 0($4)", "sc $6, 0($4)"});
  cpu.poke(kData, faultline::Bytes{0, 0, 0, 9});
  cpu.r(4) = kData;
  cpu.r(5) = 42;
  cpu.r(6) = 43;
  cpu.run_code(3);
  CHECK(cpu.r(2) == 9);
  CHECK(cpu.r(5) == 1);
  CHECK(cpu.r(6) == 0);  // the reservation was used up
  CHECK(cpu.peek(kData, 4) == 42);
}

TEST_CASE("bit fields, byte shuffles, counts and rotates") {
  MipsCpu cpu(32, {"ext $2, $4, 4, 8", "ins $3, $4, 8, 4", "seb $5, $4", "seh $6, $4",
                   "wsbh $7, $4", "clz $8, $9", "clo $10, $4", "rotr $11, $4, 8"});
  cpu.r(4) = 0xf234'5687;
  cpu.r(3) = 0xffff'ffff;
  cpu.r(9) = 0x0000'8000;
  cpu.run_code(8);
  CHECK(cpu.r(2) == 0x68);
  CHECK(cpu.r(3) == 0xffff'f7ff);
  CHECK(cpu.r(5) == 0xffff'ff87);
  CHECK(cpu.r(6) == 0x0000'5687);
  CHECK(cpu.r(7) == 0x34f2'8756);
  CHECK(cpu.r(8) == 16);
  CHECK(cpu.r(10) == 4);
  CHECK(cpu.r(11) == 0x87f2'3456);

  MipsCpu wide(64, {"dext $2, $4, 8, 32", "dsll32 $3, $4, 4", "dsra32 $5, $4, 0", "dclz $6, $3",
                    "dsbh $7, $4", "dshd $8, $4", "drotr32 $9, $4, 0"});
  wide.r(4) = 0x8123'4567'89ab'cdef;
  wide.run_code(7);
  CHECK(wide.r(2) == 0x6789'abcd);
  CHECK(wide.r(3) == 0x9abc'def0'0000'0000);
  CHECK(wide.r(5) == 0xffff'ffff'8123'4567);
  CHECK(wide.r(6) == 0);
  CHECK(wide.r(7) == 0x2381'6745'ab89'efcd);
  CHECK(wide.r(8) == 0xcdef'89ab'4567'8123);
  CHECK(wide.r(9) == 0x89ab'cdef'8123'4567);
}

TEST_CASE("a bit field that runs past its register is an illegal instruction") {
  // llvm-mc refuses such fields, so the words are written by hand:
  // SPECIAL3 | rs=$4 | rt=$2 | msbd (size - 1) | lsb (position) | function.
  const auto field = [](unsigned function, unsigned size_minus_1, unsigned position) {
    return 0x7c82'0000u | size_minus_1 << 11 | position << 6 | function;
  };
  const auto run_word = [](unsigned bits, std::uint32_t word) {
    MipsCpu cpu(bits, {"nop"});
    cpu.poke(MipsCpu::kCode, faultline::Bytes{static_cast<std::uint8_t>(word >> 24),
                                              static_cast<std::uint8_t>(word >> 16),
                                              static_cast<std::uint8_t>(word >> 8),
                                              static_cast<std::uint8_t>(word)});
    cpu.r(4) = 0xc000'0000;
    cpu.r(2) = 7;
    cpu.run_code(1);
    return cpu;
  };
  for (const unsigned bits : {32u, 64u}) {
    INFO("MIPS" << bits);
    const MipsCpu fits = run_word(bits, field(0, 1, 30));  // ext $2, $4, 30, 2: bits 30..31
    CHECK(fits.state.fault_cause == FaultCause::none);
    CHECK(fits.state.r[2] == 3);
    const MipsCpu past = run_word(bits, field(0, 1, 31));  // ext $2, $4, 31, 2: bit 32 too
    CHECK(past.state.fault_cause == FaultCause::illegal_instruction);
    CHECK(past.state.pc == MipsCpu::kCode);
    CHECK(past.state.r[2] == 7);
  }
  // dextm: size = msbd + 33. Position 31, size 33 ends at bit 63; position 31, size 34 is past it.
  const MipsCpu dextm_fits = run_word(64, field(1, 0, 31));
  CHECK(dextm_fits.state.fault_cause == FaultCause::none);
  CHECK(dextm_fits.state.r[2] == 1);
  CHECK(run_word(64, field(1, 1, 31)).state.fault_cause == FaultCause::illegal_instruction);
}

TEST_CASE("FPU, coprocessor and unknown encodings are illegal instructions") {
  for (const char* line : {"add.s $f0, $f1, $f2", "mfc0 $2, $12", "lwc1 $f0, 0($4)"}) {
    INFO(line);
    MipsCpu cpu(32, {line});
    cpu.run_code(1);
    CHECK(cpu.state.fault_cause == FaultCause::illegal_instruction);
    CHECK(cpu.state.pc == MipsCpu::kCode);
  }
  // A MIPS64 instruction (dadd $2, $3, $4) is illegal on MIPS32.
  CHECK(faultline::mips::decode<32>(0x0064102c) == faultline::mips::Op::illegal);
  CHECK(faultline::mips::decode<64>(0x0064102c) == faultline::mips::Op::dadd);
}

TEST_CASE("system calls set $a3 on errors, thread pointer through rdhwr") {
  MipsCpu cpu(32, {"syscall", "syscall", "syscall", "rdhwr $3, $29"});
  cpu.r(2) = 4004;  // write to a descriptor that does not exist
  cpu.r(4) = 9;
  cpu.run_code(1);
  CHECK(cpu.r(2) == 9);  // EBADF
  CHECK(cpu.r(7) == 1);
  cpu.r(2) = 4999;  // unknown: ENOSYS (89 on MIPS)
  cpu.run_code(1);
  CHECK(cpu.r(2) == 89);
  CHECK(cpu.r(7) == 1);
  cpu.r(2) = 4283;  // set_thread_area
  cpu.r(4) = 0x1234'5678;
  cpu.run_code(2);
  CHECK(cpu.r(7) == 0);
  CHECK(cpu.r(3) == 0x1234'5678);

  MipsCpu n64(64, {"syscall"});
  n64.r(2) = 5009;  // mmap, anonymous
  n64.r(5) = 5000;
  n64.r(7) = 0x802;
  n64.run_code(1);
  CHECK(n64.r(2) == faultline::mips::kAddressMap64.mmap_base);
  CHECK(n64.r(7) == 0);
}

TEST_CASE("fetches outside the code range and misaligned fetches fault") {
  MipsCpu cpu(32, {"jr $4", "nop"});
  cpu.r(4) = 0x30000000;
  cpu.run_code(3);
  CHECK(cpu.state.fault_cause == FaultCause::fetch_outside_code);
  MipsCpu odd(32, {"jr $4", "nop"});
  odd.r(4) = MipsCpu::kCode + 2;
  odd.run_code(3);
  CHECK(odd.state.fault_cause == FaultCause::address_error);
}

TEST_CASE("a missing preimage blocks the step without changing the state") {
  for (const unsigned bits : {32u, 64u}) {
    INFO("MIPS" << bits);
    MipsCpu cpu(bits, {"syscall"});
    cpu.r(2) = (bits == 32 ? faultline::mips::sys::kO32 : faultline::mips::sys::kN64).read;
    cpu.r(4) = faultline::mips::sys::kPreimageRead;
    cpu.r(5) = kData;
    cpu.r(6) = 8;
    auto before = cpu.state;
    CHECK(cpu.step() == faultline::mips::StepOutcome::blocked);
    before.memory_root = cpu.state.memory_root;
    before.pages_in_use = cpu.state.pages_in_use;
    CHECK(cpu.state == before);
  }
}

TEST_CASE("a store that would make a page non-zero past the memory limit faults") {
  for (const unsigned bits : {32u, 64u}) {
    INFO("MIPS" << bits);
    constexpr std::uint64_t kFresh = 0x5000;  // a page never written
    // Two pages in use (the code and kData) under a limit of two.
    MipsCpu cpu(bits, {"sb $0, 0($5)", "sw $0, 4($5)", "swl $2, 7($5)", "sw $2, 0($5)"});
    cpu.poke(kData, faultline::Bytes{1});
    cpu.state.memory_limit = 2;
    cpu.r(2) = 0x1234;
    cpu.r(5) = kFresh;
    cpu.run_code(2);  // zeros into an all-zero page change nothing: never refused
    cpu.run_code(1);  // swl writes only the low byte of 0x1234's top: zero
    CHECK(cpu.state.status == VmStatus::running);
    cpu.run_code(1);
    CHECK(cpu.state.fault_cause == FaultCause::memory_limit);
    CHECK(cpu.state.fault_value == kFresh);
    CHECK(cpu.peek(kFresh, 8) == 0);
    CHECK(cpu.state.pages_in_use == 2);

    MipsCpu partial(bits, {"swr $2, 5($5)"});  // writes the word at kFresh + 4
    partial.state.memory_limit = 1;
    partial.r(2) = 0x1234;
    partial.r(5) = kFresh;
    partial.run_code(1);
    CHECK(partial.state.fault_cause == FaultCause::memory_limit);
    CHECK(partial.state.fault_value == kFresh + 4);
  }
}

TEST_CASE("zeroing a page frees it for the memory limit, and sc past the limit leaves rt") {
  MipsCpu cpu(64, {"sb $0, 0($4)", "sd $2, 0($5)", "ll $3, 0($4)", "sc $2, 0($4)"});
  cpu.poke(kData, faultline::Bytes{1});
  cpu.state.memory_limit = 2;
  cpu.r(2) = 0xff;
  cpu.r(4) = kData;
  cpu.r(5) = 0x5000;
  cpu.run_code(1);
  CHECK(cpu.state.pages_in_use == 1);  // kData's page is all zero again
  cpu.run_code(2);
  CHECK(cpu.state.pages_in_use == 2);
  CHECK(cpu.peek(0x5000, 8) == 0xff);
  cpu.run_code(1);
  CHECK(cpu.state.fault_cause == FaultCause::memory_limit);
  CHECK(cpu.state.fault_value == kData);
  CHECK(cpu.r(2) == 0xff);
  CHECK(cpu.state.reservation_valid);
}

TEST_CASE("system calls past the memory limit: clock_gettime keeps its first store") {
  MipsCpu cpu(32, {"syscall"});
  cpu.r(2) = 4263;  // o32 clock_gettime: two 4-byte fields
  cpu.r(5) = kData + 0xffc;
  cpu.poke(kData, faultline::Bytes{1});
  cpu.state.memory_limit = 2;
  cpu.state.step = 5'000'000'007;
  cpu.run_code(1);
  CHECK(cpu.state.fault_cause == FaultCause::memory_limit);
  CHECK(cpu.state.fault_value == kData + 0x1000);
  CHECK(cpu.peek(kData + 0xffc, 4) == 5);
  CHECK(cpu.r(2) == 4263);  // v0 and a3 are not written

  MipsCpu read(64, {"syscall"});
  read.r(2) = faultline::mips::sys::kN64.read;
  read.r(4) = faultline::mips::sys::kPreimageRead;
  read.r(5) = 0x5000;
  read.r(6) = 8;
  read.state.preimage_key = read.oracle.add(faultline::Bytes(3, 0xab));
  read.state.memory_limit = 1;  // the code page
  read.run_code(1);
  CHECK(read.state.fault_cause == FaultCause::memory_limit);
  CHECK(read.state.fault_value == 0x5000);
  CHECK(read.state.preimage_offset == 0);
  CHECK(read.r(2) == faultline::mips::sys::kN64.read);
}
