// Bad MIPS ELF files get clear errors, never a crash (the loader is the framework's, checked
// against the MIPS ElfTarget); a mutated file either loads and runs or is rejected.
#include <catch2/catch.hpp>
#include <random>

#include "guests.hpp"

namespace {

using namespace faultline;

Bytes elf_bytes(unsigned bits, const char* name) {
  auto bytes = read_file(test::mips_guest(bits, name));
  REQUIRE(bytes.ok());
  return *bytes;
}

Error rejection(unsigned bits, const Bytes& file) {
  auto program = mips::make_backend(bits)->load(file);
  REQUIRE_FALSE(program.ok());
  return program.error();
}

bool mentions(const Error& error, const std::string& text) {
  return error.message.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("files that are not MIPS executables for the profile are rejected with a reason") {
  CHECK(mentions(rejection(32, Bytes{'h', 'i'}), "not an ELF file"));
  CHECK(mentions(rejection(32, elf_bytes(64, "fib")), "64-bit"));
  Bytes little = elf_bytes(32, "fib");
  little[5] = 1;  // EI_DATA: ELFDATA2LSB
  CHECK(rejection(32, little).code == Errc::unsupported);
  Bytes r6 = elf_bytes(32, "fib");
  r6[36] =
      static_cast<std::uint8_t>((r6[36] & 0x0f) | 0x90);  // e_flags arch: MIPS32r6 (big-endian)
  CHECK(mentions(rejection(32, r6), "release 6"));
  Bytes x86 = elf_bytes(64, "fib");
  x86[18] = 0;  // e_machine, big-endian: 62 (x86-64)
  x86[19] = 62;
  CHECK(mentions(rejection(64, x86), "not MIPS"));
  Bytes misaligned_entry = elf_bytes(32, "fib");
  misaligned_entry[27] |= 2;  // e_entry's low byte (big-endian)
  CHECK(mentions(rejection(32, misaligned_entry), "entry point"));
}

TEST_CASE("randomly mutated MIPS ELF files never crash the loader or the machine") {
  std::mt19937_64 rng(12);
  for (const unsigned bits : {32u, 64u}) {
    const auto backend = mips::make_backend(bits);
    const Bytes elf = elf_bytes(bits, "fib");
    int loaded = 0;
    for (int trial = 0; trial < 300; ++trial) {
      Bytes mutated = elf;
      const int flips = 1 + static_cast<int>(rng() % 8);
      for (int f = 0; f < flips; ++f) {
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
