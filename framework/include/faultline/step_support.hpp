// Pieces every VM backend's step contexts share: capturing guest output, splitting an access
// into memory leaves, and the rule that says which leaf of a step needs a Merkle proof.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/machine.hpp"
#include "faultline/merkle_memory.hpp"
#include "faultline/preimage_oracle.hpp"

namespace faultline {

/// How one executed instruction left the machine, as a backend's per-op semantics report it
/// to step() and to a fast run loop.
enum class Flow : std::uint8_t {
  next,     ///< continue at the instruction's successor
  stopped,  ///< exited or faulted: the status says which; pc stays at the instruction
  blocked,  ///< a preimage is missing: nothing changed
};

/// A guest's output on one descriptor. Copies (a machine's snapshots, an executor's
/// checkpoints) share the bytes instead of copying them: each copy knows its own length, the
/// copy that writes first appends in place, and a copy that is behind shares the bytes ahead
/// of it while it writes the same ones (a re-run from a checkpoint does), else takes its own
/// copy of its prefix. Like MerkleMemory, one buffer and its copies are for one thread at a
/// time.
class OutputBuffer {
 public:
  /// Valid until this buffer or one of its copies is written again.
  [[nodiscard]] ByteView bytes() const noexcept {
    return data_ ? ByteView(data_->data(), length_) : ByteView{};
  }
  [[nodiscard]] std::size_t size() const noexcept { return length_; }

  void append(ByteView more) {
    if (more.empty()) return;
    if (!data_) {
      data_ = std::make_shared<Bytes>();
    } else if (data_->size() != length_) {
      const std::size_t ahead = data_->size() - length_;
      const auto here = data_->begin() + static_cast<std::ptrdiff_t>(length_);
      if (more.size() <= ahead && std::equal(more.begin(), more.end(), here)) {
        length_ += more.size();
        return;
      }
      data_ = std::make_shared<Bytes>(data_->begin(), here);
    }
    data_->insert(data_->end(), more.begin(), more.end());
    length_ += more.size();
  }

  friend bool operator==(const OutputBuffer& a, const OutputBuffer& b) {
    return std::ranges::equal(a.bytes(), b.bytes());
  }

 private:
  std::shared_ptr<Bytes> data_;
  std::size_t length_ = 0;
};

/// Guest output kept per descriptor (stdout, stderr), capped so a runaway guest cannot exhaust
/// host memory; output is not part of the state, so the cap does not affect commitments.
struct Outputs {
  static constexpr std::size_t kLimit = 64u << 20;
  std::array<OutputBuffer, 2> by_fd;
};

/// What the semantics of one step report, in every context (vm_machine.hpp).
enum class StepOutcome : std::uint8_t {
  executed,  ///< one step taken (possibly ending in exit or a fault)
  halted,    ///< the machine had already halted: nothing changed
  blocked,   ///< a preimage is missing: nothing changed
};

/// What a fast run loop did: steps executed, and whether it stopped at a preimage the oracle
/// lacks (the state is then just before that step).
struct RunOutcome {
  std::uint64_t steps = 0;
  bool blocked = false;
};

/// The parts of a step context that do not depend on the architecture: the machine's memory,
/// guest output and preimage lookups. A backend's direct-access context derives from it.
struct MachineIo {
  MachineIo(MerkleMemory& m, const PreimageOracle& o, Outputs& out)
      : memory(m), oracle(o), outputs(out) {}

  MerkleMemory& memory;
  const PreimageOracle& oracle;
  Outputs& outputs;
  std::optional<Error> blocked_by;  ///< why the last step could not run
  ByteView preimage_data;

  /// Guest output on fd 1 or 2, up to Outputs::kLimit; bytes outside memory are dropped.
  void write_output(int fd, std::uint64_t address, std::uint64_t size) {
    OutputBuffer& out = outputs.by_fd[static_cast<std::size_t>(fd - 1)];
    size = std::min<std::uint64_t>(size, Outputs::kLimit - std::min(Outputs::kLimit, out.size()));
    if (size == 0 || !memory.contains(address, size)) return;
    Bytes written(static_cast<std::size_t>(size));
    (void)memory.read(address, written);
    out.append(written);
  }

  /// The preimage for `key`, or nullptr if the oracle lacks it (blocked_by says why).
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

/// Splits [address, address + size) (size <= 8) into the parts that lie in one 32-byte leaf:
/// fn(part_address, bytes_before_part, part_size). An fn that returns bool stops the walk by
/// returning false; the result says whether every part was done.
template <class Fn>
inline bool for_each_leaf_part(std::uint64_t address, unsigned size, Fn&& fn) {
  unsigned done = 0;
  while (done < size) {
    const std::uint64_t at = address + done;
    const unsigned in_leaf = std::min<unsigned>(size - done, 32 - static_cast<unsigned>(at % 32));
    if constexpr (std::is_same_v<std::invoke_result_t<Fn&, std::uint64_t, unsigned, unsigned>,
                                 bool>) {
      if (!fn(at, done, in_leaf)) return false;
    } else {
      fn(at, done, in_leaf);
    }
    done += in_leaf;
  }
  return true;
}

/// The memory-limit rule of a store into one leaf, as a step verifier checks it from the
/// leaf's proof (`siblings` bottom-up): making an all-zero page non-zero needs a free page
/// (pages_in_use < memory_limit) and takes it; making a page all zero frees one. False, with
/// nothing changed, if the store is refused.
inline bool count_page_change(std::uint64_t leaf_index, const Hash& before, const Hash& after,
                              std::span<const Hash> siblings, std::uint64_t memory_limit,
                              std::uint64_t& pages_in_use) {
  if (before == after) return true;
  const bool was_zero = page_is_zero(leaf_index, before, siblings);
  const bool is_zero = page_is_zero(leaf_index, after, siblings);
  if (was_zero && !is_zero) {
    if (pages_in_use >= memory_limit) return false;
    ++pages_in_use;
  } else if (!was_zero && is_zero) {
    --pages_in_use;
  }
  return true;
}

/// The proof rule of a step: a leaf needs a proof the first time the step touches it; writing
/// a leaf forgets every other leaf, because its path to the root has changed under them.
/// LeafRecorder and LeafReplayer both follow it, so they agree on which proof is whose.
class LeafProofs {
 public:
  static constexpr std::size_t kMaxLeaves = 4;  // more than one instruction ever touches

  [[nodiscard]] int find(std::uint64_t leaf) const {
    for (std::size_t i = 0; i < count_; ++i) {
      if (leaves_[i] == leaf) return static_cast<int>(i);
    }
    return -1;
  }
  /// Slot for a newly proven leaf, or -1 if kMaxLeaves leaves are proven already (a step that
  /// touches more than a witness holds: its caller reports an error, never wraps around).
  [[nodiscard]] int add(std::uint64_t leaf) {
    if (count_ == kMaxLeaves) return -1;
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

/// The error of a step that touches more leaves than a witness holds.
inline Error too_many_leaves() {
  return Error{Errc::out_of_range, "the step touches more than " +
                                       std::to_string(LeafProofs::kMaxLeaves) +
                                       " memory leaves, more than a witness holds"};
}

/// The witness side of a step's memory accesses (step_with_witness()): the Merkle proof of
/// each leaf the first time the step touches it, appended to `proofs`, and the preimage parts
/// it reads. A backend's recording context calls touch() before each access of the real
/// memory and wrote() after each store.
class LeafRecorder {
 public:
  LeafRecorder(MerkleMemory& memory, Bytes& proofs, std::vector<PreimageRead>& reads)
      : memory_(memory), proofs_(proofs), reads_(reads) {}

  /// The slot of the leaf holding `address`, its proof recorded on first touch. Past
  /// kMaxLeaves it records nothing, sets error() and returns slot 0.
  int touch(std::uint64_t address) {
    const std::uint64_t leaf = address >> MerkleMemory::kLeafBits;
    const int found = proven_.find(leaf);
    if (found >= 0) return found;
    const int slot = proven_.add(leaf);
    if (slot < 0) {
      if (!error_) error_ = too_many_leaves();
      return 0;
    }
    const Bytes proof = memory_.proof(address).encode();
    proofs_.insert(proofs_.end(), proof.begin(), proof.end());
    return slot;
  }
  /// After a store into the leaf of `slot`.
  void wrote(int slot) { proven_.after_write(slot); }
  /// A preimage part the step reads (once, however often it asks).
  void read_preimage(const PreimageRead& read) {
    if (reads_.empty() || !(reads_.back() == read)) reads_.push_back(read);
  }
  /// Why the witness is unusable, if it is.
  [[nodiscard]] const std::optional<Error>& error() const noexcept { return error_; }

 private:
  MerkleMemory& memory_;
  Bytes& proofs_;
  std::vector<PreimageRead>& reads_;
  LeafProofs proven_;
  std::optional<Error> error_;
};

/// A step's memory rebuilt from its witness's proofs alone (the step verifier, and the model
/// of an onchain step): each leaf's proof, read in the order LeafProofs gives, is checked
/// against the memory root, and a store recomputes the root from the leaf's siblings under the
/// memory-limit rule. The first failure is kept in error(); after it every leaf reads as zeros,
/// so the step finishes harmlessly and its caller reports the error.
class LeafReplayer {
 public:
  /// `height`: the tree's levels above a leaf (address bits - 5). `memory_root` and
  /// `pages_in_use` are the state's, updated by stores.
  LeafReplayer(ByteView proofs, unsigned height, Hash& memory_root, std::uint64_t memory_limit,
               std::uint64_t& pages_in_use)
      : proofs_(proofs),
        height_(height),
        memory_root_(memory_root),
        memory_limit_(memory_limit),
        pages_in_use_(pages_in_use) {}

  /// The 32 bytes of the leaf holding `address`.
  [[nodiscard]] const Hash& leaf(std::uint64_t address) { return entry(address).value; }

  /// Writes `after` into the leaf holding `address`. False, with nothing changed, if the
  /// memory-limit rule refuses it.
  bool write(std::uint64_t address, const Hash& after) {
    Entry& leaf = entry(address);
    // After an error (a proof that failed, or a leaf past the witness's capacity) nothing more
    // changes: the step's result is refused anyway.
    if (error_ || &leaf == &scratch_) return false;
    const std::uint64_t index = address >> MerkleMemory::kLeafBits;
    const auto siblings = std::span(leaf.siblings).first(height_);
    if (!count_page_change(index, leaf.value, after, siblings, memory_limit_, pages_in_use_)) {
      return false;
    }
    leaf.value = after;
    memory_root_ = merkle_root_from_proof(index, leaf.value, siblings);
    const int slot = static_cast<int>(&leaf - entries_.data());
    proven_.after_write(slot);
    entries_[0] = leaf;
    return true;
  }

  [[nodiscard]] const std::optional<Error>& error() const noexcept { return error_; }
  /// Proof bytes the step has not used (a witness with more proofs than its step needs is
  /// malformed).
  [[nodiscard]] std::size_t unused_bytes() const noexcept { return proofs_.size() - cursor_; }
  /// Keeps the first error (of the memory or of the caller, such as a missing preimage).
  void fail(Error error) {
    if (!error_) error_ = std::move(error);
  }

 private:
  struct Entry {
    Hash value{};
    std::array<Hash, 59> siblings{};
  };

  Entry& entry(std::uint64_t address) {
    const std::uint64_t index = address >> MerkleMemory::kLeafBits;
    const int found = proven_.find(index);
    if (found >= 0) return entries_[static_cast<std::size_t>(found)];
    const int slot = proven_.add(index);
    if (slot < 0) {
      fail(too_many_leaves());
      scratch_ = Entry{};
      return scratch_;
    }
    Entry& entry = entries_[static_cast<std::size_t>(slot)];
    entry = Entry{};
    const std::size_t size = std::size_t{32} * (1 + height_);
    ++proofs_used_;
    if (error_) return entry;
    const std::string which = "proof for memory access " + std::to_string(proofs_used_) +
                              " (leaf at " + hex_number(index << MerkleMemory::kLeafBits) + ")";
    if (proofs_.size() - cursor_ < size) {
      fail(Error{Errc::malformed_input, which + " is missing or truncated"});
      return entry;
    }
    std::memcpy(entry.value.data(), proofs_.data() + cursor_, 32);
    std::memcpy(entry.siblings.data(), proofs_.data() + cursor_ + 32, std::size_t{32} * height_);
    cursor_ += size;
    if (merkle_root_from_proof(index, entry.value, std::span(entry.siblings).first(height_)) !=
        memory_root_) {
      fail(Error{Errc::invalid_proof, which + " does not match the memory root"});
      entry = Entry{};
    }
    return entry;
  }

  ByteView proofs_;
  unsigned height_;
  Hash& memory_root_;
  std::uint64_t memory_limit_;
  std::uint64_t& pages_in_use_;
  std::size_t cursor_ = 0;
  std::size_t proofs_used_ = 0;
  LeafProofs proven_;
  std::array<Entry, LeafProofs::kMaxLeaves> entries_{};
  Entry scratch_{};
  std::optional<Error> error_;
};

}  // namespace faultline
