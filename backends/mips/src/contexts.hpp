// The contexts the MIPS semantics run in:
//   RunContext       the fast run loop's: cached page pointers, no hashing (run()).
//   MemoryContext    direct access to the machine's memory, page by page.
//   RecordingContext MemoryContext plus a Merkle proof of each leaf as the step first touches
//                    it (step_with_witness()).
//   ReplayContext    memory from the witness's proofs alone, checked against the state's
//                    memory root (the step verifier, and the model for an onchain step).
// Recorder and replayer consume proofs by the framework's LeafProofs rule. Every access is
// aligned to its size, so it lies in one 32-byte leaf and one page.
#pragma once

#include <array>
#include <cstring>
#include <optional>
#include <string>

#include "faultline/merkle_memory.hpp"
#include "faultline/preimage_oracle.hpp"
#include "faultline/run_cache.hpp"
#include "faultline/step_support.hpp"
#include "step.hpp"

namespace faultline::mips {

/// Decoded instructions, one slot per instruction word (run_loop.hpp).
using DecodeCache = faultline::DecodeCache<Fetched, 4>;

/// Direct access to the machine's memory: every access asks MerkleMemory for its page, so
/// root() and proof() may be called between any two accesses.
struct MemoryContext : MachineIo {
  MemoryContext(State& s, MerkleMemory& m, const PreimageOracle& o, Outputs& out,
                DecodeCache& cache)
      : MachineIo(m, o, out), state(s), decoded(cache) {}

  State& state;
  DecodeCache& decoded;

  std::uint32_t fetch32(std::uint64_t address) {
    return static_cast<std::uint32_t>(MemoryContext::load(address, 4));
  }

  std::uint64_t load(std::uint64_t address, unsigned size) {
    const std::uint8_t* bytes = memory.page_for_read(address >> MerkleMemory::kPageBits) +
                                address % MerkleMemory::kPageBytes;
    std::uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i)
      value = value << 8 | bytes[i];
    return value;
  }

  /// Under the memory limit (MerkleMemory::admit): false if refused, nothing written.
  bool store(std::uint64_t address, unsigned size, std::uint64_t value) {
    const std::uint64_t number = address >> MerkleMemory::kPageBits;
    switch (memory.admit(number, significant(value, size) != 0, state.memory_limit)) {
      case MerkleMemory::Admission::refuse:
        return false;
      case MerkleMemory::Admission::skip:
        return true;
      case MerkleMemory::Admission::write:
        break;
    }
    decoded.before_store(number);
    std::uint8_t* bytes = memory.page_for_write(number) + address % MerkleMemory::kPageBytes;
    for (unsigned i = 0; i < size; ++i)
      bytes[i] = static_cast<std::uint8_t>(value >> (8 * (size - 1 - i)));
    return true;
  }

  /// The `size` low bytes of `value`: the bytes a store writes.
  static std::uint64_t significant(std::uint64_t value, unsigned size) {
    return size == 8 ? value : value & ((std::uint64_t{1} << (8 * size)) - 1);
  }
};

/// The fast run loop's context: page-pointer caches for loads and stores, and a copy of the
/// state inside the context, so the loop reaches the registers at a fixed offset from one
/// pointer; run_fast writes it back. Lives for one run_fast only, with no root(), proof() or
/// snapshot() of the memory while it does (PagePointers).
struct RunContext : MachineIo, RunPosition<Fetched> {
  RunContext(State& s, MerkleMemory& m, const PreimageOracle& o, Outputs& out, DecodeCache& cache)
      : MachineIo(m, o, out), state(s), decoded(cache), pages(m, cache), home_(s) {}

  State state;
  DecodeCache& decoded;
  PagePointers<DecodeCache> pages;

  void write_back() { home_ = state; }

  std::uint32_t fetch32(std::uint64_t address) {
    return static_cast<std::uint32_t>(load(address, 4));
  }

  // Aligned accesses never cross a page. Big-endian guest on a little-endian host.
  FAULTLINE_MIPS_INLINE std::uint64_t load(std::uint64_t address, unsigned size) {
    const std::uint8_t* bytes = pages.for_aligned_read(address);
    if (bytes == nullptr) [[unlikely]]
      bytes = load_slow(address, size);
    std::uint64_t value = 0;
    std::memcpy(&value, bytes, size);
    return __builtin_bswap64(value) >> (64 - 8 * size);
  }

  FAULTLINE_MIPS_INLINE bool store(std::uint64_t address, unsigned size, std::uint64_t value) {
    if (std::uint8_t* bytes = pages.for_aligned_write(address)) [[likely]] {
      put(bytes, size, value);  // a cached page is held: never refused
      return true;
    }
    return store_slow(address, size, value);
  }

 private:
  __attribute__((noinline)) const std::uint8_t* load_slow(std::uint64_t address, unsigned size) {
    pages.fill_read(address >> MerkleMemory::kPageBits);
    return pages.for_read(address, size);
  }
  FAULTLINE_MIPS_INLINE static void put(std::uint8_t* bytes, unsigned size, std::uint64_t value) {
    const std::uint64_t swapped = __builtin_bswap64(value << (64 - 8 * size));
    std::memcpy(bytes, &swapped, size);
  }

  __attribute__((noinline)) bool store_slow(std::uint64_t address, unsigned size,
                                            std::uint64_t value) {
    switch (pages.admit_write(address >> MerkleMemory::kPageBits,
                              MemoryContext::significant(value, size) != 0, state.memory_limit)) {
      case MerkleMemory::Admission::refuse:
        return false;
      case MerkleMemory::Admission::skip:
        return true;
      case MerkleMemory::Admission::write:
        break;
    }
    put(pages.for_write(address, size), size, value);
    return true;
  }

  State& home_;
};

/// MemoryContext that also writes the witness's proofs, in the order the step needs them.
struct RecordingContext : MemoryContext {
  LeafRecorder recorder;

  RecordingContext(State& s, MerkleMemory& m, const PreimageOracle& o, Outputs& out,
                   DecodeCache& cache, Bytes& proofs, std::vector<PreimageRead>& reads)
      : MemoryContext(s, m, o, out, cache), recorder(m, proofs, reads) {}

  std::uint32_t fetch32(std::uint64_t address) {
    (void)recorder.touch(address);
    return MemoryContext::fetch32(address);
  }

  std::uint64_t load(std::uint64_t address, unsigned size) {
    (void)recorder.touch(address);
    return MemoryContext::load(address, size);
  }

  bool store(std::uint64_t address, unsigned size, std::uint64_t value) {
    // A refused store needs its proof too: it shows the page zero.
    const int slot = recorder.touch(address);
    if (!MemoryContext::store(address, size, value)) return false;
    recorder.wrote(slot);
    return true;
  }

  const ByteView* preimage(const Hash& key) {
    recorder.read_preimage({key, state.preimage_offset});
    return MemoryContext::preimage(key);
  }
};

/// Memory reconstructed from proofs only (LeafReplayer); big-endian bytes of its leaves.
struct ReplayContext {
  State& state;
  const PreimageOracle& oracle;
  LeafReplayer memory;
  ByteView preimage_data;

  ReplayContext(State& s, ByteView proofs, const PreimageOracle& o)
      : state(s),
        oracle(o),
        memory(proofs, s.bits - MerkleMemory::kLeafBits, s.memory_root, s.memory_limit,
               s.pages_in_use) {}

  [[nodiscard]] const std::optional<Error>& error() const noexcept { return memory.error(); }

  std::uint32_t fetch32(std::uint64_t address) {
    return static_cast<std::uint32_t>(load(address, 4));
  }

  std::uint64_t load(std::uint64_t address, unsigned size) {
    const Hash& leaf = memory.leaf(address);
    std::uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i)
      value = value << 8 | leaf[address % 32 + i];
    return value;
  }

  bool store(std::uint64_t address, unsigned size, std::uint64_t value) {
    Hash after = memory.leaf(address);
    for (unsigned i = 0; i < size; ++i)
      after[address % 32 + i] = static_cast<std::uint8_t>(value >> (8 * (size - 1 - i)));
    return memory.write(address, after);
  }

  void write_output(int, std::uint64_t, std::uint64_t) {}

  const ByteView* preimage(const Hash& key) {
    auto data = oracle.get(key);
    if (!data) {
      memory.fail(data.error());
      return nullptr;
    }
    preimage_data = *data;
    return &preimage_data;
  }
};

}  // namespace faultline::mips
