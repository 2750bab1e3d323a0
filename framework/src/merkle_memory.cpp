// Incremental sparse Merkle memory; see merkle_memory.hpp for the tree layout.
#include "faultline/merkle_memory.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <thread>

#include "faultline/keccak.hpp"

namespace faultline {

struct MerkleMemory::Page {
  std::array<Hash, kLeavesPerPage> leaves{};
  Hash root{};
  /// Invariant: a dirty page is listed in dirty_pages_ of every memory that holds it.
  bool dirty = false;
  /// The same for unscanned_pages_: written since free_zero_pages() last saw it non-zero.
  bool unscanned = false;

  std::uint8_t* bytes() noexcept { return reinterpret_cast<std::uint8_t*>(leaves.data()); }

  /// Re-hashes the page's subtree; `levels` receives every level when a proof needs it.
  void rehash() noexcept {
    std::array<Hash, kLeavesPerPage / 2> level{};
    keccak256_pairs(leaves.data(), level.data(), level.size());
    for (std::size_t width = level.size() / 2; width >= 1; width /= 2) {
      keccak256_pairs(level.data(), level.data(), width);
    }
    root = level[0];
    dirty = false;
  }
};

namespace {

constexpr unsigned kMaxHeight = 64;

struct ZeroHashes {
  std::array<Hash, kMaxHeight + 1> by_height{};
  ZeroHashes() {
    for (unsigned h = 1; h <= kMaxHeight; ++h) {
      by_height[h] = keccak256_pair(by_height[h - 1], by_height[h - 1]);
    }
  }
};

alignas(64) const std::uint8_t kZeroPage[MerkleMemory::kPageBytes] = {};

// Below this many dirty pages, starting threads costs more than it saves.
constexpr std::size_t kParallelPageThreshold = 64;

}  // namespace

const Hash& zero_hash(unsigned height) noexcept {
  static const ZeroHashes kZeroHashes;
  return kZeroHashes.by_height[std::min(height, kMaxHeight)];
}

Bytes MerkleProof::encode() const {
  Bytes out;
  out.reserve(32 * (1 + siblings.size()));
  out.insert(out.end(), leaf.begin(), leaf.end());
  for (const Hash& sibling : siblings)
    out.insert(out.end(), sibling.begin(), sibling.end());
  return out;
}

Hash merkle_root_from_proof(std::uint64_t leaf_index, const Hash& leaf,
                            std::span<const Hash> siblings) noexcept {
  Hash node = leaf;
  for (std::size_t height = 0; height < siblings.size(); ++height) {
    const bool is_right_child = ((leaf_index >> height) & 1) != 0;
    node = is_right_child ? keccak256_pair(siblings[height], node)
                          : keccak256_pair(node, siblings[height]);
  }
  return node;
}

bool page_is_zero(std::uint64_t leaf_index, const Hash& leaf,
                  std::span<const Hash> siblings) noexcept {
  constexpr unsigned kHeight = MerkleMemory::kPageHeight;
  return leaf == Hash{} && siblings.size() >= kHeight &&
         merkle_root_from_proof(leaf_index, leaf, siblings.first(kHeight)) == zero_hash(kHeight);
}

Result<Hash> verify_memory_proof(ByteView encoded_proof, unsigned address_bits,
                                 std::uint64_t address, const Hash& root) {
  if (address_bits < MerkleMemory::kPageBits || address_bits > 64) {
    return Error{Errc::invalid_argument, "address_bits must lie in [12, 64]"};
  }
  const std::size_t height = address_bits - MerkleMemory::kLeafBits;
  const std::size_t expected = 32 * (1 + height);
  if (encoded_proof.size() != expected) {
    return Error{Errc::malformed_input, "memory proof has " + std::to_string(encoded_proof.size()) +
                                            " bytes, expected " + std::to_string(expected)};
  }
  if (address_bits < 64 && (address >> address_bits) != 0) {
    return Error{Errc::out_of_range,
                 "address lies outside the " + std::to_string(address_bits) + "-bit address space"};
  }
  Hash leaf;
  std::memcpy(leaf.data(), encoded_proof.data(), 32);
  std::vector<Hash> siblings(height);
  std::memcpy(siblings.data(), encoded_proof.data() + 32, 32 * height);
  if (merkle_root_from_proof(address >> MerkleMemory::kLeafBits, leaf, siblings) != root) {
    return Error{Errc::invalid_proof, "memory proof does not lead to the expected root"};
  }
  return leaf;
}

MerkleMemory::MerkleMemory(unsigned address_bits)
    : address_bits_(std::clamp(address_bits, kPageBits, 64u)),
      upper_nodes_(tree_height() - kPageHeight),
      root_(zero_hash(tree_height())) {}

MerkleMemory::~MerkleMemory() = default;
MerkleMemory::MerkleMemory(MerkleMemory&&) noexcept = default;
MerkleMemory& MerkleMemory::operator=(MerkleMemory&&) noexcept = default;

MerkleMemory MerkleMemory::snapshot() {
  flush_write_cache();  // our pages become shared: the next write must copy them
  MerkleMemory copy(address_bits_);
  copy.pages_ = pages_;
  copy.upper_nodes_ = upper_nodes_;
  copy.dirty_pages_ = dirty_pages_;
  copy.unscanned_pages_ = unscanned_pages_;
  copy.root_ = root_;
  return copy;
}

bool MerkleMemory::contains(std::uint64_t address, std::uint64_t size) const noexcept {
  if (address_bits_ == 64) return size == 0 || address + (size - 1) >= address;
  const std::uint64_t limit = std::uint64_t{1} << address_bits_;
  return address <= limit && size <= limit - address;
}

Result<void> MerkleMemory::read(std::uint64_t address, std::span<std::uint8_t> out) const {
  if (!contains(address, out.size())) {
    return Error{Errc::out_of_range, "read of " + std::to_string(out.size()) + " bytes at " +
                                         hex_number(address) + " leaves the address space"};
  }
  std::size_t done = 0;
  while (done < out.size()) {
    const std::uint64_t at = address + done;
    const std::size_t offset = at % kPageBytes;
    const std::size_t chunk = std::min<std::size_t>(kPageBytes - offset, out.size() - done);
    std::memcpy(out.data() + done, page_for_read(at >> kPageBits) + offset, chunk);
    done += chunk;
  }
  return {};
}

Result<void> MerkleMemory::write(std::uint64_t address, ByteView data) {
  if (!contains(address, data.size())) {
    return Error{Errc::out_of_range, "write of " + std::to_string(data.size()) + " bytes at " +
                                         hex_number(address) + " leaves the address space"};
  }
  std::size_t done = 0;
  while (done < data.size()) {
    const std::uint64_t at = address + done;
    const std::size_t offset = at % kPageBytes;
    const std::size_t chunk = std::min<std::size_t>(kPageBytes - offset, data.size() - done);
    const bool nothing_to_write =
        !pages_.contains(at >> kPageBits) && std::memcmp(data.data() + done, kZeroPage, chunk) == 0;
    if (!nothing_to_write) {
      std::memcpy(page_for_write(at >> kPageBits) + offset, data.data() + done, chunk);
    }
    done += chunk;
  }
  return {};
}

const std::uint8_t* MerkleMemory::page_for_read_slow(std::uint64_t page_number) const {
  const auto found = pages_.find(page_number);
  // Unwritten pages read as the shared zero page; casting away const is safe because the
  // read cache never hands out writable pointers.
  auto* data =
      found == pages_.end() ? const_cast<std::uint8_t*>(kZeroPage) : found->second->bytes();
  read_cache_[page_number % kCacheEntries] = {page_number, data};
  return data;
}

std::uint8_t* MerkleMemory::page_for_write_slow(std::uint64_t page_number) {
  std::shared_ptr<Page>& page = pages_[page_number];
  if (!page) {
    page = std::make_shared<Page>();
  } else if (page.use_count() > 1) {
    page = std::make_shared<Page>(*page);  // copy on write: a snapshot still holds the original
  }
  if (!page->dirty) {
    page->dirty = true;
    dirty_pages_.push_back(page_number);
  }
  if (!page->unscanned) {
    page->unscanned = true;
    unscanned_pages_.push_back(page_number);
  }
  std::uint8_t* data = page->bytes();
  write_cache_[page_number % kCacheEntries] = {page_number, data};
  read_cache_[page_number % kCacheEntries] = {page_number, data};
  return data;
}

void MerkleMemory::flush_write_cache() noexcept {
  write_cache_.fill(CacheEntry{});
}

std::uint64_t MerkleMemory::nonzero_pages() {
  free_zero_pages();
  return pages_.size();
}

MerkleMemory::Admission MerkleMemory::admit(std::uint64_t number, bool nonzero,
                                            std::uint64_t limit) {
  // Every held page but the all-zero ones is non-zero, so a held page can always be written:
  // if it is all zero, fewer than pages_.size() <= limit pages are non-zero. Pages are only
  // allocated below the limit, which keeps pages_.size() <= limit.
  if (pages_.contains(number)) return Admission::write;
  if (!nonzero) return Admission::skip;
  if (pages_.size() >= limit) free_zero_pages();
  return pages_.size() >= limit ? Admission::refuse : Admission::write;
}

void MerkleMemory::free_zero_pages() {
  if (unscanned_pages_.empty()) return;
  for (const std::uint64_t number : unscanned_pages_) {
    const auto found = pages_.find(number);
    if (found == pages_.end() || !found->second->unscanned) continue;
    if (std::memcmp(found->second->bytes(), kZeroPage, kPageBytes) == 0) {
      // The flag stays set: a snapshot sharing this page must still look at it. root() sees
      // the page missing and hashes its path as zero if the page was dirty; if it was clean,
      // its root is already the zero page's.
      pages_.erase(found);
    } else {
      found->second->unscanned = false;
    }
  }
  unscanned_pages_.clear();
  // Cached pointers may point into freed pages, and writes through cached write pointers
  // would skip the unscanned mark.
  flush_write_cache();
  read_cache_.fill(CacheEntry{});
  ++epoch_;
  // A long run that keeps freeing and allocating pages would grow the dirty list without
  // bound; hashing now keeps it within a few times the pages held.
  if (dirty_pages_.size() > 2 * pages_.size() + 4096) (void)root();
}

Hash MerkleMemory::node(unsigned height, std::uint64_t index) const {
  if (height == kPageHeight) {
    const auto found = pages_.find(index);
    return found == pages_.end() ? zero_hash(height) : found->second->root;
  }
  const auto& level = upper_nodes_[height - kPageHeight - 1];
  const auto found = level.find(index);
  return found == level.end() ? zero_hash(height) : found->second;
}

Hash MerkleMemory::root() {
  if (dirty_pages_.empty()) return root_;
  flush_write_cache();  // pages become clean: the next write must mark them dirty again

  std::sort(dirty_pages_.begin(), dirty_pages_.end());
  dirty_pages_.erase(std::unique(dirty_pages_.begin(), dirty_pages_.end()), dirty_pages_.end());
  std::vector<Page*> stale;
  stale.reserve(dirty_pages_.size());
  for (const std::uint64_t number : dirty_pages_) {
    const auto found = pages_.find(number);  // absent if freed as all zero
    if (found != pages_.end() && found->second->dirty) {
      stale.push_back(found->second.get());  // a snapshot may already have hashed a shared page
    }
  }
  rehash_pages(stale);

  // Walk the changed nodes up level by level; parents of sorted children come out sorted.
  std::vector<std::uint64_t> changed = std::move(dirty_pages_);
  dirty_pages_.clear();
  std::vector<Hash> children;
  std::vector<Hash> parents;
  for (unsigned height = kPageHeight + 1; height <= tree_height(); ++height) {
    std::size_t count = 0;
    children.clear();
    for (const std::uint64_t child : changed) {
      const std::uint64_t parent = child >> 1;
      if (count != 0 && changed[count - 1] == parent) continue;
      changed[count++] = parent;
      children.push_back(node(height - 1, parent << 1));
      children.push_back(node(height - 1, (parent << 1) | 1));
    }
    changed.resize(count);
    parents.resize(count);
    keccak256_pairs(children.data(), parents.data(), count);
    auto& level = upper_nodes_[height - kPageHeight - 1];
    for (std::size_t i = 0; i < count; ++i) {
      if (parents[i] == zero_hash(height)) {
        level.erase(changed[i]);  // node() answers zero subtrees: keep only the others
      } else {
        level[changed[i]] = parents[i];
      }
    }
  }
  root_ = node(tree_height(), 0);
  return root_;
}

Hash MerkleMemory::leaf(std::uint64_t address) const {
  Hash out;
  const std::uint64_t aligned = address & ~std::uint64_t{kLeafBytes - 1};
  std::memcpy(out.data(), page_for_read(aligned >> kPageBits) + aligned % kPageBytes, kLeafBytes);
  return out;
}

MerkleProof MerkleMemory::proof(std::uint64_t address) {
  (void)root();
  MerkleProof proof;
  proof.leaf_index = address >> kLeafBits;
  proof.leaf = leaf(address);
  proof.siblings.reserve(tree_height());

  // Inside the page: rebuild its levels (127 hashes) rather than keep them for every page.
  std::array<Hash, kLeavesPerPage> level{};
  std::memcpy(level.data(), page_for_read(address >> kPageBits), kPageBytes);
  std::uint64_t index = proof.leaf_index % kLeavesPerPage;
  for (std::size_t width = kLeavesPerPage; width > 1; width /= 2) {
    proof.siblings.push_back(level[index ^ 1]);
    keccak256_pairs(level.data(), level.data(), width / 2);
    index >>= 1;
  }
  for (unsigned height = kPageHeight; height < tree_height(); ++height) {
    proof.siblings.push_back(node(height, (proof.leaf_index >> height) ^ 1));
  }
  return proof;
}

void MerkleMemory::rehash_pages(std::vector<Page*>& pages) {
  const auto rehash_range = [&pages](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      pages[i]->rehash();
  };
  const std::size_t workers = std::min<std::size_t>(std::thread::hardware_concurrency(), 8);
  if (pages.size() < kParallelPageThreshold || workers < 2) {
    rehash_range(0, pages.size());
    return;
  }
  std::vector<std::thread> threads;
  const std::size_t per_worker = (pages.size() + workers - 1) / workers;
  for (std::size_t w = 1; w < workers; ++w) {
    const std::size_t begin = std::min(pages.size(), w * per_worker);
    threads.emplace_back(rehash_range, begin, std::min(pages.size(), begin + per_worker));
  }
  rehash_range(0, std::min(pages.size(), per_worker));
  for (auto& thread : threads)
    thread.join();
}

}  // namespace faultline
