// System calls and the preimage channels, through all three step paths (Hart).
#include <catch2/catch.hpp>

#include "assembler.hpp"
#include "hart.hpp"

namespace {

using faultline::Bytes;
using faultline::test::assemble;
using faultline::test::Hart;

constexpr std::uint64_t kBuffer = 0x2000;

/// A hart whose program is a single ecall, with a7 and a0..a2 set.
Hart syscall(unsigned xlen, std::uint64_t number, std::uint64_t a0, std::uint64_t a1,
             std::uint64_t a2, std::uint64_t a3 = 0) {
  Hart h(xlen, assemble(xlen, {"ecall", "ecall", "ecall", "ecall"}));
  h.x(17) = number;
  h.x(10) = a0;
  h.x(11) = a1;
  h.x(12) = a2;
  h.x(13) = a3;
  return h;
}

/// a0 as a signed XLEN-bit value.
std::int64_t result(Hart& h) {
  return h.state.xlen == 32 ? static_cast<std::int32_t>(h.x(10))
                            : static_cast<std::int64_t>(h.x(10));
}

std::string text_of(const faultline::OutputBuffer& output) {
  const faultline::ByteView bytes = output.bytes();
  return {bytes.begin(), bytes.end()};
}

}  // namespace

TEST_CASE("write to stdout and stderr is captured, other descriptors are EBADF") {
  Hart h = syscall(64, 64, 1, kBuffer, 5);
  h.poke(kBuffer, faultline::as_bytes("hello"));
  h.run_code(1);
  CHECK(result(h) == 5);
  CHECK(text_of(h.outputs.by_fd[0]) == "hello");
  CHECK(h.proof_bytes == 32 * 60);  // output needs no memory proof: only the instruction's
  h.x(10) = 2;
  h.x(12) = 2;
  h.run_code(1);
  CHECK(text_of(h.outputs.by_fd[1]) == "he");
  h.x(10) = 9;
  h.run_code(1);
  CHECK(result(h) == -9);
}

TEST_CASE("exit and exit_group halt with the low byte of a0") {
  for (const std::uint64_t number : {93u, 94u}) {
    Hart h = syscall(32, number, 0x1ff, 0, 0);
    h.run_code(1);
    CHECK(h.state.status == faultline::VmStatus::exited_failure);
    CHECK(h.state.exit_code == 0xff);
    CHECK(h.step() == faultline::riscv::StepOutcome::halted);
  }
  Hart ok = syscall(64, 93, 0x100, 0, 0);
  ok.run_code(1);
  CHECK(ok.state.status == faultline::VmStatus::exited_ok);
}

TEST_CASE("brk, mmap and munmap manage memory deterministically") {
  Hart h = syscall(64, 214, 0, 0, 0);
  h.run_code(1);
  CHECK(h.x(10) == 0x10'0000);
  h.x(10) = 0x20'0000;
  h.run_code(1);
  CHECK(h.x(10) == 0x20'0000);
  CHECK(h.state.heap == 0x20'0000);
  h.x(10) = faultline::riscv::kAddressMap64.mmap_base + 0x1000;  // into the mmap area: refused
  h.run_code(1);
  CHECK(h.x(10) == 0x20'0000);
  CHECK(h.state.heap == 0x20'0000);

  Hart m = syscall(64, 222, 0, 5000, 3, 0x22);  // MAP_PRIVATE | MAP_ANONYMOUS
  m.run_code(1);
  CHECK(m.x(10) == faultline::riscv::kAddressMap64.mmap_base);
  CHECK(m.state.mmap_next == faultline::riscv::kAddressMap64.mmap_base + 8192);
  m.x(10) = 0;
  m.x(13) = 0x2;  // a file mapping
  m.run_code(1);
  CHECK(result(m) == -19);
  m.x(17) = 215;
  m.run_code(1);
  CHECK(result(m) == 0);

  Hart huge = syscall(32, 222, 0, 0xf000'0000, 3, 0x22);
  huge.run_code(1);
  CHECK(result(huge) == -12);
}

TEST_CASE("clock_gettime derives time from the step counter, unknown calls are ENOSYS") {
  Hart h = syscall(64, 113, 1, kBuffer + 24, 0);  // the timespec straddles two leaves
  h.state.step = 3'000'000'007;
  h.run_code(1);
  CHECK(result(h) == 0);
  CHECK(h.peek(kBuffer + 24, 8) == 3);
  CHECK(h.peek(kBuffer + 32, 8) == 7);
  Hart unknown = syscall(32, 999, 0, 0, 0);
  unknown.run_code(1);
  CHECK(result(unknown) == -38);
}

TEST_CASE("clock_gettime past the memory limit keeps the store before the refused one") {
  Hart h = syscall(64, 113, 1, kBuffer + 0xff8, 0);  // tv_nsec lands in the all-zero next page
  h.poke(kBuffer, Bytes{1});
  h.state.memory_limit = 2;
  h.state.step = 5'000'000'007;
  REQUIRE(h.step() == faultline::riscv::StepOutcome::executed);
  CHECK(h.state.fault_cause == faultline::riscv::FaultCause::memory_limit);
  CHECK(h.state.fault_value == kBuffer + 0x1000);
  CHECK(h.peek(kBuffer + 0xff8, 8) == 5);
  CHECK(h.peek(kBuffer + 0x1000, 8) == 0);
  CHECK(h.x(10) == 1);  // a0 is not written
}

TEST_CASE("a preimage read past the memory limit faults at the buffer") {
  Hart h = syscall(64, 63, 5, 0x5000, 8);
  h.state.preimage_key = h.oracle.add(Bytes(3, 0xab));
  h.state.memory_limit = 1;  // the code page
  REQUIRE(h.step() == faultline::riscv::StepOutcome::executed);
  CHECK(h.state.fault_cause == faultline::riscv::FaultCause::memory_limit);
  CHECK(h.state.fault_value == 0x5000);
  CHECK(h.state.preimage_offset == 0);
  CHECK(h.x(10) == 5);
  CHECK(h.peek(0x5000, 8) == 0);
}

TEST_CASE("the preimage channels: key written in parts, data read leaf by leaf") {
  const Bytes data(50, 0xab);
  Hart h(64, assemble(64, {"ecall", "ecall", "ecall", "ecall", "ecall", "ecall", "ecall", "ecall",
                           "ecall", "ecall"}));
  const faultline::PreimageKey key = h.oracle.add(data);
  h.poke(kBuffer + 16, key);  // the key straddles two leaves: written in two parts
  h.x(17) = 64;
  h.x(10) = 6;
  h.x(11) = kBuffer + 16;
  h.x(12) = 32;
  h.run_code(1);
  CHECK(result(h) == 16);
  h.x(10) = 6;
  h.x(11) = kBuffer + 32;
  h.x(12) = 16;
  h.run_code(1);
  CHECK(result(h) == 16);
  CHECK(h.state.preimage_key == key);

  // Read everything into kBuffer + 0x104: 8 length bytes then 50 data bytes, at most one
  // 32-byte part of the stream and one memory leaf per step.
  h.x(17) = 63;
  std::uint64_t at = 0x104;
  std::vector<std::int64_t> counts;
  for (int i = 0; i < 4; ++i) {
    h.x(10) = 5;
    h.x(11) = kBuffer + at;
    h.x(12) = 100;
    h.run_code(1);
    counts.push_back(result(h));
    at += h.x(10);
  }
  // 28: the memory leaf ends; 4: the stream part ends; 26: the stream ends; 0: end of data.
  CHECK(counts == std::vector<std::int64_t>{28, 4, 26, 0});
  CHECK(h.peek(kBuffer + 0x104, 8) == 0x3200'0000'0000'0000);  // 50, big-endian
  CHECK(h.peek(kBuffer + 0x10c, 8) == 0xabab'abab'abab'abab);
  CHECK(h.peek(kBuffer + 0x104 + 57, 1) == 0xab);
  CHECK(h.peek(kBuffer + 0x104 + 58, 1) == 0);
}

TEST_CASE("a missing preimage blocks the step without changing the state") {
  Hart h = syscall(64, 63, 5, kBuffer, 8);
  auto before = h.state;
  CHECK(h.step() == faultline::riscv::StepOutcome::blocked);
  before.memory_root = h.state.memory_root;
  before.pages_in_use = h.state.pages_in_use;
  CHECK(h.state == before);
}
