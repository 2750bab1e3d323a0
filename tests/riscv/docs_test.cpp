// The support table in backends/riscv/README.md and the state layout in docs/backends/riscv.md
// are generated from isa.def and kStateLayout; this test fails when they drift and prints the
// text to paste.
#include <catch2/catch.hpp>
#include <sstream>

#include "doc_sections.hpp"
#include "faultline/riscv/state.hpp"
#include "riscv/src/isa.hpp"

namespace {

std::string display_name(std::string_view op) {
  std::string name(op);
  if (name.ends_with("64") && name.size() > 2 && name[name.size() - 3] != '_')
    name.resize(name.size() - 2);
  if (name.ends_with('_')) name.pop_back();
  for (char& c : name)
    c = c == '_' ? '.' : c;
  return name;
}

std::string hex(std::uint32_t value, int digits) {
  std::ostringstream out;
  out << "0x" << std::hex;
  out.width(digits);
  out.fill('0');
  out << value;
  return out.str();
}

std::string support_table() {
  std::ostringstream out;
  out << "| Instruction | Mask | Match | RV32 | RV64 |\n|---|---|---|---|---|\n";
  for (const auto& e : faultline::riscv::kEncodings) {
    const int digits = e.compressed ? 4 : 8;
    out << "| `" << display_name(e.name) << "` | " << hex(e.mask, digits) << " | "
        << hex(e.match, digits) << " | " << (e.xlen != 64 ? "yes" : "") << " | "
        << (e.xlen != 32 ? "yes" : "") << " |\n";
  }
  return out.str();
}

}  // namespace

TEST_CASE("the README's support table is generated from isa.def") {
  faultline::test::check_section("backends/riscv/README.md", "support-table", support_table());
}

TEST_CASE("the documented state layout is kStateLayout") {
  faultline::test::check_section("docs/backends/riscv.md", "state-layout",
                                 faultline::test::layout_table(faultline::riscv::kStateLayout));
}
