// The contexts the RISC-V semantics run in:
//   RunContext       the fast run loop's: cached page pointers, no hashing (run()).
//   MemoryContext    direct access to the machine's memory, page by page.
//   RecordingContext MemoryContext plus a Merkle proof of each leaf as the step first touches
//                    it (step_with_witness()).
//   ReplayContext    memory from the witness's proofs alone, checked against the state's
//                    memory root (the step verifier, and the model for the onchain step).
// Recorder and replayer consume proofs by the framework's LeafProofs rule, so they cannot
// disagree about which proof belongs to which access.
#pragma once

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string>

#include "faultline/merkle_memory.hpp"
#include "faultline/preimage_oracle.hpp"
#include "faultline/riscv/state.hpp"
#include "faultline/run_cache.hpp"
#include "faultline/step_support.hpp"
#include "step.hpp"

namespace faultline::riscv {

/// Decoded instructions, one slot per two bytes of code (run_loop.hpp).
using DecodeCache = faultline::DecodeCache<Fetched, 2>;

/// Direct access to the machine's memory: every access asks MerkleMemory for its page, so
/// root() and proof() may be called between any two accesses.
struct MemoryContext : MachineIo {
  MemoryContext(State& s, MerkleMemory& m, const PreimageOracle& o, Outputs& out,
                DecodeCache& cache)
      : MachineIo(m, o, out), state(s), decoded(cache) {}

  State& state;
  DecodeCache& decoded;

  FAULTLINE_INLINE std::uint16_t fetch16(std::uint64_t address) {
    return fetch16_from(memory, address);
  }
  std::uint64_t load(std::uint64_t address, unsigned size) {
    return load_from(memory, address, size);
  }
  bool store(std::uint64_t address, unsigned size, std::uint64_t value) {
    return store_to(memory, decoded, address, size, value, state.memory_limit);
  }

  // The accesses themselves, for any context with the memory at hand.
  FAULTLINE_INLINE static std::uint16_t fetch16_from(MerkleMemory& memory, std::uint64_t address) {
    const std::uint8_t* page = memory.page_for_read(address >> MerkleMemory::kPageBits);
    const std::size_t offset = address % MerkleMemory::kPageBytes;  // even: never straddles
    return static_cast<std::uint16_t>(page[offset] | page[offset + 1] << 8);
  }

  static std::uint64_t load_from(MerkleMemory& memory, std::uint64_t address, unsigned size) {
    std::uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i) {
      const std::uint64_t at = address + i;
      value |= std::uint64_t{memory.page_for_read(
                   at >> MerkleMemory::kPageBits)[at % MerkleMemory::kPageBytes]}
               << (8 * i);
    }
    return value;
  }

  /// Stores page part by page part under the memory limit (MerkleMemory::admit): a refused
  /// part ends the store, returning false, and the parts before it stay written.
  static bool store_to(MerkleMemory& memory, DecodeCache& decoded, std::uint64_t address,
                       unsigned size, std::uint64_t value, std::uint64_t limit) {
    return for_each_page_part(
        address, size, value, [&](std::uint64_t at, unsigned count, std::uint64_t part) {
          const std::uint64_t number = at >> MerkleMemory::kPageBits;
          const MerkleMemory::Admission admission = memory.admit(number, part != 0, limit);
          if (admission == MerkleMemory::Admission::write) {
            decoded.before_store(number);
            std::uint8_t* bytes = memory.page_for_write(number) + at % MerkleMemory::kPageBytes;
            for (unsigned i = 0; i < count; ++i)
              bytes[i] = static_cast<std::uint8_t>(part >> (8 * i));
          }
          return admission != MerkleMemory::Admission::refuse;
        });
  }

  /// Splits a little-endian store of `size` bytes into the parts that lie in one page:
  /// fn(part_address, part_size, part_value) returns false to stop.
  template <class Fn>
  static bool for_each_page_part(std::uint64_t address, unsigned size, std::uint64_t value,
                                 Fn&& fn) {
    unsigned done = 0;
    while (done < size) {
      const std::uint64_t at = address + done;
      const unsigned count =
          std::min<unsigned>(size - done, MerkleMemory::kPageBytes -
                                              static_cast<unsigned>(at % MerkleMemory::kPageBytes));
      const std::uint64_t part = value >> (8 * done);
      if (!fn(at, count, count == 8 ? part : part & ((std::uint64_t{1} << (8 * count)) - 1))) {
        return false;
      }
      done += count;
    }
    return true;
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

  FAULTLINE_INLINE std::uint16_t fetch16(std::uint64_t address) {
    return MemoryContext::fetch16_from(memory, address);
  }

  FAULTLINE_INLINE std::uint64_t load(std::uint64_t address, unsigned size) {
    if (const std::uint8_t* bytes = pages.for_read(address, size)) [[likely]] {
      std::uint64_t value = 0;
      std::memcpy(&value, bytes, size);  // little-endian host (state.cpp checks)
      return value;
    }
    return load_slow(address, size);
  }

  FAULTLINE_INLINE bool store(std::uint64_t address, unsigned size, std::uint64_t value) {
    if (std::uint8_t* bytes = pages.for_write(address, size)) [[likely]] {
      std::memcpy(bytes, &value, size);  // a cached page is held: never refused
      return true;
    }
    return store_slow(address, size, value);
  }

 private:
  __attribute__((noinline)) std::uint64_t load_slow(std::uint64_t address, unsigned size) {
    pages.fill_read(address >> MerkleMemory::kPageBits);
    return MemoryContext::load_from(memory, address, size);
  }

  __attribute__((noinline)) bool store_slow(std::uint64_t address, unsigned size,
                                            std::uint64_t value) {
    return MemoryContext::for_each_page_part(
        address, size, value, [&](std::uint64_t at, unsigned count, std::uint64_t part) {
          switch (pages.admit_write(at >> MerkleMemory::kPageBits, part != 0, state.memory_limit)) {
            case MerkleMemory::Admission::refuse:
              return false;
            case MerkleMemory::Admission::skip:
              return true;
            case MerkleMemory::Admission::write:
              break;
          }
          std::memcpy(pages.for_write(at, count), &part, count);  // little-endian host
          return true;
        });
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

  std::uint16_t fetch16(std::uint64_t address) {
    (void)touch(address);
    return MemoryContext::fetch16(address);
  }

  std::uint64_t load(std::uint64_t address, unsigned size) {
    for_each_leaf_part(address, size,
                       [&](std::uint64_t at, unsigned, unsigned) { (void)touch(at); });
    return MemoryContext::load(address, size);
  }

  bool store(std::uint64_t address, unsigned size, std::uint64_t value) {
    return for_each_leaf_part(address, size, [&](std::uint64_t at, unsigned done, unsigned count) {
      const int slot = touch(at);  // a refused part needs its proof too: it shows the page zero
      if (!MemoryContext::store(at, count, value >> (8 * done))) return false;
      proven.after_write(slot);
      return true;
    });
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
      : state(s), proofs(p), oracle(o), height_(s.xlen - MerkleMemory::kLeafBits) {}

  std::uint16_t fetch16(std::uint64_t address) {
    const Hash& leaf = leaf_for(address).value;
    const std::size_t offset = address % 32;
    return static_cast<std::uint16_t>(leaf[offset] | leaf[offset + 1] << 8);
  }

  std::uint64_t load(std::uint64_t address, unsigned size) {
    std::uint64_t value = 0;
    for_each_leaf_part(address, size, [&](std::uint64_t at, unsigned done, unsigned count) {
      const Hash& leaf = leaf_for(at).value;
      for (unsigned i = 0; i < count; ++i) {
        value |= std::uint64_t{leaf[at % 32 + i]} << (8 * (done + i));
      }
    });
    return value;
  }

  bool store(std::uint64_t address, unsigned size, std::uint64_t value) {
    return for_each_leaf_part(address, size, [&](std::uint64_t at, unsigned done, unsigned count) {
      ProvenLeaf& leaf = leaf_for(at);
      Hash after = leaf.value;
      for (unsigned i = 0; i < count; ++i) {
        after[at % 32 + i] = static_cast<std::uint8_t>(value >> (8 * (done + i)));
      }
      const std::uint64_t index = at >> MerkleMemory::kLeafBits;
      const auto siblings = std::span(leaf.siblings).first(height_);
      if (!count_page_change(index, leaf.value, after, siblings, state.memory_limit,
                             state.pages_in_use)) {
        return false;
      }
      leaf.value = after;
      state.memory_root = merkle_root_from_proof(index, leaf.value, siblings);
      const int slot = static_cast<int>(&leaf - entries_.data());
      proven_.after_write(slot);
      entries_[0] = leaf;
      return true;
    });
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
    const int slot = proven_.add(leaf_index);
    ProvenLeaf& entry = entries_[static_cast<std::size_t>(slot)];
    entry = ProvenLeaf{};
    const std::size_t size = std::size_t{32} * (1 + height_);
    ++proofs_used;
    if (error) return entry;
    if (proofs.size() - cursor < size) {
      error = Error{Errc::malformed_input, "proof for memory access " +
                                               std::to_string(proofs_used) + " (leaf at " +
                                               hex_number(leaf_index << MerkleMemory::kLeafBits) +
                                               ") is missing or truncated"};
      return entry;
    }
    std::memcpy(entry.value.data(), proofs.data() + cursor, 32);
    std::memcpy(entry.siblings.data(), proofs.data() + cursor + 32, std::size_t{32} * height_);
    cursor += size;
    if (merkle_root_from_proof(leaf_index, entry.value, std::span(entry.siblings).first(height_)) !=
        state.memory_root) {
      error = Error{Errc::invalid_proof, "proof for memory access " + std::to_string(proofs_used) +
                                             " (leaf at " +
                                             hex_number(leaf_index << MerkleMemory::kLeafBits) +
                                             ") does not match the memory root"};
      entry = ProvenLeaf{};
    }
    return entry;
  }

  unsigned height_;
  LeafProofs proven_;
  std::array<ProvenLeaf, LeafProofs::kMaxLeaves> entries_{};
};

}  // namespace faultline::riscv
