// The three contexts the RISC-V step runs in:
//   FastContext      direct access to the machine's memory; no hashing (run()).
//   RecordingContext FastContext plus a Merkle proof of each leaf as the step first touches it
//                    (step_with_witness()).
//   ReplayContext    memory from the witness's proofs alone, checked against the state's
//                    memory root (the step verifier, and the model for the onchain step).
// Recorder and replayer consume proofs by one rule, LeafProofs below, so they cannot disagree
// about which proof belongs to which access.
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
#include "step.hpp"

namespace faultline::riscv {

/// Guest output kept per descriptor (stdout, stderr), capped so a runaway guest cannot exhaust
/// host memory; output is not part of the state, so the cap does not affect commitments.
struct Outputs {
  static constexpr std::size_t kLimit = 64u << 20;
  std::array<Bytes, 2> by_fd;
};

/// Splits [address, address + size) (size <= 8) into the parts that lie in one 32-byte leaf.
template <class Fn>
inline void for_each_leaf_part(std::uint64_t address, unsigned size, Fn&& fn) {
  unsigned done = 0;
  while (done < size) {
    const std::uint64_t at = address + done;
    const unsigned in_leaf = std::min<unsigned>(size - done, 32 - static_cast<unsigned>(at % 32));
    fn(at, done, in_leaf);
    done += in_leaf;
  }
}

/// The proof rule of a step: a leaf needs a proof the first time the step touches it; writing
/// a leaf forgets every other leaf, because its path to the root has changed under them.
class LeafProofs {
 public:
  static constexpr std::size_t kMaxLeaves = 4;  // fetch (2) + data (2)

  [[nodiscard]] int find(std::uint64_t leaf) const {
    for (std::size_t i = 0; i < count_; ++i) {
      if (leaves_[i] == leaf) return static_cast<int>(i);
    }
    return -1;
  }
  /// Slot for a newly proven leaf.
  int add(std::uint64_t leaf) {
    if (count_ == kMaxLeaves) count_ = 0;  // unreachable for one instruction; stay in bounds
    leaves_[count_] = leaf;
    return static_cast<int>(count_++);
  }
  /// Keeps only `slot` (the written leaf), moving it to slot 0.
  void after_write(int slot) {
    leaves_[0] = leaves_[static_cast<std::size_t>(slot)];
    count_ = 1;
  }

 private:
  std::array<std::uint64_t, kMaxLeaves> leaves_{};
  std::size_t count_ = 0;
};

/// Decoded instructions of the pages the program has executed, so the fast path decodes each
/// instruction once. A store to a decoded page drops that page's decodings (self-modifying
/// code stays correct). Instructions that cross a page boundary are never cached.
class DecodeCache {
 public:
  /// The decoding slots (one per two bytes) of page `number`, created empty on first use.
  FAULTLINE_INLINE Fetched* slots(std::uint64_t number) {
    if (number == current_number_) [[likely]]
      return current_;
    return select(number);
  }

  /// Called before every store to page `number`.
  FAULTLINE_INLINE void before_store(std::uint64_t number) {
    std::uint64_t& entry = store_checked_[number % store_checked_.size()];
    if (entry == number) [[likely]]
      return;
    if (pages_.erase(number) != 0 && number == current_number_) current_number_ = kNone;
    entry = number;
  }

 private:
  static constexpr std::uint64_t kNone = ~std::uint64_t{0};
  struct Page {
    std::array<Fetched, MerkleMemory::kPageBytes / 2> slots{};  // length 0: not decoded yet
  };

  Fetched* select(std::uint64_t number) {
    auto& page = pages_[number];
    if (!page) page = std::make_unique<Page>();
    for (auto& entry : store_checked_) {
      if (entry == number) entry = kNone;  // stores to it must drop its decodings again
    }
    current_number_ = number;
    current_ = page->slots.data();
    return current_;
  }

  static std::array<std::uint64_t, 64> make_unchecked() {
    std::array<std::uint64_t, 64> out{};
    out.fill(kNone);
    return out;
  }

  std::unordered_map<std::uint64_t, std::unique_ptr<Page>> pages_;
  std::array<std::uint64_t, 64> store_checked_ = make_unchecked();  ///< pages known undecoded
  std::uint64_t current_number_ = kNone;  ///< the page instructions were last fetched from
  Fetched* current_ = nullptr;
};

struct FastContext {
  FastContext(State& s, MerkleMemory& m, const PreimageOracle& o, Outputs& out, DecodeCache& cache)
      : state(s), memory(m), oracle(o), outputs(out), decoded(cache) {}

  State& state;
  MerkleMemory& memory;
  const PreimageOracle& oracle;
  Outputs& outputs;
  DecodeCache& decoded;
  std::optional<Error> blocked_by;  ///< why the last step could not run
  ByteView preimage_data;

  /// Returns a reference into the cache (a copy would cost a store-forwarding stall per step).
  template <unsigned Xlen>
  FAULTLINE_INLINE const Fetched& fetch_decoded(std::uint64_t pc) {
    Fetched& slot =
        decoded.slots(pc >> MerkleMemory::kPageBits)[(pc % MerkleMemory::kPageBytes) / 2];
    if (slot.length != 0) [[likely]]
      return slot;
    uncached_ = fetch_and_decode<Xlen>(*this, pc);
    const bool crosses_page =
        pc % MerkleMemory::kPageBytes + uncached_.length > MerkleMemory::kPageBytes;
    if (crosses_page) return uncached_;  // depends on two pages: never cached
    slot = uncached_;
    return slot;
  }

  FAULTLINE_INLINE std::uint16_t fetch16(std::uint64_t address) {
    const std::uint8_t* page = memory.page_for_read(address >> MerkleMemory::kPageBits);
    const std::size_t offset = address % MerkleMemory::kPageBytes;  // even: never straddles
    return static_cast<std::uint16_t>(page[offset] | page[offset + 1] << 8);
  }

  FAULTLINE_INLINE std::uint64_t load(std::uint64_t address, unsigned size) {
    const std::size_t offset = address % MerkleMemory::kPageBytes;
    std::uint64_t value = 0;
    if (offset + size <= MerkleMemory::kPageBytes) [[likely]] {
      std::memcpy(&value, memory.page_for_read(address >> MerkleMemory::kPageBits) + offset, size);
      return value;  // little-endian host (checked in state.cpp)
    }
    for (unsigned i = 0; i < size; ++i)
      value |= std::uint64_t{load_byte(address + i)} << (8 * i);
    return value;
  }

  FAULTLINE_INLINE void store(std::uint64_t address, unsigned size, std::uint64_t value) {
    const std::size_t offset = address % MerkleMemory::kPageBytes;
    if (offset + size <= MerkleMemory::kPageBytes) [[likely]] {
      decoded.before_store(address >> MerkleMemory::kPageBits);
      std::memcpy(memory.page_for_write(address >> MerkleMemory::kPageBits) + offset, &value, size);
      return;
    }
    decoded.before_store(address >> MerkleMemory::kPageBits);
    decoded.before_store((address + size - 1) >> MerkleMemory::kPageBits);
    for (unsigned i = 0; i < size; ++i) {
      memory.page_for_write((address + i) >>
                            MerkleMemory::kPageBits)[(address + i) % MerkleMemory::kPageBytes] =
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

 private:
  Fetched uncached_;

  std::uint8_t load_byte(std::uint64_t address) {
    return memory.page_for_read(address >>
                                MerkleMemory::kPageBits)[address % MerkleMemory::kPageBytes];
  }
};

/// FastContext that also writes the witness's proofs, in the order the step needs them.
struct RecordingContext : FastContext {
  Bytes& proofs;
  std::optional<PreimageRead>& preimage_read;
  LeafProofs proven;

  RecordingContext(State& s, MerkleMemory& m, const PreimageOracle& o, Outputs& out,
                   DecodeCache& cache, Bytes& p, std::optional<PreimageRead>& read)
      : FastContext(s, m, o, out, cache), proofs(p), preimage_read(read) {}

  /// The recorder must touch the instruction's leaves itself, so it never uses the cache.
  template <unsigned Xlen>
  Fetched fetch_decoded(std::uint64_t pc) {
    return fetch_and_decode<Xlen>(*this, pc);
  }

  std::uint16_t fetch16(std::uint64_t address) {
    (void)touch(address);
    return FastContext::fetch16(address);
  }

  std::uint64_t load(std::uint64_t address, unsigned size) {
    for_each_leaf_part(address, size,
                       [&](std::uint64_t at, unsigned, unsigned) { (void)touch(at); });
    return FastContext::load(address, size);
  }

  void store(std::uint64_t address, unsigned size, std::uint64_t value) {
    for_each_leaf_part(address, size, [&](std::uint64_t at, unsigned done, unsigned count) {
      const int slot = touch(at);
      FastContext::store(at, count, value >> (8 * done));
      proven.after_write(slot);
    });
  }

  const ByteView* preimage(const Hash& key) {
    preimage_read = PreimageRead{key, state.preimage_offset};
    return FastContext::preimage(key);
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
