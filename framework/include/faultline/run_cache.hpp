// Caches for a VM backend's fast run loop: decoded instructions per page, and page pointers
// for loads and stores. Neither holds state that feeds a commitment; both only make run()
// faster, and both must give way to self-modifying code and to dirty-page tracking.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "faultline/merkle_memory.hpp"

namespace faultline {

/// Decoded instructions of the pages a program has executed, so a run loop decodes each
/// instruction once. A page has one slot per `kSlotBytes` bytes plus a sentinel slot past its
/// end, so the loop can walk from slot to slot without checking for the page's end. A store
/// to a page that holds decodings resets them (self-modifying code stays correct). At most
/// kMaxPages pages are kept: a new page beyond them drops all the others, so a guest that
/// executes ever new pages cannot grow the host's memory. A slot pointer is therefore valid
/// only until the next slot() of another page; run loops hold just the last one.
///
/// `Slot` is the backend's decoded instruction; it must have a `handler` byte, 0 for an empty
/// slot, and be trivially copyable.
template <class Slot, unsigned kSlotBytes>
class DecodeCache {
 public:
  static constexpr std::size_t kSlots = MerkleMemory::kPageBytes / kSlotBytes;
  static constexpr std::uint8_t kUndecoded = 0;   ///< handler of an empty slot
  static constexpr std::uint8_t kPageEnd = 1;     ///< handler of the sentinel slot
  static constexpr std::size_t kMaxPages = 4096;  ///< 16 MiB of code
  using Slots = std::array<Slot, kSlots + 1>;

  /// The slot of the instruction at `pc` (created empty on first use).
  __attribute__((always_inline)) Slot* slot(std::uint64_t pc) {
    const std::uint64_t number = pc >> MerkleMemory::kPageBits;
    Recent& recent = recent_[number % recent_.size()];
    if (recent.number != number) [[unlikely]]
      recent = Recent{number, &page(number)};
    return recent.page->slots.data() + (pc % MerkleMemory::kPageBytes) / kSlotBytes;
  }

  /// Notes that page `number` now holds decodings; true if it held none before.
  bool mark_decoded(std::uint64_t number) {
    Page& p = page(number);
    const bool first = !p.decoded;
    p.decoded = true;
    return first;
  }

  /// Must be called before a store to page `number`: drops the page's decodings.
  void before_store(std::uint64_t number) {
    const auto found = pages_.find(number);
    if (found == pages_.end() || !found->second->decoded) return;
    std::fill_n(found->second->slots.begin(), kSlots, Slot{});
    found->second->decoded = false;
    reset_ = true;
  }

  /// True if before_store dropped decodings since the last call.
  __attribute__((always_inline)) bool take_reset() {
    if (!reset_) [[likely]]
      return false;
    reset_ = false;
    return true;
  }

  /// Slots outside every page, for a loop's partial runs.
  Slots& scratch() { return scratch_->slots; }

  /// Pages holding slots.
  [[nodiscard]] std::size_t page_count() const noexcept { return pages_.size(); }

 private:
  struct Page {
    Page() { slots[kSlots].handler = kPageEnd; }
    Slots slots{};
    bool decoded = false;
  };
  struct Recent {
    std::uint64_t number = ~std::uint64_t{0};  // no page has this number
    Page* page = nullptr;
  };

  Page& page(std::uint64_t number) {
    if (pages_.size() >= kMaxPages && !pages_.contains(number)) {
      pages_.clear();  // decodings are only a cache: the loop decodes again as it goes
      recent_.fill(Recent{});
    }
    std::unique_ptr<Page>& p = pages_[number];
    if (!p) p = std::make_unique<Page>();
    return *p;
  }

  std::unordered_map<std::uint64_t, std::unique_ptr<Page>> pages_;  // looked up, never iterated
  std::array<Recent, 16> recent_{};
  std::unique_ptr<Page> scratch_ = std::make_unique<Page>();
  bool reset_ = false;
};

/// Where a run loop is, kept in its context rather than in its locals, so the values the loop
/// touches on every instruction keep the host registers.
template <class Slot>
struct RunPosition {
  std::uint64_t run_end = 0;       ///< the step count at which the current run stops
  std::uint64_t run_pc = 0;        ///< pc of the first instruction of the current straight run
  const Slot* run_slot = nullptr;  ///< and its slot
};

/// Small direct-mapped caches of page pointers (a TLB) for a run loop's loads and stores:
/// one compare per access on a hit. A cached write pointer skips MerkleMemory's dirty
/// tracking and the decode cache's check, so a PagePointers must live only for one run, with
/// no root(), proof() or snapshot() of the memory while it does; a page enters the write cache
/// only while it holds no decodings, and leaves it when it gets one (note_decoded).
template <class Decoded>
class PagePointers {
 public:
  PagePointers(MerkleMemory& memory, Decoded& decoded) : memory_(memory), decoded_(decoded) {}

  /// [address, address + size) if it lies in one cached page, else nullptr.
  __attribute__((always_inline)) const std::uint8_t* for_read(std::uint64_t address,
                                                              unsigned size) const {
    return lookup(reads_, address, size);
  }
  __attribute__((always_inline)) std::uint8_t* for_write(std::uint64_t address,
                                                         unsigned size) const {
    return lookup(writes_, address, size);
  }
  /// The same for an access aligned to its size, which cannot cross a page: one check less.
  __attribute__((always_inline)) const std::uint8_t* for_aligned_read(std::uint64_t address) const {
    return lookup(reads_, address, 0);
  }
  __attribute__((always_inline)) std::uint8_t* for_aligned_write(std::uint64_t address) const {
    return lookup(writes_, address, 0);
  }

  /// Caches page `number` for reads.
  void fill_read(std::uint64_t number) {
    reads_[number % kEntries] = Entry<const std::uint8_t>{number, memory_.page_for_read(number)};
  }
  /// Drops the page's decodings, marks it dirty and caches it for writes (and reads, since
  /// writing may have unshared it from a snapshot).
  void fill_write(std::uint64_t number) {
    decoded_.before_store(number);
    std::uint8_t* data = memory_.page_for_write(number);
    writes_[number % kEntries] = Entry<std::uint8_t>{number, data};
    reads_[number % kEntries] = Entry<const std::uint8_t>{number, data};
  }

  /// For a store that missed the write cache: MerkleMemory::admit for page `number`, which
  /// may free pages (then every cached pointer is dropped); an admitted page is cached for
  /// writes.
  MerkleMemory::Admission admit_write(std::uint64_t number, bool nonzero, std::uint64_t limit) {
    const std::uint64_t epoch = memory_.epoch();
    const MerkleMemory::Admission admission = memory_.admit(number, nonzero, limit);
    if (memory_.epoch() != epoch) {
      reads_.fill({});
      writes_.fill({});
    }
    if (admission == MerkleMemory::Admission::write) fill_write(number);
    return admission;
  }

  /// The loop cached the first decoding of page `number`: stores to it must go through the
  /// decode cache's check again.
  void note_decoded(std::uint64_t number) {
    if (!decoded_.mark_decoded(number)) return;
    auto& entry = writes_[number % kEntries];
    if (entry.number == number) entry = {};
  }

 private:
  static constexpr std::size_t kEntries = 64;
  template <class Byte>
  struct Entry {
    std::uint64_t number = ~std::uint64_t{0};  // no page has this number
    Byte* data = nullptr;
  };

  template <class Byte>
  __attribute__((always_inline)) static Byte* lookup(const std::array<Entry<Byte>, kEntries>& cache,
                                                     std::uint64_t address, unsigned size) {
    const std::uint64_t number = address >> MerkleMemory::kPageBits;
    const std::size_t offset = address % MerkleMemory::kPageBytes;
    const Entry<Byte>& entry = cache[number % kEntries];
    if (entry.number == number && offset + size <= MerkleMemory::kPageBytes) [[likely]] {
      Byte* bytes = entry.data + offset;
      if (bytes == nullptr) __builtin_unreachable();  // a cached page has data: callers' miss
      return bytes;                                   // checks fold away on a hit
    }
    return nullptr;
  }

  MerkleMemory& memory_;
  Decoded& decoded_;
  std::array<Entry<const std::uint8_t>, kEntries> reads_{};
  std::array<Entry<std::uint8_t>, kEntries> writes_{};
};

}  // namespace faultline
