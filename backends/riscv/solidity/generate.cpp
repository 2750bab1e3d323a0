// Writes the RISC-V Solidity step verifier from its template: the narrow generator that keeps
// the onchain step on the C++ backend's facts. It substitutes
//   {{decode}}        a Yul function decode(insn, xlen) -> op built from isa.def's table,
//   {{decode_c}}      the same for 16-bit compressed instructions,
//   {{selector:SIG}}  the 4-byte selector of an error or function signature ("Name(uint256)"),
//   {{NAME}}          the value of NAME: an op id (addi, c_lw, illegal), a state field's offset
//                     (offset.pc), a fault cause (fault.address_wrap), a system call number or
//                     errno (sys.read, errno.ENOSYS), an address-map constant (map64.mmap_base),
// and fails if the template names something unknown or leaves an instruction without a case.
// The semantics themselves are written in the template as a mirror of step.hpp; the anvil
// differential tests hold the two equal.
//
// Usage: faultline_riscv_solidity TEMPLATE OUTPUT
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "faultline/keccak.hpp"
#include "isa.hpp"
#include "step.hpp"

namespace {

using faultline::riscv::Encoding;
using faultline::riscv::kEncodings;

std::string hex(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%x", value);
  return text;
}

/// Entries of the table for one instruction size, in table order.
std::vector<const Encoding*> entries(bool compressed) {
  std::vector<const Encoding*> out;
  for (const Encoding& e : kEncodings) {
    if (e.compressed == compressed) out.push_back(&e);
  }
  return out;
}

/// One candidate test: the first match wins, as in the C++ decoder (table order).
std::string candidate(const Encoding& e, const std::string& insn) {
  std::string test = "eq(and(" + insn + ", " + hex(e.mask) + "), " + hex(e.match) + ")";
  if (e.xlen != 0) test = "and(eq(xlen, " + std::to_string(e.xlen) + "), " + test + ")";
  return "// " + std::string(e.name) + "\nif " + test +
         " { op := " + std::to_string(static_cast<unsigned>(e.op)) + " leave }\n";
}

/// A two-level Yul switch: on the major field, then on funct3 where candidates differ by it.
std::string decoder(bool compressed) {
  const std::string name = compressed ? "decode_c" : "decode";
  const std::string insn = compressed ? "c" : "insn";
  // 32-bit: opcode[6:2] and funct3[14:12]; compressed: quadrant[1:0] and funct3[15:13].
  const std::uint32_t major_mask = compressed ? 0x0003 : 0x007c;
  const unsigned major_shift = compressed ? 0 : 2;
  const std::uint32_t minor_mask = compressed ? 0xe000 : 0x7000;
  const unsigned minor_shift = compressed ? 13 : 12;

  std::ostringstream out;
  out << "function " << name << "(" << insn << ", xlen) -> op {\n";
  out << "op := " << static_cast<unsigned>(faultline::riscv::Op::illegal) << "\n";
  out << "switch and(shr(" << major_shift << ", " << insn << "), " << hex(major_mask >> major_shift)
      << ")\n";
  std::map<std::uint32_t, std::map<std::uint32_t, std::vector<const Encoding*>>> buckets;
  for (const Encoding* e : entries(compressed)) {
    const std::uint32_t major = (e->match & major_mask) >> major_shift;
    for (std::uint32_t minor = 0; minor < 8; ++minor) {
      const std::uint32_t fixed = minor << minor_shift;
      if ((e->mask & minor_mask) != 0 && (e->match & minor_mask) != fixed) continue;
      buckets[major][minor].push_back(e);
    }
  }
  for (const auto& [major, by_minor] : buckets) {
    out << "case " << hex(major) << " {\n";
    bool same_for_every_minor = by_minor.size() == 8;
    for (const auto& [minor, list] : by_minor)
      same_for_every_minor = same_for_every_minor && list == by_minor.begin()->second;
    if (same_for_every_minor) {
      for (const Encoding* e : by_minor.begin()->second)
        out << candidate(*e, insn);
    } else {
      out << "switch and(shr(" << minor_shift << ", " << insn << "), 7)\n";
      for (const auto& [minor, list] : by_minor) {
        out << "case " << minor << " {\n";
        for (const Encoding* e : list)
          out << candidate(*e, insn);
        out << "}\n";
      }
    }
    out << "}\n";
  }
  out << "}\n";
  return out.str();
}

std::map<std::string, std::string> values() {
  namespace rv = faultline::riscv;
  namespace sys = rv::sys;
  std::map<std::string, std::string> out;
  for (const Encoding& e : kEncodings)
    out[std::string(e.name)] = std::to_string(static_cast<unsigned>(e.op));
  out["illegal"] = std::to_string(static_cast<unsigned>(rv::Op::illegal));
  for (const faultline::StateField& field : rv::kStateLayout)
    out["offset." + std::string(field.name)] = std::to_string(field.offset);
  out["state.size"] = std::to_string(rv::kEncodedStateSize);
  for (unsigned cause = 0; cause <= static_cast<unsigned>(rv::FaultCause::address_wrap); ++cause)
    out["fault." + std::string(rv::fault_cause_name(static_cast<rv::FaultCause>(cause)))] =
        std::to_string(cause);
  const std::pair<const char*, std::int64_t> numbers[] = {
      {"sys.read", sys::kRead},
      {"sys.write", sys::kWrite},
      {"sys.exit", sys::kExit},
      {"sys.exit_group", sys::kExitGroup},
      {"sys.clock_gettime", sys::kClockGettime},
      {"sys.clock_gettime64", sys::kClockGettime64},
      {"sys.brk", sys::kBrk},
      {"sys.munmap", sys::kMunmap},
      {"sys.mmap", sys::kMmap},
      {"fd.hint_read", sys::kHintRead},
      {"fd.hint_write", sys::kHintWrite},
      {"fd.preimage_read", sys::kPreimageRead},
      {"fd.preimage_write", sys::kPreimageWrite},
      {"errno.EBADF", sys::kEBADF},
      {"errno.ENOMEM", sys::kENOMEM},
      {"errno.ENODEV", sys::kENODEV},
      {"errno.EINVAL", sys::kEINVAL},
      {"errno.ENOSYS", sys::kENOSYS},
      {"mmap.fixed", sys::kMapFixed},
      {"mmap.anonymous", sys::kMapAnonymous},
      {"status.running", static_cast<std::int64_t>(faultline::VmStatus::running)},
      {"status.faulted", static_cast<std::int64_t>(faultline::VmStatus::faulted)},
  };
  for (const auto& [name, value] : numbers)
    out[name] = std::to_string(value);
  const std::pair<const char*, const rv::AddressMap*> maps[] = {{"map32", &rv::kAddressMap32},
                                                                {"map64", &rv::kAddressMap64}};
  for (const auto& [name, map] : maps) {
    out[std::string(name) + ".mmap_base"] = std::to_string(map->mmap_base);
    out[std::string(name) + ".mmap_end"] = std::to_string(map->mmap_end);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: faultline_riscv_solidity TEMPLATE OUTPUT\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 1;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  const std::map<std::string, std::string> known = values();
  std::set<std::string> used;
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string::npos) break;
    const std::size_t close = text.find("}}", open);
    if (close == std::string::npos) {
      std::cerr << argv[1] << ": unterminated {{ at byte " << open << "\n";
      return 1;
    }
    out += text.substr(at, open - at);
    const std::string name = text.substr(open + 2, close - open - 2);
    if (name == "decode" || name == "decode_c") {
      out += decoder(name == "decode_c");
    } else if (name.starts_with("selector:")) {
      const std::string signature = name.substr(9);
      const faultline::Hash hash = faultline::keccak256(faultline::ByteView(
          reinterpret_cast<const std::uint8_t*>(signature.data()), signature.size()));
      out += hex(std::uint32_t{hash[0]} << 24 | std::uint32_t{hash[1]} << 16 |
                 std::uint32_t{hash[2]} << 8 | hash[3]);
    } else if (const auto found = known.find(name); found != known.end()) {
      out += found->second;
    } else {
      std::cerr << argv[1] << ": unknown name {{" << name << "}}\n";
      return 1;
    }
    used.insert(name);
    at = close + 2;
  }
  out += text.substr(at);

  // Completeness, as evmone's static_asserts do for its opcode table: every instruction of the
  // table has its case in the template.
  int missing = 0;
  for (const Encoding& e : kEncodings) {
    if (used.count(std::string(e.name)) == 0) {
      std::cerr << argv[1] << ": no case for " << e.name << "\n";
      ++missing;
    }
  }
  if (missing != 0) return 1;

  std::ofstream file(argv[2], std::ios::binary);
  file << "// GENERATED by faultline_riscv_solidity from backends/riscv/solidity/"
          "RiscvStepVerifier.sol.in\n// and backends/riscv/src/isa.def: edit those, then run "
          "`make solidity`.\n"
       << out;
  if (!file.flush()) {
    std::cerr << "cannot write " << argv[2] << "\n";
    return 1;
  }
  return 0;
}
