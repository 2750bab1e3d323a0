// The support table in backends/mips/README.md and the state layout in docs/backends/mips.md
// are generated from isa.def and kStateLayout; this test fails when they drift and writes the
// text to paste.
#include <catch2/catch.hpp>
#include <cstdio>

#include "doc_sections.hpp"
#include "faultline/mips/state.hpp"
#include "mips/src/isa.hpp"

namespace {

std::string support_table() {
  std::ostringstream out;
  out << "| Instruction | Mask | Match | MIPS32 | MIPS64 |\n|---|---|---|---|---|\n";
  for (const auto& e : faultline::mips::kEncodings) {
    std::string name(e.name);
    if (name.ends_with('_')) name.pop_back();
    char numbers[40];
    std::snprintf(numbers, sizeof numbers, "0x%08x | 0x%08x", e.mask, e.match);
    out << "| `" << name << "` | " << numbers << " | " << (e.bits != 64 ? "yes" : "")
        << " | yes |\n";
  }
  return out.str();
}

}  // namespace

TEST_CASE("the MIPS README's support table is generated from isa.def") {
  faultline::test::check_section("backends/mips/README.md", "support-table", support_table());
}

TEST_CASE("the documented MIPS state layout is kStateLayout") {
  faultline::test::check_section("docs/backends/mips.md", "state-layout",
                                 faultline::test::layout_table(faultline::mips::kStateLayout));
}
