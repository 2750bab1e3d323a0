// Documentation sections generated from code (tables between <!-- name:begin --> and
// <!-- name:end --> markers): tests compare them with the generator's text and fail on drift.
#pragma once

#include <catch2/catch.hpp>
#include <span>
#include <sstream>
#include <string>

#include "faultline/file.hpp"
#include "faultline/state_layout.hpp"

namespace faultline::test {

/// The Markdown table of a backend's state layout.
inline std::string layout_table(std::span<const StateField> layout) {
  std::ostringstream out;
  out << "| Offset | Size | Field | Meaning |\n|---|---|---|---|\n";
  for (const auto& field : layout) {
    out << "| " << field.offset << " | " << field.size << " | `" << field.name << "` | "
        << field.description << " |\n";
  }
  return out.str();
}

inline std::string section(const std::string& path, const std::string& marker) {
  auto bytes = read_file(path);
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

/// Compares a generated section of `document` (relative to the source tree) with `expected`;
/// on a mismatch writes the expected text next to the test binary for pasting.
inline void check_section(const std::string& document, const std::string& marker,
                          const std::string& expected) {
  const std::string actual = section(FAULTLINE_SOURCE_DIR "/" + document, marker);
  if (actual != expected) {
    REQUIRE(write_file(marker + ".expected.md", as_bytes(expected)));
    FAIL(document << " is out of date: paste " << marker << ".expected.md between its " << marker
                  << " markers");
  }
}

}  // namespace faultline::test
