// Bad ELF files get clear errors, never a crash; a mutated file either loads and runs or is
// rejected.
#include <catch2/catch.hpp>
#include <random>

#include "guest_programs.hpp"

namespace {

using namespace faultline;

Bytes elf_bytes(unsigned xlen, const char* name) {
  auto bytes = read_file(test::guest_elf(xlen, name));
  REQUIRE(bytes.ok());
  return *bytes;
}

void put(Bytes& bytes, std::size_t offset, std::uint64_t value, unsigned size) {
  for (unsigned i = 0; i < size; ++i)
    bytes.at(offset + i) = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint64_t get(const Bytes& bytes, std::size_t offset, unsigned size) {
  std::uint64_t value = 0;
  for (unsigned i = 0; i < size; ++i)
    value |= std::uint64_t{bytes[offset + i]} << (8 * i);
  return value;
}

/// Offset of the first PT_LOAD program header.
std::size_t first_load_header(const Bytes& elf, unsigned xlen) {
  const std::size_t phoff = get(elf, xlen == 32 ? 28 : 32, xlen == 32 ? 4 : 8);
  const std::size_t size = get(elf, xlen == 32 ? 42 : 54, 2);
  for (std::size_t at = phoff;; at += size) {
    if (get(elf, at, 4) == 1) return at;
  }
}

Error rejection(unsigned xlen, const Bytes& file) {
  auto program = riscv::make_backend(xlen)->load(file);
  REQUIRE_FALSE(program.ok());
  return program.error();
}

bool mentions(const Error& error, const std::string& text) {
  return error.message.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("files that are not RISC-V executables are rejected with a reason") {
  CHECK(rejection(64, {}).code == Errc::malformed_input);
  CHECK(mentions(rejection(64, Bytes{'h', 'e', 'l', 'l', 'o'}), "not an ELF file"));

  const Error wrong_class = rejection(32, elf_bytes(64, "fib"));
  CHECK(wrong_class.code == Errc::unsupported);
  CHECK(mentions(wrong_class, "64-bit"));

  Bytes x86 = elf_bytes(64, "fib");
  put(x86, 18, 62, 2);  // EM_X86_64
  CHECK(mentions(rejection(64, x86), "not RISC-V"));

  Bytes shared = elf_bytes(64, "fib");
  put(shared, 16, 3, 2);  // ET_DYN
  CHECK(mentions(rejection(64, shared), "static"));

  Bytes hard_float = elf_bytes(32, "fib");
  put(hard_float, 36, get(hard_float, 36, 4) | 0x4, 4);  // EF_RISCV_FLOAT_ABI_DOUBLE
  CHECK(mentions(rejection(32, hard_float), "hard-float"));
}

TEST_CASE("truncated files, stray segments and entry points outside code are rejected") {
  for (const unsigned xlen : {32u, 64u}) {
    INFO("RV" << xlen);
    const Bytes elf = elf_bytes(xlen, "fib");
    const std::size_t load = first_load_header(elf, xlen);
    const bool narrow = xlen == 32;

    // Cut inside the first segment's bytes.
    const std::size_t offset = get(elf, load + (narrow ? 4 : 8), narrow ? 4 : 8);
    const std::size_t file_size = get(elf, load + (narrow ? 16 : 32), narrow ? 4 : 8);
    Bytes truncated(elf.begin(),
                    elf.begin() + static_cast<std::ptrdiff_t>(offset + file_size / 2 + 1));
    const Error cut = rejection(xlen, truncated);
    CHECK(cut.code == Errc::malformed_input);
    CHECK(mentions(cut, "truncated"));

    Bytes stray = elf;
    put(stray, load + (narrow ? 8 : 16), narrow ? 0xf000'0000 : 0x7f'ffff'0000, narrow ? 4 : 8);
    const Error outside = rejection(xlen, stray);
    CHECK(outside.code == Errc::out_of_range);
    CHECK(mentions(outside, "does not fit"));

    Bytes wild_entry = elf;
    put(wild_entry, 24, 0x0123'4560, narrow ? 4 : 8);
    CHECK(mentions(rejection(xlen, wild_entry), "entry point"));

    // Stricter than libelf, as Linux is: the class's program header size, no overlap.
    Bytes wide_headers = elf;
    put(wide_headers, narrow ? 42 : 54, narrow ? 40 : 64, 2);
    const Error entry_size = rejection(xlen, wide_headers);
    CHECK(entry_size.code == Errc::malformed_input);
    CHECK(mentions(entry_size, "program header entries are"));

    Bytes overlapping = elf;
    const std::size_t header_size = narrow ? 32 : 56;
    std::size_t second = load + header_size;
    while (get(overlapping, second, 4) != 1)
      second += header_size;                                                // the next PT_LOAD
    put(overlapping, second + (narrow ? 8 : 16), 0x10100, narrow ? 4 : 8);  // inside the first
    const Error overlap = rejection(xlen, overlapping);
    CHECK(overlap.code == Errc::malformed_input);
    CHECK(mentions(overlap, "overlap"));

    Bytes huge_file_size = elf;
    put(huge_file_size, load + (narrow ? 16 : 32), narrow ? 0xffff'fff0 : 0xffff'ffff'ffff'fff0,
        narrow ? 4 : 8);
    CHECK(rejection(xlen, huge_file_size).code == Errc::malformed_input);
  }
}

TEST_CASE("randomly mutated ELF files never crash the loader or the machine") {
  std::mt19937_64 rng(11);
  for (const unsigned xlen : {32u, 64u}) {
    const auto backend = riscv::make_backend(xlen);
    const Bytes elf = elf_bytes(xlen, "fib");
    int loaded = 0;
    for (int trial = 0; trial < 300; ++trial) {
      Bytes mutated = elf;
      const int flips = 1 + static_cast<int>(rng() % 8);
      for (int f = 0; f < flips; ++f) {
        // Bias towards the headers, where the interesting checks are.
        const std::size_t at = rng() % 2 ? rng() % 256 : rng() % mutated.size();
        mutated[at] = static_cast<std::uint8_t>(rng());
      }
      auto program = backend->load(mutated);
      if (!program) continue;
      ++loaded;
      auto machine = (*program)->start(std::make_shared<InMemoryPreimageOracle>());
      REQUIRE(machine->run(20'000).ok());
      (void)machine->commitment();
    }
    CHECK(loaded > 0);
  }
}
