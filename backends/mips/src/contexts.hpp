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
  Bytes& proofs;
  std::optional<PreimageRead>& preimage_read;
  LeafProofs proven;

  RecordingContext(State& s, MerkleMemory& m, const PreimageOracle& o, Outputs& out,
                   DecodeCache& cache, Bytes& p, std::optional<PreimageRead>& read)
      : MemoryContext(s, m, o, out, cache), proofs(p), preimage_read(read) {}

  std::uint32_t fetch32(std::uint64_t address) {
    (void)touch(address);
    return MemoryContext::fetch32(address);
  }

  std::uint64_t load(std::uint64_t address, unsigned size) {
    (void)touch(address);
    return MemoryContext::load(address, size);
  }

  bool store(std::uint64_t address, unsigned size, std::uint64_t value) {
    const int slot = touch(address);  // a refused store needs its proof too: it shows the page zero
    if (!MemoryContext::store(address, size, value)) return false;
    proven.after_write(slot);
    return true;
  }

  const ByteView* preimage(const Hash& key) {
    preimage_read = PreimageRead{key, state.preimage_offset};
    return MemoryContext::preimage(key);
  }

 private:
  int touch(std::uint64_t address) {
    const std::uint64_t leaf = address >> MerkleMemory::kLeafBits;
    const int slot = proven.find(leaf);
    if (slot >= 0) return slot;
    const Bytes proof = memory.proof(address).encode();
    proofs.insert(proofs.end(), proof.begin(), proof.end());
    return proven.add(leaf);
  }
};

/// Memory reconstructed from proofs only. The first failure is kept in `error`; after it the
/// context returns zeros so the step finishes harmlessly, and the caller reports the error.
struct ReplayContext {
  State& state;
  ByteView proofs;
  const PreimageOracle& oracle;
  std::optional<Error> error;
  std::size_t cursor = 0;
  std::size_t proofs_used = 0;
  ByteView preimage_data;

  ReplayContext(State& s, ByteView p, const PreimageOracle& o)
      : state(s), proofs(p), oracle(o), height_(s.bits - MerkleMemory::kLeafBits) {}

  std::uint32_t fetch32(std::uint64_t address) {
    return static_cast<std::uint32_t>(load(address, 4));
  }

  std::uint64_t load(std::uint64_t address, unsigned size) {
    const Hash& leaf = leaf_for(address).value;
    std::uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i)
      value = value << 8 | leaf[address % 32 + i];
    return value;
  }

  bool store(std::uint64_t address, unsigned size, std::uint64_t value) {
    ProvenLeaf& leaf = leaf_for(address);
    Hash after = leaf.value;
    for (unsigned i = 0; i < size; ++i)
      after[address % 32 + i] = static_cast<std::uint8_t>(value >> (8 * (size - 1 - i)));
    const std::uint64_t index = address >> MerkleMemory::kLeafBits;
    const auto siblings = std::span(leaf.siblings).first(height_);
    if (!count_page_change(index, leaf.value, after, siblings, state.memory_limit,
                           state.pages_in_use)) {
      return false;
    }
    leaf.value = after;
    state.memory_root = merkle_root_from_proof(index, leaf.value, siblings);
    proven_.after_write(static_cast<int>(&leaf - entries_.data()));
    entries_[0] = leaf;
    return true;
  }

  void write_output(int, std::uint64_t, std::uint64_t) {}

  const ByteView* preimage(const Hash& key) {
    auto data = oracle.get(key);
    if (!data) {
      if (!error) error = data.error();
      return nullptr;
    }
    preimage_data = *data;
    return &preimage_data;
  }

 private:
  struct ProvenLeaf {
    Hash value{};
    std::array<Hash, 59> siblings{};
  };

  ProvenLeaf& leaf_for(std::uint64_t address) {
    const std::uint64_t leaf_index = address >> MerkleMemory::kLeafBits;
    const int found = proven_.find(leaf_index);
    if (found >= 0) return entries_[static_cast<std::size_t>(found)];
    ProvenLeaf& entry = entries_[static_cast<std::size_t>(proven_.add(leaf_index))];
    entry = ProvenLeaf{};
    const std::size_t size = std::size_t{32} * (1 + height_);
    ++proofs_used;
    if (error) return entry;
    const std::string which = "proof for memory access " + std::to_string(proofs_used) +
                              " (leaf at " + hex_number(leaf_index << MerkleMemory::kLeafBits) +
                              ")";
    if (proofs.size() - cursor < size) {
      error = Error{Errc::malformed_input, which + " is missing or truncated"};
      return entry;
    }
    std::memcpy(entry.value.data(), proofs.data() + cursor, 32);
    std::memcpy(entry.siblings.data(), proofs.data() + cursor + 32, std::size_t{32} * height_);
    cursor += size;
    if (merkle_root_from_proof(leaf_index, entry.value, std::span(entry.siblings).first(height_)) !=
        state.memory_root) {
      error = Error{Errc::invalid_proof, which + " does not match the memory root"};
      entry = ProvenLeaf{};
    }
    return entry;
  }

  unsigned height_;
  LeafProofs proven_;
  std::array<ProvenLeaf, LeafProofs::kMaxLeaves> entries_{};
};

}  // namespace faultline::mips
