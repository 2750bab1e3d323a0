// The run loops' decode cache: bounded however many pages a guest executes.
#include <catch2/catch.hpp>

#include "faultline/run_cache.hpp"

namespace {

struct Slot {
  std::uint8_t handler = 0;
  std::uint32_t insn = 0;
};
using Cache = faultline::DecodeCache<Slot, 4>;

}  // namespace

TEST_CASE("the decode cache keeps at most kMaxPages pages and stays usable past them") {
  Cache cache;
  for (std::uint64_t page = 0; page < Cache::kMaxPages + 100; ++page) {
    Slot* slot = cache.slot(page << 12 | 8);
    CHECK(slot->handler == Cache::kUndecoded);  // a page dropped or never decoded is empty
    slot->handler = 7;
    slot->insn = static_cast<std::uint32_t>(page);
    REQUIRE(cache.page_count() <= Cache::kMaxPages);
  }
  CHECK(cache.page_count() == 100);  // the first new page past the bound dropped the others
  Slot* last = cache.slot((Cache::kMaxPages + 99) << 12 | 8);
  CHECK(last->insn == Cache::kMaxPages + 99);  // pages since then keep their decodings
  CHECK(cache.slot(8)->handler == Cache::kUndecoded);
}
