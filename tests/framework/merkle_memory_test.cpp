// Merkle memory against a naive model that re-hashes the whole sparse tree from its leaves on
// every query, with no pages, caches or SIMD.
#include <array>
#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <random>

#include "faultline/keccak.hpp"
#include "faultline/merkle_memory.hpp"

namespace {

using faultline::Hash;
using faultline::MerkleMemory;

/// Bytes as a map from leaf index to leaf; the root recursion skips empty subtrees.
class NaiveMemory {
 public:
  explicit NaiveMemory(unsigned address_bits) : height_(address_bits - 5) {}

  void write(std::uint64_t address, const std::vector<std::uint8_t>& data) {
    for (std::size_t i = 0; i < data.size(); ++i) {
      const std::uint64_t at = address + i;
      leaves_[at >> 5][at & 31] = data[i];  // operator[] value-initialises a zero leaf
    }
  }

  Hash root() const { return subtree(height_, 0); }

 private:
  Hash subtree(unsigned height, std::uint64_t index) const {
    // Leaves in [index << height, (index + 1) << height).
    const std::uint64_t first = height >= 64 ? 0 : index << height;
    const auto begin = leaves_.lower_bound(first);
    const bool empty = begin == leaves_.end() || (height < 64 && (begin->first >> height) != index);
    if (empty) return faultline::zero_hash(height);
    if (height == 0) return begin->second;
    return faultline::keccak256_pair(subtree(height - 1, 2 * index),
                                     subtree(height - 1, 2 * index + 1));
  }

  unsigned height_;
  std::map<std::uint64_t, Hash> leaves_;
};

struct RandomWrites {
  std::mt19937_64 rng;
  unsigned address_bits;

  std::uint64_t address() {
    // Clusters of nearby addresses (shared pages, page-crossing writes) plus far ones.
    static constexpr std::uint64_t kClusters[] = {0, 0x10000, 0x7fff'f000, 0xffff'e000};
    const std::uint64_t top = address_bits == 64 ? ~std::uint64_t{0} : (1ull << address_bits) - 1;
    if (rng() % 8 == 0) return (rng() & top) - std::min<std::uint64_t>(rng() & top, 256);
    const std::uint64_t base = address_bits == 64 && rng() % 2 ? 0xffff'ffff'0000'0000ull : 0;
    return base + kClusters[rng() % 4] + rng() % 12000;
  }

  std::vector<std::uint8_t> data() {
    std::vector<std::uint8_t> out(1 + rng() % 100);
    for (auto& byte : out)
      byte = static_cast<std::uint8_t>(rng() % 3 == 0 ? 0 : rng());
    return out;
  }
};

}  // namespace

TEST_CASE("zero hashes are the roots of all-zero subtrees") {
  CHECK(faultline::zero_hash(0) == Hash{});
  for (unsigned h = 1; h <= 64; ++h) {
    CHECK(faultline::zero_hash(h) ==
          faultline::keccak256_pair(faultline::zero_hash(h - 1), faultline::zero_hash(h - 1)));
  }
  CHECK(MerkleMemory(32).root() == faultline::zero_hash(27));
  CHECK(MerkleMemory(64).root() == faultline::zero_hash(59));
}

TEST_CASE("incremental roots match a full re-hash on random writes") {
  for (const unsigned bits : {32u, 64u}) {
    for (std::uint64_t seed = 0; seed < 6; ++seed) {
      INFO("address bits " << bits << ", seed " << seed);
      RandomWrites random{std::mt19937_64(seed), bits};
      MerkleMemory memory(bits);
      NaiveMemory naive(bits);
      for (int round = 0; round < 12; ++round) {
        const int writes = 1 + static_cast<int>(random.rng() % 40);
        for (int w = 0; w < writes; ++w) {
          std::uint64_t at = random.address();
          auto data = random.data();
          if (!memory.contains(at, data.size())) at = 0;
          REQUIRE(memory.write(at, data));
          naive.write(at, data);
        }
        REQUIRE(memory.root() == naive.root());
      }
    }
  }
}

TEST_CASE("snapshots are independent copies that share pages until written") {
  RandomWrites random{std::mt19937_64(7), 32};
  MerkleMemory memory(32);
  NaiveMemory naive(32);
  for (int w = 0; w < 200; ++w) {
    const auto at = random.address() & 0xffff'0000u;
    const auto data = random.data();
    REQUIRE(memory.write(at, data));
    naive.write(at, data);
  }
  // Snapshot with dirty pages outstanding, then let both sides write and hash in turn.
  MerkleMemory copy = memory.snapshot();
  NaiveMemory copy_naive = naive;
  CHECK(copy.root() == naive.root());
  for (int round = 0; round < 20; ++round) {
    const auto at = random.address() & 0xffff'0000u;
    const auto data = random.data();
    if (round % 2 == 0) {
      REQUIRE(memory.write(at, data));
      naive.write(at, data);
    } else {
      REQUIRE(copy.write(at, data));
      copy_naive.write(at, data);
    }
    REQUIRE(memory.root() == naive.root());
    REQUIRE(copy.root() == copy_naive.root());
  }
  // Reads through the fast path see each side's own bytes.
  std::uint8_t mark = 0x5a;
  REQUIRE(copy.write(0x40, {&mark, 1}));
  CHECK(copy.page_for_read(0)[0x40] == 0x5a);
  std::uint8_t original = 0;
  REQUIRE(memory.read(0x40, {&original, 1}));
  CHECK(memory.page_for_read(0)[0x40] == original);
}

TEST_CASE("fast-path writes after a root are seen by the next root") {
  MerkleMemory memory(64);
  NaiveMemory naive(64);
  const std::uint64_t page = 0x1234'5678;
  memory.page_for_write(page)[17] = 9;
  naive.write((page << 12) + 17, {9});
  REQUIRE(memory.root() == naive.root());
  memory.page_for_write(page)[18] = 10;  // cached pointer must not skip dirty marking
  naive.write((page << 12) + 18, {10});
  CHECK(memory.root() == naive.root());
}

TEST_CASE("proofs of written and untouched leaves verify, tampered proofs do not") {
  for (const unsigned bits : {32u, 64u}) {
    INFO("address bits " << bits);
    RandomWrites random{std::mt19937_64(bits), bits};
    MerkleMemory memory(bits);
    std::vector<std::uint64_t> addresses;
    for (int w = 0; w < 300; ++w) {
      const auto at = random.address();
      const auto data = random.data();
      if (!memory.contains(at, data.size())) continue;
      REQUIRE(memory.write(at, data));
      addresses.push_back(at);
    }
    addresses.push_back(0);
    addresses.push_back(bits == 64 ? 0x0123'4567'89ab'cdefull : 0x89ab'cdefull);  // untouched
    const Hash root = memory.root();
    std::array<int, 2> moved_checked{};  // proofs moved to a neighbour that differs / is equal
    for (const auto address : addresses) {
      const auto proof = memory.proof(address);
      REQUIRE(proof.siblings.size() == memory.tree_height());
      REQUIRE(proof.leaf == memory.leaf(address));
      const auto encoded = proof.encode();
      REQUIRE(encoded.size() == 32 * (1 + memory.tree_height()));
      const auto verified = faultline::verify_memory_proof(encoded, bits, address, root);
      REQUIRE(verified.ok());
      CHECK(*verified == proof.leaf);

      auto tampered = encoded;
      tampered[32 * (1 + random.rng() % memory.tree_height()) + random.rng() % 32] ^= 1;
      const auto rejected = faultline::verify_memory_proof(tampered, bits, address, root);
      REQUIRE_FALSE(rejected.ok());
      CHECK(rejected.error().code == faultline::Errc::invalid_proof);
      auto wrong_leaf = encoded;
      wrong_leaf[random.rng() % 32] ^= 0x80;
      CHECK(faultline::verify_memory_proof(wrong_leaf, bits, address, root).error().code ==
            faultline::Errc::invalid_proof);
      // A proof binds an address to that leaf's content under the root, not to the proof's own
      // origin: moved to the neighbouring leaf it verifies exactly when the two leaves hold the
      // same bytes (both untouched, say), and then it proves the neighbour's true content.
      const std::uint64_t neighbour = address ^ MerkleMemory::kLeafBytes;
      const auto moved = faultline::verify_memory_proof(encoded, bits, neighbour, root);
      const bool same_content = memory.leaf(neighbour) == proof.leaf;
      CHECK(moved.ok() == same_content);
      if (moved.ok()) CHECK(*moved == memory.leaf(neighbour));
      moved_checked[same_content ? 1 : 0]++;
    }
    CHECK(moved_checked[0] > 100);  // both outcomes occur, so both branches are tested
    CHECK(moved_checked[1] > 0);
    auto truncated = memory.proof(0).encode();
    truncated.pop_back();
    const auto short_proof = faultline::verify_memory_proof(truncated, bits, 0, root);
    REQUIRE_FALSE(short_proof.ok());
    CHECK(short_proof.error().code == faultline::Errc::malformed_input);
  }
}

TEST_CASE("proofs in an empty memory verify against the zero tree") {
  MerkleMemory memory(32);
  const auto proof = memory.proof(0xdead'beef);
  CHECK(faultline::verify_memory_proof(proof.encode(), 32, 0xdead'beef, faultline::zero_hash(27)));
  for (unsigned h = 0; h < proof.siblings.size(); ++h)
    CHECK(proof.siblings[h] == faultline::zero_hash(h));
}

TEST_CASE("accesses outside the address space are errors, not wrap-arounds") {
  MerkleMemory memory(32);
  const std::uint8_t bytes[4] = {1, 2, 3, 4};
  CHECK(memory.write(0xffff'fffc, bytes));
  const auto past_end = memory.write(0xffff'fffd, bytes);
  REQUIRE_FALSE(past_end.ok());
  CHECK(past_end.error().code == faultline::Errc::out_of_range);
  CHECK_FALSE(memory.write(0x1'0000'0000, bytes).ok());
  std::uint8_t out[4];
  CHECK_FALSE(memory.read(0xffff'ffff, out).ok());
  REQUIRE(memory.read(0xffff'fffc, out));
  CHECK(std::memcmp(out, bytes, 4) == 0);
  CHECK(memory.root() != faultline::zero_hash(27));

  MerkleMemory wide(64);
  CHECK(wide.write(0xffff'ffff'ffff'fffc, bytes));
  CHECK_FALSE(wide.write(0xffff'ffff'ffff'fffd, bytes).ok());
  CHECK_FALSE(
      faultline::verify_memory_proof(memory.proof(0).encode(), 32, 0x1'0000'0000, memory.root())
          .ok());
}

TEST_CASE("many dirty pages hash in parallel to the same root") {
  MerkleMemory memory(32);
  NaiveMemory naive(32);
  std::mt19937_64 rng(3);
  for (std::uint64_t page = 0; page < 300; ++page) {
    std::vector<std::uint8_t> data(4096);
    for (auto& byte : data)
      byte = static_cast<std::uint8_t>(rng());
    const std::uint64_t address = (page * 7919 % 65536) << 12;
    REQUIRE(memory.write(address, data));
    naive.write(address, data);
  }
  CHECK(memory.page_count() == 300);
  CHECK(memory.root() == naive.root());
}

TEST_CASE("all-zero pages are not held: zero writes allocate nothing, zeroed pages are freed") {
  for (const unsigned bits : {32u, 64u}) {
    INFO(bits << "-bit");
    MerkleMemory memory(bits);
    REQUIRE(memory.write(0x5000, std::vector<std::uint8_t>(9000, 0)));
    CHECK(memory.page_count() == 0);
    CHECK(memory.root() == faultline::zero_hash(memory.tree_height()));

    // Pages far apart, so their paths share few nodes; then zero all but one.
    const std::uint64_t far = bits == 64 ? 0x7f'0000'0000 : 0x7000'0000;
    for (const std::uint64_t address : {std::uint64_t{0x1000}, far, far + 0x3000}) {
      REQUIRE(memory.write(address + 8, std::vector<std::uint8_t>{1, 2, 3}));
    }
    (void)memory.root();
    REQUIRE(memory.write(far + 8, std::vector<std::uint8_t>(3, 0)));
    REQUIRE(memory.write(far + 0x3008, std::vector<std::uint8_t>(3, 0)));
    CHECK(memory.page_count() == 3);  // held until looked at
    CHECK(memory.nonzero_pages() == 1);
    CHECK(memory.page_count() == 1);
    NaiveMemory naive(bits);
    naive.write(0x1008, {1, 2, 3});
    CHECK(memory.root() == naive.root());
    const faultline::MerkleProof proof = memory.proof(far + 8);
    CHECK(faultline::page_is_zero(proof.leaf_index, proof.leaf, proof.siblings));
    const faultline::MerkleProof held = memory.proof(0x1020);
    CHECK(held.leaf == Hash{});  // a zero leaf of a page that is not all zero
    CHECK_FALSE(faultline::page_is_zero(held.leaf_index, held.leaf, held.siblings));
  }
}

TEST_CASE("admit: held pages are written, new pages only below the limit, zeroed pages freed") {
  using Admission = MerkleMemory::Admission;
  MerkleMemory memory(32);
  REQUIRE(memory.write(0x1000, std::vector<std::uint8_t>{1}));
  REQUIRE(memory.write(0x2000, std::vector<std::uint8_t>{1}));
  CHECK(memory.admit(3, true, 2) == Admission::refuse);
  CHECK(memory.admit(3, false, 2) == Admission::skip);
  CHECK(memory.admit(1, true, 2) == Admission::write);
  CHECK(memory.admit(3, true, 3) == Admission::write);

  // A page zeroed since the last look is freed when room is needed, and pointers handed out
  // before are invalid (the epoch says so).
  REQUIRE(memory.write(0x1000, std::vector<std::uint8_t>{0}));
  const std::uint64_t epoch = memory.epoch();
  CHECK(memory.admit(3, true, 2) == Admission::write);
  CHECK(memory.epoch() != epoch);
  CHECK(memory.page_count() == 1);
}

TEST_CASE("a snapshot sharing a zeroed page frees it too") {
  MerkleMemory memory(32);
  REQUIRE(memory.write(0x1000, std::vector<std::uint8_t>{1}));
  REQUIRE(memory.write(0x2000, std::vector<std::uint8_t>{1}));
  REQUIRE(memory.write(0x1000, std::vector<std::uint8_t>{0}));
  MerkleMemory copy = memory.snapshot();
  CHECK(memory.nonzero_pages() == 1);
  CHECK(copy.nonzero_pages() == 1);  // the page the original freed is zero here too
  CHECK(copy.page_count() == 1);

  // Copy-on-write: zeroing a shared page in one memory leaves the other's page alone.
  MerkleMemory other = memory.snapshot();
  REQUIRE(memory.write(0x2000, std::vector<std::uint8_t>{0}));
  CHECK(memory.nonzero_pages() == 0);
  CHECK(other.nonzero_pages() == 1);
  CHECK(memory.root() == faultline::zero_hash(memory.tree_height()));
  CHECK(other.root() == copy.root());
}
