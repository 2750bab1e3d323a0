// What the fuzzers share: the four VM profiles, a minimal static-executable writer, a reader of
// fuzz input, and the differential check that the fast run, the witness path and the
// off-chain step verifier agree on every step of a program.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "faultline/backend.hpp"
#include "faultline/mips/backend.hpp"
#include "faultline/riscv/backend.hpp"
#include "faultline/step_verifier.hpp"

namespace faultline::fuzz {

/// A failed expectation is a finding: libFuzzer saves the input that reached std::abort.
inline void expect(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz finding: %s\n", what);
  std::abort();
}

inline Bytes bytes_of(ByteView view) {
  return {view.begin(), view.end()};
}

/// The oracle the seed corpora were made with (tools/fuzz/make_seeds.py): program input "fuzz".
inline std::shared_ptr<const PreimageOracle> seed_oracle() {
  static const auto oracle = [] {
    auto made = std::make_shared<InMemoryPreimageOracle>();
    made->set_program_input(bytes_of(as_bytes("fuzz")));
    return made;
  }();
  return oracle;
}

enum class Arch : std::uint8_t { riscv, mips };

struct Profile {
  Arch arch;
  unsigned bits;
  std::unique_ptr<Backend> backend;
};

/// The backend of `arch` and `bits` with guests of `memory_limit` pages.
inline std::unique_ptr<Backend> make_backend(
    Arch arch, unsigned bits, std::uint64_t memory_limit = kDefaultMemoryLimitPages) {
  return arch == Arch::riscv ? riscv::make_backend(bits, memory_limit)
                             : mips::make_backend(bits, memory_limit);
}

/// riscv32, riscv64, mips32, mips64.
inline const std::vector<Profile>& profiles() {
  static const std::vector<Profile> all = [] {
    std::vector<Profile> list;
    for (const Arch arch : {Arch::riscv, Arch::mips})
      for (const unsigned bits : {32u, 64u})
        list.push_back({arch, bits, make_backend(arch, bits)});
    return list;
  }();
  return all;
}

/// The backend of `profile` with guests of `memory_limit` pages.
inline std::unique_ptr<Backend> make_backend(const Profile& profile, std::uint64_t memory_limit) {
  return make_backend(profile.arch, profile.bits, memory_limit);
}

/// Where built programs live: code from kCodeAddress (the entry point), then kDataSize bytes
/// of writable data at kDataAddress, the first of them from the file.
inline constexpr std::uint64_t kCodeAddress = 0x10000;
inline constexpr std::uint64_t kDataAddress = 0x20000;
inline constexpr std::uint64_t kDataSize = 0x1000;

/// A static executable for `profile` with two PT_LOAD segments (code R+X, data R+W).
inline Bytes build_elf(const Profile& profile, ByteView code, ByteView data) {
  const bool wide = profile.bits == 64;
  const bool big = profile.arch == Arch::mips;
  const std::size_t header_size = wide ? 64 : 52;
  const std::size_t entry_size = wide ? 56 : 32;
  const std::size_t code_offset = 0x1000;
  const std::size_t data_offset = code_offset + ((code.size() + 0xfff) & ~std::size_t{0xfff});
  Bytes file(data_offset + data.size(), 0);
  const auto put = [&](std::size_t at, std::uint64_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i)
      file[at + i] = static_cast<std::uint8_t>(value >> 8 * (big ? size - 1 - i : i));
  };
  const unsigned address_size = wide ? 8 : 4;
  const std::uint8_t elf_class = wide ? 2 : 1, byte_order = big ? 2 : 1;
  const std::uint8_t ident[] = {0x7f, 'E', 'L', 'F', elf_class, byte_order, 1};
  std::copy(std::begin(ident), std::end(ident), file.begin());
  // ELF flags: RVC with the soft-float ABI; MIPS noreorder with o32 (mips32r2) or mips64r2.
  const std::uint32_t riscv_flags = 0x1,
                      mips_flags = profile.bits == 32 ? 0x7000'1001 : 0x8000'0001;
  put(16, 2, 2);  // e_type: EXEC
  put(18, profile.arch == Arch::mips ? 8 : 243, 2);
  put(20, 1, 4);                                      // e_version
  put(24, kCodeAddress, address_size);                // e_entry
  put(24 + address_size, header_size, address_size);  // e_phoff
  const std::size_t at = 24 + 3 * address_size;       // past e_shoff, which stays 0
  const std::uint32_t flags = profile.arch == Arch::riscv ? riscv_flags : mips_flags;
  put(at, flags, 4);
  put(at + 4, header_size, 2);      // e_ehsize
  put(at + 6, entry_size, 2);       // e_phentsize
  put(at + 8, 2, 2);                // e_phnum
  put(at + 10, wide ? 64 : 40, 2);  // e_shentsize (no sections)
  const auto segment = [&](std::size_t index, std::size_t offset, std::uint64_t address,
                           std::size_t file_size, std::uint64_t memory_size, unsigned rights) {
    const std::size_t base = header_size + index * entry_size;
    put(base, 1, 4);  // PT_LOAD
    if (wide) {
      put(base + 4, rights, 4);
      put(base + 8, offset, 8);
      put(base + 16, address, 8);
      put(base + 24, address, 8);
      put(base + 32, file_size, 8);
      put(base + 40, memory_size, 8);
      put(base + 48, 0x1000, 8);
    } else {
      put(base + 4, offset, 4);
      put(base + 8, address, 4);
      put(base + 12, address, 4);
      put(base + 16, file_size, 4);
      put(base + 20, memory_size, 4);
      put(base + 24, rights, 4);
      put(base + 28, 0x1000, 4);
    }
  };
  segment(0, code_offset, kCodeAddress, code.size(), code.size(), 5);  // R+X
  segment(1, data_offset, kDataAddress, data.size(), kDataSize, 6);    // R+W
  std::copy(code.begin(), code.end(), file.begin() + static_cast<std::ptrdiff_t>(code_offset));
  std::copy(data.begin(), data.end(), file.begin() + static_cast<std::ptrdiff_t>(data_offset));
  return file;
}

/// Fuzz input read front to back; past the end every read is zero.
class Input {
 public:
  explicit Input(ByteView bytes) : bytes_(bytes) {}
  [[nodiscard]] bool empty() const noexcept { return at_ >= bytes_.size(); }
  std::uint8_t byte() noexcept { return empty() ? 0 : bytes_[at_++]; }
  std::uint32_t u16() noexcept { return static_cast<std::uint32_t>(byte()) << 8 | byte(); }
  std::uint32_t u32() noexcept { return u16() << 16 | u16(); }
  /// Up to `count` bytes.
  ByteView take(std::size_t count) noexcept {
    const std::size_t size = std::min(count, bytes_.size() - std::min(at_, bytes_.size()));
    const ByteView part = bytes_.subspan(std::min(at_, bytes_.size()), size);
    at_ += size;
    return part;
  }

 private:
  ByteView bytes_;
  std::size_t at_ = 0;
};

/// Instruction encodings for the few forms a built program needs besides raw words.
class CodeWriter {
 public:
  explicit CodeWriter(const Profile& profile) : profile_(profile) {}

  void word(std::uint32_t value) {
    for (unsigned i = 0; i < 4; ++i) {
      const unsigned shift = profile_.arch == Arch::mips ? 8 * (3 - i) : 8 * i;
      code_.push_back(static_cast<std::uint8_t>(value >> shift));
    }
  }
  /// Register `reg` = value (sign-extended from 32 bits on 64-bit profiles).
  void set(unsigned reg, std::uint32_t value) {
    reg %= 32;
    if (profile_.arch == Arch::riscv) {
      const std::uint32_t upper = ((value + 0x800) >> 12) & 0xfffff;
      word(upper << 12 | reg << 7 | 0x37);                        // lui
      word((value & 0xfff) << 20 | reg << 15 | reg << 7 | 0x13);  // addi
    } else {
      word(0x0fu << 26 | reg << 16 | value >> 16);                   // lui
      word(0x0du << 26 | reg << 21 | reg << 16 | (value & 0xffff));  // ori
    }
  }
  /// A system call: number, then up to three arguments.
  void syscall(std::uint32_t number, std::uint32_t a0, std::uint32_t a1, std::uint32_t a2) {
    const bool riscv = profile_.arch == Arch::riscv;
    set(riscv ? 17 : 2, number);
    set(riscv ? 10 : 4, a0);
    set(riscv ? 11 : 5, a1);
    set(riscv ? 12 : 6, a2);
    word(riscv ? 0x0000'0073 : 0x0000'000c);  // ecall / syscall
  }
  /// exit(0)
  void exit() {
    const bool riscv = profile_.arch == Arch::riscv;
    syscall(riscv ? 93 : profile_.bits == 32 ? 4001 : 5058, 0, 0, 0);
  }
  [[nodiscard]] const Bytes& code() const noexcept { return code_; }
  [[nodiscard]] std::size_t size() const noexcept { return code_.size(); }

 private:
  const Profile& profile_;
  Bytes code_;
};

/// Runs `program` for at most `max_steps` twice: at full speed, and one witnessed step at a
/// time, each witness checked by the backend's step verifier. Any disagreement is a finding.
inline void check_paths_agree(const Backend& backend, const Program& program,
                              const std::shared_ptr<const PreimageOracle>& oracle,
                              std::uint64_t max_steps) {
  const auto fast = program.start(oracle);
  const auto fast_run = fast->run(max_steps);

  // Each witness's pre-state must be the previous step's verified post-state, so chaining
  // them checks every step against the machine without hashing its state twice per step.
  const auto stepped = program.start(oracle);
  Hash expected = stepped->commitment();
  bool blocked = false;
  for (std::uint64_t i = 0; i < max_steps && stepped->status() == VmStatus::running; ++i) {
    const auto witness = stepped->step_with_witness();
    if (!witness) {
      blocked = true;
      break;
    }
    const auto verified = verify_step(backend.step_verifier(), expected, *witness, *oracle);
    expect(verified.ok(), "a witness's pre-state is not the verified post-state, or is rejected");
    expected = *verified;
  }
  expect(stepped->commitment() == expected, "the last verified post-state is not the machine's");
  expect(fast_run.ok() != blocked, "only one path blocked on a preimage");
  expect(fast->step_count() == stepped->step_count(), "the paths ran different step counts");
  expect(fast->status() == stepped->status(), "the paths end in different statuses");
  expect(fast->commitment() == stepped->commitment(), "the paths end in different states");
  for (const int fd : {1, 2})
    expect(std::ranges::equal(fast->output(fd), stepped->output(fd)),
           "the paths wrote different output");
}

}  // namespace faultline::fuzz
