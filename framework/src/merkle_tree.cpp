// A fixed Merkle tree over 32-byte leaves (merkle_tree.hpp).
#include "faultline/merkle_tree.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "faultline/keccak.hpp"

namespace faultline {

MerkleTree::MerkleTree(std::vector<Hash> leaves) {
  levels_.push_back(std::move(leaves));
  unsigned height = 0;
  while ((std::uint64_t{1} << height) < levels_.front().size())
    ++height;
  for (unsigned level = 0; level < height; ++level) {
    const std::vector<Hash>& below = levels_.back();
    std::vector<Hash> above((below.size() + 1) / 2);
    const std::size_t pairs = below.size() / 2;
    keccak256_pairs(below.data(), above.data(), pairs);
    if (below.size() % 2 != 0) above.back() = keccak256_pair(below.back(), zero_hash(level));
    levels_.push_back(std::move(above));
  }
}

MerkleTree MerkleTree::of_leaves(std::vector<Hash> leaves) {
  return MerkleTree(std::move(leaves));
}

MerkleTree MerkleTree::of_bytes(ByteView bytes) {
  std::vector<Hash> leaves((bytes.size() + 31) / 32);
  if (!bytes.empty()) std::memcpy(leaves.data(), bytes.data(), bytes.size());
  return MerkleTree(std::move(leaves));
}

Result<MerkleProof> MerkleTree::proof(std::uint64_t index) const {
  if (index >= leaf_count()) {
    return Error{Errc::out_of_range, "leaf " + std::to_string(index) + " of a tree of " +
                                         std::to_string(leaf_count()) + " leaves"};
  }
  MerkleProof out;
  out.leaf_index = index;
  out.leaf = leaf(index);
  for (unsigned level = 0; level < height(); ++level) {
    const std::uint64_t sibling = (index >> level) ^ 1;
    const std::vector<Hash>& nodes = levels_[level];
    out.siblings.push_back(sibling < nodes.size() ? nodes[sibling] : zero_hash(level));
  }
  return out;
}

Result<void> MerkleTree::set_leaf(std::uint64_t index, const Hash& leaf) {
  if (index >= leaf_count()) {
    return Error{Errc::out_of_range, "leaf " + std::to_string(index) + " of a tree of " +
                                         std::to_string(leaf_count()) + " leaves"};
  }
  levels_.front()[index] = leaf;
  for (unsigned level = 0; level < height(); ++level) {
    const std::vector<Hash>& below = levels_[level];
    const std::uint64_t left = (index >> level) & ~std::uint64_t{1};
    const Hash& right = left + 1 < below.size() ? below[left + 1] : zero_hash(level);
    levels_[level + 1][left >> 1] = keccak256_pair(below[left], right);
  }
  return {};
}

Result<Hash> verify_leaf_proof(ByteView encoded_proof, unsigned height, std::uint64_t index,
                               const Hash& root) {
  if (height > 64) return Error{Errc::out_of_range, "a tree of height over 64"};
  if (height < 64 && (index >> height) != 0) {
    return Error{Errc::out_of_range, "leaf " + std::to_string(index) +
                                         " lies past a tree of height " + std::to_string(height)};
  }
  const std::size_t expected = std::size_t{32} * (1 + height);
  if (encoded_proof.size() != expected) {
    return Error{Errc::malformed_input, "leaf proof has " + std::to_string(encoded_proof.size()) +
                                            " bytes, expected " + std::to_string(expected)};
  }
  Hash leaf;
  std::memcpy(leaf.data(), encoded_proof.data(), 32);
  std::vector<Hash> siblings(height);
  if (height > 0) std::memcpy(siblings.data(), encoded_proof.data() + 32, std::size_t{32} * height);
  if (merkle_root_from_proof(index, leaf, siblings) != root) {
    return Error{Errc::invalid_proof, "leaf proof does not lead to the expected root"};
  }
  return leaf;
}

}  // namespace faultline
