// The support table in backends/riscv/README.md and the state layout in docs/backends/riscv.md
// are generated from isa.def and kStateLayout; this test fails when they drift and prints the
// text to paste.
#include <catch2/catch.hpp>
#include <sstream>

#include "faultline/file.hpp"
#include "faultline/riscv/state.hpp"
#include "isa.hpp"

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

std::string layout_table() {
  std::ostringstream out;
  out << "| Offset | Size | Field | Meaning |\n|---|---|---|---|\n";
  for (const auto& field : faultline::riscv::kStateLayout) {
    out << "| " << field.offset << " | " << field.size << " | `" << field.name << "` | "
        << field.description << " |\n";
  }
  return out.str();
}

std::string section(const std::string& path, const std::string& marker) {
  auto bytes = faultline::read_file(path);
  REQUIRE(bytes.ok());
  const std::string text(bytes->begin(), bytes->end());
  const std::string begin = "<!-- " + marker + ":begin -->\n";
  const std::string end = "<!-- " + marker + ":end -->";
  const auto from = text.find(begin);
  const auto to = text.find(end);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  return text.substr(from + begin.size(), to - from - begin.size());
}

/// Compares a generated section with the document; on a mismatch writes the generated text
/// next to the test binary for pasting.
void check_section(const std::string& document, const std::string& marker,
                   const std::string& expected) {
  const std::string actual = section(FAULTLINE_SOURCE_DIR "/" + document, marker);
  if (actual != expected) {
    REQUIRE(faultline::write_file(marker + ".expected.md", faultline::as_bytes(expected)));
    FAIL(document << " is out of date: paste " << marker << ".expected.md between its " << marker
                  << " markers");
  }
}

}  // namespace

TEST_CASE("the README's support table is generated from isa.def") {
  check_section("backends/riscv/README.md", "support-table", support_table());
}

TEST_CASE("the documented state layout is kStateLayout") {
  check_section("docs/backends/riscv.md", "state-layout", layout_table());
}
