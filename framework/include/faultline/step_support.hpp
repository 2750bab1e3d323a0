// Pieces every VM backend's step contexts share: capturing guest output, splitting an access
// into memory leaves, and the rule that says which leaf of a step needs a Merkle proof.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include <optional>
#include <span>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
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

/// Guest output kept per descriptor (stdout, stderr), capped so a runaway guest cannot exhaust
/// host memory; output is not part of the state, so the cap does not affect commitments.
struct Outputs {
  static constexpr std::size_t kLimit = 64u << 20;
  std::array<Bytes, 2> by_fd;
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
    Bytes& out = outputs.by_fd[static_cast<std::size_t>(fd - 1)];
    size = std::min<std::uint64_t>(size, Outputs::kLimit - std::min(Outputs::kLimit, out.size()));
    if (!memory.contains(address, size)) return;
    const std::size_t old_size = out.size();
    out.resize(old_size + size);
    (void)memory.read(address, std::span(out).subspan(old_size));
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
/// fn(part_address, bytes_before_part, part_size).
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
/// Witness recorders and replayers both follow it, so they agree on which proof is whose.
class LeafProofs {
 public:
  static constexpr std::size_t kMaxLeaves = 4;  // more than one instruction ever touches

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

}  // namespace faultline
