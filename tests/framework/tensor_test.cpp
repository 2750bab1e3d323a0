// Fixed Merkle trees and tensor commitments (merkle_tree.hpp, tensor.hpp): the tree of a byte
// string is MerkleMemory's tree of the same bytes, every leaf's proof verifies and a tampered
// one does not, and a tensor's commitment is checked against its type and shape.
#include <catch2/catch.hpp>
#include <random>

#include "faultline/keccak.hpp"
#include "faultline/merkle_memory.hpp"
#include "faultline/merkle_tree.hpp"
#include "faultline/tensor.hpp"

namespace {

using namespace faultline;

Bytes random_bytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes out(size);
  for (auto& byte : out)
    byte = static_cast<std::uint8_t>(rng());
  return out;
}

}  // namespace

TEST_CASE("a Merkle tree of bytes is the memory tree of the same bytes, and proves every leaf") {
  for (const std::size_t size : {0, 1, 31, 32, 33, 64, 100, 4096, 5000}) {
    INFO(size << " bytes");
    const Bytes bytes = random_bytes(size, size);
    const MerkleTree tree = MerkleTree::of_bytes(bytes);
    CHECK(tree.leaf_count() == (size + 31) / 32);
    // The same bytes at address 0 of a memory whose tree is just tall enough (2^12 bytes at
    // least: a memory holds whole pages; the extra levels hash in zero subtrees).
    const unsigned bits = std::max(12u, tree.height() + 5);
    MerkleMemory memory(bits);
    REQUIRE(memory.write(0, bytes).ok());
    Hash root = tree.root();
    for (unsigned level = tree.height(); level < bits - 5; ++level)
      root = keccak256_pair(root, zero_hash(level));
    CHECK(root == memory.root());
    for (std::uint64_t leaf = 0; leaf < tree.leaf_count(); ++leaf) {
      auto proof = tree.proof(leaf);
      REQUIRE(proof.ok());
      const Bytes encoded = proof->encode();
      auto verified = verify_leaf_proof(encoded, tree.height(), leaf, tree.root());
      REQUIRE(verified.ok());
      CHECK(*verified == tree.leaf(leaf));
      Bytes tampered = encoded;
      tampered.back() ^= 1;
      if (tree.height() > 0) {
        CHECK(verify_leaf_proof(tampered, tree.height(), leaf, tree.root()).error().code ==
              Errc::invalid_proof);
      }
    }
    CHECK(tree.proof(tree.leaf_count()).error().code == Errc::out_of_range);
  }
}

TEST_CASE("a tree of hashes: a proof for one leaf does not verify at another, nor truncated") {
  std::vector<Hash> leaves;
  for (std::uint8_t i = 0; i < 5; ++i)
    leaves.push_back(keccak256(Bytes{i}));
  const MerkleTree tree = MerkleTree::of_leaves(leaves);
  CHECK(tree.height() == 3);
  const Bytes proof = tree.proof(2)->encode();
  CHECK(verify_leaf_proof(proof, 3, 2, tree.root()).ok());
  CHECK(verify_leaf_proof(proof, 3, 3, tree.root()).error().code == Errc::invalid_proof);
  CHECK(verify_leaf_proof(proof, 3, 8, tree.root()).error().code == Errc::out_of_range);
  CHECK(verify_leaf_proof(ByteView(proof).first(64), 3, 2, tree.root()).error().code ==
        Errc::malformed_input);
  // Leaves 5..7 are zero leaves: provable as zeros.
  const Bytes zero = tree.proof(4)->encode();
  CHECK(verify_leaf_proof(zero, 3, 4, tree.root()).ok());
}

TEST_CASE("tensor commitments check type, shape and size, and bind all three") {
  const Bytes floats = random_bytes(2 * 3 * 4, 7);
  auto tensor = commit_tensor(ElementType::float32, {2, 3}, floats);
  REQUIRE(tensor.ok());
  CHECK(tensor->data_root == MerkleTree::of_bytes(floats).root());
  // The same bytes as another type or shape commit differently.
  auto reshaped = commit_tensor(ElementType::float32, {3, 2}, floats);
  auto retyped = commit_tensor(ElementType::int32, {2, 3}, floats);
  REQUIRE(reshaped.ok());
  REQUIRE(retyped.ok());
  CHECK(tensor->hash() != reshaped->hash());
  CHECK(tensor->hash() != retyped->hash());
  CHECK(tensor->data_root == reshaped->data_root);
  // Scalars and empty tensors.
  CHECK(commit_tensor(ElementType::int64, {}, Bytes(8, 1)).ok());
  CHECK(commit_tensor(ElementType::int64, {0, 5}, {}).ok());
  // Bad input.
  CHECK(commit_tensor(ElementType::float32, {2, 3}, Bytes(23)).error().code ==
        Errc::malformed_input);
  CHECK(commit_tensor(static_cast<ElementType>(8), {1}, Bytes(1)).error().code ==
        Errc::invalid_argument);
  const std::uint64_t huge = std::uint64_t{1} << 40;
  CHECK(commit_tensor(ElementType::uint8, {huge, huge}, {}).error().code == Errc::out_of_range);
  CHECK(commit_tensor(ElementType::float64, {std::uint64_t{1} << 61}, {}).error().code ==
        Errc::malformed_input);
  CHECK(element_count(std::vector<std::uint64_t>{huge, 0, huge}).value() == 0);
  CHECK(element_type_name(ElementType::bfloat16) == "bfloat16");
  CHECK(element_size(ElementType::boolean) == 1u);
}
