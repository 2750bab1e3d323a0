// Sparse paged memory under a binary Keccak-256 Merkle tree with 32-byte leaves.
//
// The tree covers the whole address space (2^32 or 2^64 bytes): a leaf is 32 bytes of memory
// as they are (not hashed), a node is keccak256(left || right), and subtrees that were never
// written are the precomputed zero hashes. Pages are 4 KiB; only pages written since the last
// root() are re-hashed, and only their paths to the root. This is the layout the onchain step
// verifiers check proofs against (see docs/architecture.md#memory).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"

namespace faultline {

/// The root of an all-zero subtree of the given height (0 is a zero leaf). Heights 0..64.
const Hash& zero_hash(unsigned height) noexcept;

/// A leaf and its siblings, bottom-up: siblings[0] is the leaf's neighbour, the last one is a
/// child of the root.
struct MerkleProof {
  std::uint64_t leaf_index = 0;
  Hash leaf{};
  std::vector<Hash> siblings;

  /// Wire format used in witnesses and onchain: leaf || siblings, 32 * (1 + height) bytes.
  [[nodiscard]] Bytes encode() const;
};

/// The root a leaf and its siblings imply.
Hash merkle_root_from_proof(std::uint64_t leaf_index, const Hash& leaf,
                            std::span<const Hash> siblings) noexcept;

/// True if the 4 KiB page holding the leaf is all zero, judged from the leaf and its first
/// seven siblings (the page's subtree): the proof-side rule of a VM state's memory limit.
bool page_is_zero(std::uint64_t leaf_index, const Hash& leaf,
                  std::span<const Hash> siblings) noexcept;

/// Checks an encoded proof (leaf || siblings) for the leaf holding `address` against `root`,
/// in a tree over 2^address_bits bytes. Returns the leaf on success; malformed_input if the
/// size is wrong, invalid_proof if the implied root differs.
///
/// What a success guarantees (given Keccak-256's collision resistance): the returned leaf is
/// the content of the leaf holding `address` in the memory whose root is `root`. A proof binds
/// an address to content, not to the leaf it was made for: a proof for a neighbouring leaf
/// with the same 32 bytes (two zero leaves, say) also verifies here, and proves the truth.
Result<Hash> verify_memory_proof(ByteView encoded_proof, unsigned address_bits,
                                 std::uint64_t address, const Hash& root);

/// Byte-addressable memory of 2^address_bits bytes, all zero until written.
///
/// Not thread-safe: use one instance (and its snapshots) from one thread at a time. root()
/// itself may use several threads internally for large batches of dirty pages.
class MerkleMemory {
 public:
  static constexpr unsigned kLeafBits = 5;
  static constexpr unsigned kLeafBytes = 1u << kLeafBits;
  static constexpr unsigned kPageBits = 12;
  static constexpr unsigned kPageBytes = 1u << kPageBits;
  static constexpr unsigned kPageHeight = kPageBits - kLeafBits;  ///< height of a page's root
  static constexpr unsigned kLeavesPerPage = 1u << kPageHeight;

  /// address_bits must lie in [kPageBits, 64]; 32 and 64 are the VM address spaces.
  explicit MerkleMemory(unsigned address_bits);
  ~MerkleMemory();
  MerkleMemory(MerkleMemory&&) noexcept;
  MerkleMemory& operator=(MerkleMemory&&) noexcept;
  MerkleMemory(const MerkleMemory&) = delete;
  MerkleMemory& operator=(const MerkleMemory&) = delete;

  /// A copy-on-write copy: pages are shared until either side writes them, so a snapshot
  /// costs one pointer per page plus the cached upper tree, not the memory's bytes.
  [[nodiscard]] MerkleMemory snapshot();

  [[nodiscard]] unsigned address_bits() const noexcept { return address_bits_; }
  /// Number of siblings in a proof: address_bits - 5.
  [[nodiscard]] unsigned tree_height() const noexcept { return address_bits_ - kLeafBits; }
  /// Pages held in memory: every page that is not all zero, and perhaps some that became all
  /// zero again since the last nonzero_pages() or admit().
  [[nodiscard]] std::size_t page_count() const noexcept { return pages_.size(); }
  /// Pages that are not all zero: the count a VM state's memory limit applies to. Frees the
  /// pages that became all zero (see epoch()).
  [[nodiscard]] std::uint64_t nonzero_pages();

  /// What a store may do to a page when at most `limit` pages may be non-zero.
  enum class Admission : std::uint8_t {
    write,   ///< store the bytes
    skip,    ///< the page is all zero and so are the bytes: storing them changes nothing
    refuse,  ///< the page is all zero, the bytes are not, and `limit` pages are non-zero
  };
  /// Decides a store into page `number` (`nonzero`: some stored byte is not zero). This is the
  /// host's side of the rule the step verifiers check from a proof (page_is_zero): a store
  /// that would make an all-zero page non-zero while `limit` pages are non-zero is refused.
  /// May free pages that became all zero, which changes epoch().
  [[nodiscard]] Admission admit(std::uint64_t number, bool nonzero, std::uint64_t limit);
  /// Changes whenever pages are freed: every page pointer handed out before is invalid.
  [[nodiscard]] std::uint64_t epoch() const noexcept { return epoch_; }
  /// True if [address, address + size) lies inside the address space.
  [[nodiscard]] bool contains(std::uint64_t address, std::uint64_t size) const noexcept;

  /// Copies bytes out; out_of_range if the span leaves the address space.
  Result<void> read(std::uint64_t address, std::span<std::uint8_t> out) const;
  /// Copies bytes in; out_of_range if the span leaves the address space (nothing is written).
  /// Zero bytes bound for a page that holds nothing allocate nothing.
  Result<void> write(std::uint64_t address, ByteView data);

  /// Fast path for interpreters: the 4 KiB of page `page_number`, or a shared zero page if it
  /// was never written. Valid until the next page_for_write of the same page.
  [[nodiscard]] const std::uint8_t* page_for_read(std::uint64_t page_number) const {
    CacheEntry& entry = read_cache_[page_number % kCacheEntries];
    if (entry.page_number == page_number) [[likely]]
      return entry.data;
    return page_for_read_slow(page_number);
  }

  /// Fast path for interpreters: writable bytes of page `page_number`, allocated and unshared
  /// on first use and marked dirty. Valid until the next root(), proof() or snapshot().
  [[nodiscard]] std::uint8_t* page_for_write(std::uint64_t page_number) {
    CacheEntry& entry = write_cache_[page_number % kCacheEntries];
    if (entry.page_number == page_number) [[likely]]
      return entry.data;
    return page_for_write_slow(page_number);
  }

  /// The Merkle root, re-hashing only pages written since the last call.
  [[nodiscard]] Hash root();

  /// The 32-byte leaf that holds `address`.
  [[nodiscard]] Hash leaf(std::uint64_t address) const;

  /// Proof of the leaf that holds `address` against root().
  [[nodiscard]] MerkleProof proof(std::uint64_t address);

 private:
  struct Page;
  struct CacheEntry {
    std::uint64_t page_number = ~std::uint64_t{0};
    std::uint8_t* data = nullptr;
  };
  static constexpr std::size_t kCacheEntries = 64;

  const std::uint8_t* page_for_read_slow(std::uint64_t page_number) const;
  std::uint8_t* page_for_write_slow(std::uint64_t page_number);
  void flush_write_cache() noexcept;
  void free_zero_pages();
  static void rehash_pages(std::vector<Page*>& pages);
  [[nodiscard]] Hash node(unsigned height, std::uint64_t index) const;

  unsigned address_bits_;
  std::map<std::uint64_t, std::shared_ptr<Page>> pages_;
  /// Hashes of non-zero nodes above the pages, indexed [height - kPageHeight - 1][index].
  std::vector<std::unordered_map<std::uint64_t, Hash>> upper_nodes_;
  std::vector<std::uint64_t> dirty_pages_;  ///< may hold duplicates; sorted in root()
  /// Pages written since free_zero_pages() last looked at them (may hold duplicates).
  std::vector<std::uint64_t> unscanned_pages_;
  std::uint64_t epoch_ = 0;
  Hash root_;
  mutable std::array<CacheEntry, kCacheEntries> read_cache_{};
  std::array<CacheEntry, kCacheEntries> write_cache_{};
};

}  // namespace faultline
