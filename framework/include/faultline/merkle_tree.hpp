// A fixed binary Merkle tree over 32-byte leaves, built once (its leaves may change later): the
// commitment of a byte string (a tensor's bytes) or of a list of hashes (the values a state holds),
// with proofs of single leaves. Same form as MerkleMemory's tree: a leaf is its 32 bytes as they
// are, a node is keccak256(left || right), and leaves past the end are zero, so missing subtrees
// are the zero hashes. A proof here is a memory proof in a space of 2^(height + 5) bytes: the code
// that checks memory proofs (merkle_root_from_proof, verify_memory_proof, the Solidity verifiers'
// proven leaves) checks these too.
#pragma once

#include <cstdint>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/merkle_memory.hpp"

namespace faultline {

class MerkleTree {
 public:
  /// The tree of the smallest height that holds every leaf (height 0 for one leaf or none).
  [[nodiscard]] static MerkleTree of_leaves(std::vector<Hash> leaves);
  /// The tree of `bytes` cut into 32-byte leaves, the last one padded with zeros.
  [[nodiscard]] static MerkleTree of_bytes(ByteView bytes);

  [[nodiscard]] const Hash& root() const noexcept {
    return levels_.back().empty() ? zero_hash(height()) : levels_.back().front();
  }
  /// Levels above the leaves: a proof has this many siblings.
  [[nodiscard]] unsigned height() const noexcept {
    return static_cast<unsigned>(levels_.size() - 1);
  }
  [[nodiscard]] std::uint64_t leaf_count() const noexcept { return levels_.front().size(); }
  [[nodiscard]] const Hash& leaf(std::uint64_t index) const { return levels_.front().at(index); }

  /// The proof of leaf `index` (out_of_range past the leaves).
  [[nodiscard]] Result<MerkleProof> proof(std::uint64_t index) const;

  /// Replaces leaf `index` and the nodes above it (height hashes); out_of_range past the
  /// leaves. The tree keeps its shape: a state's values tree changes leaf by leaf this way.
  Result<void> set_leaf(std::uint64_t index, const Hash& leaf);

 private:
  explicit MerkleTree(std::vector<Hash> leaves);
  std::vector<std::vector<Hash>> levels_;  // leaves first; each level's missing nodes are zero
};

/// Checks an encoded proof (leaf || `height` siblings, as MerkleProof::encode writes it) of
/// leaf `index` against `root`: the leaf on success; malformed_input for a wrong size,
/// invalid_proof if the implied root differs, out_of_range for an index past the tree.
[[nodiscard]] Result<Hash> verify_leaf_proof(ByteView encoded_proof, unsigned height,
                                             std::uint64_t index, const Hash& root);

}  // namespace faultline
