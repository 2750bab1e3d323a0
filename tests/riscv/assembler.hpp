// Test-side assembler: LLVM's llvm-mc (an assembler nobody here wrote) turns RISC-V assembly
// into encodings, so unit tests do not trust our own encoders.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/file.hpp"
#include "guest_programs.hpp"

namespace faultline::test {

/// Encodings of each line, in order. `compressed` lets llvm-mc use the C extension.
inline std::vector<Bytes> assemble_lines(unsigned xlen, const std::vector<std::string>& lines,
                                         bool compressed) {
  std::string source;
  for (const auto& line : lines)
    source += line + "\n";
  // Test cases run as parallel processes in one directory: name the file per process and call.
  static int calls = 0;
  const std::string path = "asm-" + std::to_string(getpid()) + "-" + std::to_string(++calls) + ".s";
  if (!write_file(path, as_bytes(source))) return {};
  const std::string attributes = compressed ? "+m,+a,+c" : "+m,+a";
  const auto result = run_command("llvm-mc -triple=riscv" + std::to_string(xlen) +
                                  " -mattr=" + attributes + " --show-encoding " + path + " 2>&1");
  std::remove(path.c_str());
  std::vector<Bytes> encodings;
  std::istringstream output(result.output);
  for (std::string line; std::getline(output, line);) {
    const auto at = line.find("encoding: [");
    if (at == std::string::npos) continue;
    Bytes bytes;
    std::istringstream list(line.substr(at + 11));
    for (std::string item; std::getline(list, item, ',');) {
      bytes.push_back(static_cast<std::uint8_t>(std::stoul(item, nullptr, 16)));
    }
    encodings.push_back(bytes);
  }
  if (encodings.size() != lines.size()) {
    throw std::runtime_error("llvm-mc did not assemble every line:\n" + result.output);
  }
  return encodings;
}

/// One program: the concatenated encodings.
inline Bytes assemble(unsigned xlen, const std::vector<std::string>& lines,
                      bool compressed = false) {
  Bytes code;
  for (const Bytes& encoding : assemble_lines(xlen, lines, compressed)) {
    code.insert(code.end(), encoding.begin(), encoding.end());
  }
  return code;
}

}  // namespace faultline::test
