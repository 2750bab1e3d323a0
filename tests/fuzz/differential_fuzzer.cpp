// Random programs for each profile, built from the fuzz input: raw instruction words, words
// with a valid major opcode, register loads, system calls and the preimage channel (the
// guest writing a key, then reading the preimage at offsets). Each program runs at full speed
// and one witnessed step at a time, every witness checked by the step verifier; the paths must
// agree on every step, some programs under a memory limit of a few pages. Built with
// FAULTLINE_FUZZ_PREIMAGE_STREAM, the programs use only the preimage and hint channels (the
// preimage_stream fuzzer).
#include <array>

#include "fuzz_support.hpp"

namespace {

using namespace faultline;
using fuzz::Arch;
using fuzz::kDataAddress;
using fuzz::kDataSize;

#ifdef FAULTLINE_FUZZ_PREIMAGE_STREAM
constexpr bool kPreimageStreamOnly = true;
#else
constexpr bool kPreimageStreamOnly = false;
#endif
constexpr std::uint64_t kMaxSteps = 2048;
constexpr std::size_t kMaxCode = 4096;
// Channels of the guest runtime (framework/guest): hint read/write, preimage read/write.
constexpr std::uint32_t kHintRead = 3, kHintWrite = 4, kPreimageRead = 5, kPreimageWrite = 6;
// Where the data segment keeps the keys the guest can write into its preimage channel.
constexpr std::uint32_t kKeys = 0, kKeyCount = 3, kScratch = 128;

std::uint32_t riscv_major(std::uint8_t pick) {
  static constexpr std::array<std::uint32_t, 14> kMajor = {
      0x03, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x2f, 0x33, 0x37, 0x3b, 0x63, 0x67, 0x6f, 0x73};
  return kMajor[pick % kMajor.size()];
}

std::uint32_t mips_major(std::uint8_t pick) {
  static constexpr std::array<std::uint32_t, 44> kMajor = {
      0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
      0x0f, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1f, 0x20, 0x21, 0x22, 0x23,
      0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x30, 0x37, 0x3f};
  return kMajor[pick % kMajor.size()];
}

/// Linux system calls the VMs implement, in the profile's numbering.
std::uint32_t syscall_number(const fuzz::Profile& profile, std::uint8_t pick) {
  static constexpr std::array<std::uint32_t, 8> kRiscv = {63, 64, 214, 222, 215, 113, 94, 403};
  static constexpr std::array<std::uint32_t, 8> kO32 = {4003, 4004, 4045, 4090,
                                                        4091, 4263, 4246, 4210};
  static constexpr std::array<std::uint32_t, 8> kN64 = {5000, 5001, 5012, 5009,
                                                        5011, 5222, 5205, 5242};
  const auto& table = profile.arch == Arch::riscv ? kRiscv : profile.bits == 32 ? kO32 : kN64;
  return table[pick % table.size()];
}

std::uint32_t data_address(fuzz::Input& input) {
  return static_cast<std::uint32_t>(kDataAddress + input.u16() % kDataSize);
}

/// The guest writes key `pick` (or a part of it) into the preimage channel, then reads.
void preimage_exchange(const fuzz::Profile& profile, fuzz::CodeWriter& code, fuzz::Input& input) {
  const bool riscv = profile.arch == Arch::riscv;
  const std::uint32_t read = riscv ? 63 : profile.bits == 32 ? 4003 : 5000;
  const std::uint32_t write = riscv ? 64 : profile.bits == 32 ? 4004 : 5001;
  const std::uint8_t how = input.byte();
  const std::uint32_t key =
      static_cast<std::uint32_t>(kDataAddress + kKeys + 32 * (how % kKeyCount));
  switch (how / kKeyCount % 4) {
    case 0:  // a whole key
      code.syscall(write, kPreimageWrite, key, 32);
      break;
    case 1:  // part of a key, from anywhere in the data
      code.syscall(write, kPreimageWrite, data_address(input), input.byte() % 40);
      break;
    case 2:  // a hint, which the host may ignore
      code.syscall(write, kHintWrite, data_address(input), input.byte());
      break;
    default:  // hints are never readable back
      code.syscall(read, kHintRead, data_address(input), input.byte());
      break;
  }
  const std::uint32_t reads = input.byte() % 4;
  for (std::uint32_t i = 0; i < reads; ++i) {
    const std::uint32_t size = input.byte() % 2 ? input.byte() : input.u16();
    code.syscall(read, kPreimageRead, static_cast<std::uint32_t>(kDataAddress + kScratch), size);
  }
}

void random_chunk(const fuzz::Profile& profile, fuzz::CodeWriter& code, fuzz::Input& input) {
  const bool riscv = profile.arch == Arch::riscv;
  switch (input.byte() % 8) {
    case 0:
    case 1:  // any word (on RISC-V also a pair of compressed instructions)
      code.word(input.u32());
      break;
    case 2:
    case 3: {  // a word with a major opcode the ISA has
      const std::uint32_t word = input.u32();
      const std::uint8_t pick = input.byte();
      code.word(riscv ? (word & ~0x7fu) | riscv_major(pick)
                      : (word & 0x03ff'ffffu) | mips_major(pick) << 26);
      break;
    }
    case 4: {  // a register: an address in the data, or any value
      const unsigned reg = input.byte();
      code.set(reg, reg & 0x20 ? data_address(input) : input.u32());
      break;
    }
    case 5: {  // a system call with arguments near the data
      const std::uint32_t number = syscall_number(profile, input.byte());
      const std::uint32_t fd = input.byte() % 8;
      code.syscall(number, fd, data_address(input), input.byte());
      break;
    }
    case 6:
      preimage_exchange(profile, code, input);
      break;
    default:
      code.exit();
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input input(ByteView(data, size));
  const auto& profile = fuzz::profiles()[input.byte() % fuzz::profiles().size()];
  // One input in four runs under a memory limit a few pages above the program's image (code,
  // data: at most three pages), so that stores to fresh pages reach it.
  const std::uint8_t limit_pick = input.byte();
  const std::unique_ptr<Backend> limited =
      limit_pick % 4 == 0 ? fuzz::make_backend(profile, 3 + limit_pick / 4 % 6) : nullptr;
  const Backend& backend = limited ? *limited : *profile.backend;

  // The oracle holds the program's input and one more preimage; a third key has none, so a
  // read of it blocks both paths at the same step.
  auto oracle = std::make_shared<InMemoryPreimageOracle>();
  oracle->set_program_input(fuzz::bytes_of(input.take(input.byte())));
  const PreimageKey present = oracle->add(fuzz::bytes_of(input.take(input.u16() % 2048)));
  const PreimageKey absent = keccak_preimage_key(as_bytes("no such preimage"));
  Bytes memory;
  for (const PreimageKey& key : {local_preimage_key(kProgramInputSlot), present, absent})
    memory.insert(memory.end(), key.begin(), key.end());
  memory.resize(kScratch, 0);

  fuzz::CodeWriter code(profile);
  while (!input.empty() && code.size() < kMaxCode) {
    if (kPreimageStreamOnly) {
      preimage_exchange(profile, code, input);
    } else {
      random_chunk(profile, code, input);
    }
  }
  code.exit();

  auto program = backend.load(fuzz::build_elf(profile, code.code(), memory));
  fuzz::expect(program.ok(), "a built program does not load");
  fuzz::check_paths_agree(backend, **program, oracle, kMaxSteps);
  return 0;
}
