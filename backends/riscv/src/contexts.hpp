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
  LeafRecorder recorder;

  RecordingContext(State& s, MerkleMemory& m, const PreimageOracle& o, Outputs& out,
                   DecodeCache& cache, Bytes& proofs, std::vector<PreimageRead>& reads)
      : MemoryContext(s, m, o, out, cache), recorder(m, proofs, reads) {}

  std::uint16_t fetch16(std::uint64_t address) {
    (void)recorder.touch(address);
    return MemoryContext::fetch16(address);
  }

  std::uint64_t load(std::uint64_t address, unsigned size) {
    for_each_leaf_part(address, size,
                       [&](std::uint64_t at, unsigned, unsigned) { (void)recorder.touch(at); });
    return MemoryContext::load(address, size);
  }

  bool store(std::uint64_t address, unsigned size, std::uint64_t value) {
    return for_each_leaf_part(address, size, [&](std::uint64_t at, unsigned done, unsigned count) {
      // A refused part needs its proof too: it shows the page zero.
      const int slot = recorder.touch(at);
      if (!MemoryContext::store(at, count, value >> (8 * done))) return false;
      recorder.wrote(slot);
      return true;
    });
  }

  const ByteView* preimage(const Hash& key) {
    recorder.read_preimage({key, state.preimage_offset});
    return MemoryContext::preimage(key);
  }
};

/// Memory reconstructed from proofs only (LeafReplayer); little-endian bytes of its leaves.
struct ReplayContext {
  State& state;
  const PreimageOracle& oracle;
  LeafReplayer memory;
  ByteView preimage_data;

  ReplayContext(State& s, ByteView proofs, const PreimageOracle& o)
      : state(s),
        oracle(o),
        memory(proofs, s.xlen - MerkleMemory::kLeafBits, s.memory_root, s.memory_limit,
               s.pages_in_use) {}

  [[nodiscard]] const std::optional<Error>& error() const noexcept { return memory.error(); }

  std::uint16_t fetch16(std::uint64_t address) {
    const Hash& leaf = memory.leaf(address);
    const std::size_t offset = address % 32;
    return static_cast<std::uint16_t>(leaf[offset] | leaf[offset + 1] << 8);
  }

  std::uint64_t load(std::uint64_t address, unsigned size) {
    std::uint64_t value = 0;
    for_each_leaf_part(address, size, [&](std::uint64_t at, unsigned done, unsigned count) {
      const Hash& leaf = memory.leaf(at);
      for (unsigned i = 0; i < count; ++i) {
        value |= std::uint64_t{leaf[at % 32 + i]} << (8 * (done + i));
      }
    });
    return value;
  }

  bool store(std::uint64_t address, unsigned size, std::uint64_t value) {
    return for_each_leaf_part(address, size, [&](std::uint64_t at, unsigned done, unsigned count) {
      Hash after = memory.leaf(at);
      for (unsigned i = 0; i < count; ++i) {
        after[at % 32 + i] = static_cast<std::uint8_t>(value >> (8 * (done + i)));
      }
      return memory.write(at, after);
    });
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

}  // namespace faultline::riscv
