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
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "faultline/merkle_memory.hpp"
#include "faultline/preimage_oracle.hpp"
#include "faultline/riscv/state.hpp"
#include "faultline/step_support.hpp"
#include "step.hpp"

namespace faultline::riscv {

/// Decoded instructions of the pages the program has executed, so the fast run loop decodes
/// each instruction once. Each page has one slot per two bytes plus a sentinel slot past its
/// end, so the loop walks from slot to slot without checking for the page's end. A store to a
/// page that holds decodings resets them (self-modifying code stays correct); pages are never
/// freed, so a slot pointer stays valid while the loop holds it. Instructions that cross a
/// page boundary are never cached.
class DecodeCache {
 public:
  static constexpr std::size_t kSlots = MerkleMemory::kPageBytes / 2;
  static constexpr std::uint8_t kUndecoded = 0;  ///< Fetched::handler of an empty slot
  static constexpr std::uint8_t kPageEnd = 1;    ///< Fetched::handler of the sentinel slot
  using Slots = std::array<Fetched, kSlots + 1>;

  /// The slot of the instruction at `pc` (created empty on first use).
  FAULTLINE_INLINE Fetched* slot(std::uint64_t pc) {
    const std::uint64_t number = pc >> MerkleMemory::kPageBits;
    Recent& recent = recent_[number % recent_.size()];
    if (recent.number != number) [[unlikely]]
      recent = Recent{number, &page(number)};
    return recent.page->slots.data() + (pc % MerkleMemory::kPageBytes) / 2;
  }

  /// Notes that page `number` now holds decodings; true if it held none before.
  bool mark_decoded(std::uint64_t number) {
    Page& p = page(number);
    const bool first = !p.decoded;
    p.decoded = true;
    return first;
  }

  /// Must be called before a store to page `number`: drops the page's decodings.
  void before_store(std::uint64_t number) {
    const auto found = pages_.find(number);
    if (found == pages_.end() || !found->second->decoded) return;
    std::fill_n(found->second->slots.begin(), kSlots, Fetched{});
    found->second->decoded = false;
    reset_ = true;
  }

  /// True if before_store dropped decodings since the last call.
  FAULTLINE_INLINE bool take_reset() {
    if (!reset_) [[likely]]
      return false;
    reset_ = false;
    return true;
  }

  /// Slots outside every page, for the run loop's partial runs.
  Slots& scratch() { return scratch_->slots; }

 private:
  struct Page {
    Page() { slots[kSlots].handler = kPageEnd; }
    Slots slots{};
    bool decoded = false;
  };
  struct Recent {
    std::uint64_t number = ~std::uint64_t{0};  // no page has this number
    Page* page = nullptr;
  };

  Page& page(std::uint64_t number) {
    std::unique_ptr<Page>& p = pages_[number];
    if (!p) p = std::make_unique<Page>();
    return *p;
  }

  std::unordered_map<std::uint64_t, std::unique_ptr<Page>> pages_;  // looked up, never iterated
  std::array<Recent, 16> recent_{};
  std::unique_ptr<Page> scratch_ = std::make_unique<Page>();
  bool reset_ = false;
};

/// Direct access to the machine's memory: every access asks MerkleMemory for its page, so
/// root() and proof() may be called between any two accesses.
struct MemoryContext {
  MemoryContext(State& s, MerkleMemory& m, const PreimageOracle& o, Outputs& out,
                DecodeCache& cache)
      : state(s), memory(m), oracle(o), outputs(out), decoded(cache) {}

  State& state;
  MerkleMemory& memory;
  const PreimageOracle& oracle;
  Outputs& outputs;
  DecodeCache& decoded;
  std::optional<Error> blocked_by;  ///< why the last step could not run
  ByteView preimage_data;

  FAULTLINE_INLINE std::uint16_t fetch16(std::uint64_t address) {
    const std::uint8_t* page = memory.page_for_read(address >> MerkleMemory::kPageBits);
    const std::size_t offset = address % MerkleMemory::kPageBytes;  // even: never straddles
    return static_cast<std::uint16_t>(page[offset] | page[offset + 1] << 8);
  }

  std::uint64_t load(std::uint64_t address, unsigned size) {
    std::uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i) {
      const std::uint64_t at = address + i;
      value |= std::uint64_t{memory.page_for_read(
                   at >> MerkleMemory::kPageBits)[at % MerkleMemory::kPageBytes]}
               << (8 * i);
    }
    return value;
  }

  void store(std::uint64_t address, unsigned size, std::uint64_t value) {
    for (unsigned i = 0; i < size; ++i) {
      const std::uint64_t at = address + i;
      decoded.before_store(at >> MerkleMemory::kPageBits);
      memory.page_for_write(at >> MerkleMemory::kPageBits)[at % MerkleMemory::kPageBytes] =
          static_cast<std::uint8_t>(value >> (8 * i));
    }
  }

  void write_output(int fd, std::uint64_t address, std::uint64_t size) {
    Bytes& out = outputs.by_fd[static_cast<std::size_t>(fd - 1)];
    size = std::min<std::uint64_t>(size, Outputs::kLimit - std::min(Outputs::kLimit, out.size()));
    if (!memory.contains(address, size)) return;
    const std::size_t old_size = out.size();
    out.resize(old_size + size);
    (void)memory.read(address, std::span(out).subspan(old_size));
  }

  const ByteView* preimage(const Hash& key) {
    auto data = oracle.get(key);
    if (!data) {
      blocked_by = data.error();
      return nullptr;
    }
    preimage_data = *data;
    return &preimage_data;
  }
};

/// The fast run loop's context: MemoryContext plus small direct-mapped caches of page
/// pointers for loads and stores (a TLB). A cached write pointer skips MerkleMemory's dirty
/// tracking and the decode cache's check, so a RunContext must live only for one run, with no
/// root(), proof() or snapshot() while it does; a page enters the write cache only while it
/// holds no decodings, and leaves it when it gets one (note_decoded).
struct RunContext : MemoryContext {
  using MemoryContext::MemoryContext;

  // The run loop's bookkeeping (run_loop.hpp), kept here rather than in its locals.
  std::uint64_t run_end = 0;          ///< the step count at which the current run_fast stops
  std::uint64_t run_pc = 0;           ///< pc of the first instruction of the current straight run
  const Fetched* run_slot = nullptr;  ///< and its slot

  FAULTLINE_INLINE std::uint64_t load(std::uint64_t address, unsigned size) {
    const std::uint64_t number = address >> MerkleMemory::kPageBits;
    const std::size_t offset = address % MerkleMemory::kPageBytes;
    const auto& entry = reads_[number % kEntries];
    if (entry.number == number && offset + size <= MerkleMemory::kPageBytes) [[likely]] {
      std::uint64_t value = 0;
      std::memcpy(&value, entry.data + offset, size);  // little-endian host (state.cpp checks)
      return value;
    }
    return load_slow(address, size);
  }

  FAULTLINE_INLINE void store(std::uint64_t address, unsigned size, std::uint64_t value) {
    const std::uint64_t number = address >> MerkleMemory::kPageBits;
    const std::size_t offset = address % MerkleMemory::kPageBytes;
    const auto& entry = writes_[number % kEntries];
    if (entry.number == number && offset + size <= MerkleMemory::kPageBytes) [[likely]] {
      std::memcpy(entry.data + offset, &value, size);
      return;
    }
    store_slow(address, size, value);
  }

  /// The run loop cached the first decoding of page `number`: stores to it must go through
  /// the decode cache's check again.
  void note_decoded(std::uint64_t number) {
    if (!decoded.mark_decoded(number)) return;
    auto& entry = writes_[number % kEntries];
    if (entry.number == number) entry = {};
  }

 private:
  static constexpr std::size_t kEntries = 64;
  template <class Byte>
  struct Entry {
    std::uint64_t number = ~std::uint64_t{0};  // no page has this number
    Byte* data = nullptr;
  };

  __attribute__((noinline)) std::uint64_t load_slow(std::uint64_t address, unsigned size) {
    const std::uint64_t number = address >> MerkleMemory::kPageBits;
    reads_[number % kEntries] = Entry<const std::uint8_t>{number, memory.page_for_read(number)};
    return MemoryContext::load(address, size);
  }

  __attribute__((noinline)) void store_slow(std::uint64_t address, unsigned size,
                                            std::uint64_t value) {
    for (const std::uint64_t number :
         {address >> MerkleMemory::kPageBits, (address + size - 1) >> MerkleMemory::kPageBits}) {
      decoded.before_store(number);
      std::uint8_t* data = memory.page_for_write(number);  // unshares and marks dirty
      writes_[number % kEntries] = Entry<std::uint8_t>{number, data};
      reads_[number % kEntries] = Entry<const std::uint8_t>{number, data};  // was maybe shared
    }
    MemoryContext::store(address, size, value);
  }

  std::array<Entry<const std::uint8_t>, kEntries> reads_{};
  std::array<Entry<std::uint8_t>, kEntries> writes_{};
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

  void store(std::uint64_t address, unsigned size, std::uint64_t value) {
    for_each_leaf_part(address, size, [&](std::uint64_t at, unsigned done, unsigned count) {
      const int slot = touch(at);
      MemoryContext::store(at, count, value >> (8 * done));
      proven.after_write(slot);
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

  void store(std::uint64_t address, unsigned size, std::uint64_t value) {
    for_each_leaf_part(address, size, [&](std::uint64_t at, unsigned done, unsigned count) {
      ProvenLeaf& leaf = leaf_for(at);
      for (unsigned i = 0; i < count; ++i) {
        leaf.value[at % 32 + i] = static_cast<std::uint8_t>(value >> (8 * (done + i)));
      }
      state.memory_root = merkle_root_from_proof(at >> MerkleMemory::kLeafBits, leaf.value,
                                                 std::span(leaf.siblings).first(height_));
      const int slot = static_cast<int>(&leaf - entries_.data());
      proven_.after_write(slot);
      entries_[0] = leaf;
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
