// The witness side of memory that every VM backend shares (step_support.hpp): LeafRecorder
// records a proof per leaf on first touch, LeafReplayer checks them against the root and
// applies stores, both by the LeafProofs rule; neither wraps past kMaxLeaves.
#include <catch2/catch.hpp>

#include "faultline/step_support.hpp"

namespace {

using namespace faultline;

constexpr unsigned kBits = 32;
constexpr unsigned kHeight = kBits - MerkleMemory::kLeafBits;

MerkleMemory memory_with_data() {
  MerkleMemory memory(kBits);
  for (std::uint64_t leaf = 0; leaf < 8; ++leaf) {
    const Bytes data(32, static_cast<std::uint8_t>(leaf + 1));
    REQUIRE(memory.write(0x1000 + 32 * leaf, data).ok());
  }
  return memory;
}

}  // namespace

TEST_CASE("a replayer rebuilds what a recorder saw: loads, a store, the new root") {
  MerkleMemory memory = memory_with_data();
  Hash root = memory.root();
  const Hash before = root;
  Bytes proofs;
  std::vector<PreimageRead> reads;
  LeafRecorder recorder(memory, proofs, reads);
  // The step: reads leaves 0 and 2, stores into leaf 1, reads leaf 0 again.
  (void)recorder.touch(0x1000);
  (void)recorder.touch(0x1040);
  const int slot = recorder.touch(0x1020);
  REQUIRE(memory.write(0x1020, Bytes(32, 0xee)).ok());
  recorder.wrote(slot);
  (void)recorder.touch(0x1000);  // forgotten after the store: proven again
  recorder.read_preimage({PreimageKey{}, 8});
  recorder.read_preimage({PreimageKey{}, 8});  // the same part once
  CHECK_FALSE(recorder.error());
  CHECK(proofs.size() == 4 * 32 * (1 + kHeight));
  CHECK(reads.size() == 1);

  std::uint64_t pages = 1;
  LeafReplayer replay(proofs, kHeight, root, kDefaultMemoryLimitPages, pages);
  CHECK(replay.leaf(0x1000)[0] == 1);
  CHECK(replay.leaf(0x1040)[0] == 3);
  Hash after{};
  after.fill(0xee);
  CHECK(replay.write(0x1020, after));
  CHECK(replay.leaf(0x1000)[0] == 1);
  CHECK_FALSE(replay.error());
  CHECK(replay.unused_bytes() == 0);
  CHECK(root == memory.root());
  CHECK(root != before);
}

TEST_CASE("a step that touches more leaves than a witness holds is an error, never a wrap") {
  MerkleMemory memory = memory_with_data();
  Hash root = memory.root();
  Bytes proofs;
  std::vector<PreimageRead> reads;
  LeafRecorder recorder(memory, proofs, reads);
  for (std::uint64_t leaf = 0; leaf <= LeafProofs::kMaxLeaves; ++leaf)
    (void)recorder.touch(0x1000 + 32 * leaf);
  REQUIRE(recorder.error());
  CHECK(recorder.error()->code == Errc::out_of_range);
  CHECK(proofs.size() == LeafProofs::kMaxLeaves * 32 * (1 + kHeight));  // nothing past the cap

  std::uint64_t pages = 1;
  LeafReplayer replay(proofs, kHeight, root, kDefaultMemoryLimitPages, pages);
  for (std::uint64_t leaf = 0; leaf < LeafProofs::kMaxLeaves; ++leaf)
    CHECK(replay.leaf(0x1000 + 32 * leaf)[0] == leaf + 1);
  CHECK_FALSE(replay.error());
  CHECK(replay.leaf(0x1000 + 32 * LeafProofs::kMaxLeaves) == Hash{});
  REQUIRE(replay.error());
  CHECK_THAT(replay.error()->message, Catch::Contains("more than 4 memory leaves"));
}

TEST_CASE("a replayer refuses a proof of another root, a short proof, and extra bytes") {
  MerkleMemory memory = memory_with_data();
  Bytes proofs;
  std::vector<PreimageRead> reads;
  LeafRecorder recorder(memory, proofs, reads);
  (void)recorder.touch(0x1000);
  std::uint64_t pages = 1;
  {
    Hash other{};
    LeafReplayer replay(proofs, kHeight, other, kDefaultMemoryLimitPages, pages);
    CHECK(replay.leaf(0x1000) == Hash{});
    REQUIRE(replay.error());
    CHECK(replay.error()->code == Errc::invalid_proof);
  }
  {
    Hash root = memory.root();
    const ByteView short_proof(proofs.data(), proofs.size() - 1);
    LeafReplayer replay(short_proof, kHeight, root, kDefaultMemoryLimitPages, pages);
    (void)replay.leaf(0x1000);
    REQUIRE(replay.error());
    CHECK(replay.error()->code == Errc::malformed_input);
  }
  {
    Hash root = memory.root();
    Bytes longer = proofs;
    longer.push_back(0);
    LeafReplayer replay(longer, kHeight, root, kDefaultMemoryLimitPages, pages);
    (void)replay.leaf(0x1000);
    CHECK_FALSE(replay.error());
    CHECK(replay.unused_bytes() == 1);
  }
}
