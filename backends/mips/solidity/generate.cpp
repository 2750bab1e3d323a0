// Writes the MIPS Solidity step verifier from its template and the C++ backend's facts (the
// narrow generator; see backends/riscv/solidity/generate.cpp for the pattern). Besides the
// framework's {{merkle_memory}} and {{selector:...}}, the template may name
//   {{decode}}     a Yul decoder from isa.def,   {{op_class}}  opClass(op) -> class id,
//   {{NAME}}       an op id (addu, illegal), a class id (class.shift), a state field's offset
//                  (offset.pc), a fault cause (fault.trap), a system call number of either ABI
//                  (o32.read, n64.read), an errno, an mmap flag, an address-map bound,
//                  a VM status,
// and must have a case for every instruction of the table.
//
// Usage: faultline_mips_solidity TEMPLATE OUTPUT
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "faultline/solidity_template.hpp"
#include "mips/src/isa.hpp"
#include "mips/src/step.hpp"

namespace {

namespace mips = faultline::mips;

std::optional<std::string> generated(std::string_view name) {
  if (name == "decode") {
    std::vector<faultline::DecoderEntry> entries;
    for (const mips::Encoding& e : mips::kEncodings)
      entries.push_back({e.name, e.mask, e.match, static_cast<unsigned>(e.op), e.bits});
    // Major opcode, then the function field (SPECIAL, SPECIAL2, SPECIAL3) or rt (REGIMM).
    return faultline::yul_decoder(
        "decode", entries, {26, 0x3f},
        [](std::uint32_t major) -> std::optional<faultline::BitField> {
          if (major == 0 || major == 0x1c || major == 0x1f) return faultline::BitField{0, 0x3f};
          if (major == 1) return faultline::BitField{16, 0x1f};
          return std::nullopt;
        },
        static_cast<unsigned>(mips::Op::illegal));
  }
  if (name == "op_class") {
    // A byte per op, 32 to a word: opClass(op) = byte(op % 32, word[op / 32]).
    std::ostringstream out;
    out << "function opClass(op) -> c {\nswitch shr(5, op)\n";
    const std::size_t count = std::size(mips::kEncodings);
    for (std::size_t word = 0; word * 32 < count; ++word) {
      out << "case " << word << " { c := byte(and(op, 31), 0x";
      for (std::size_t i = word * 32; i < word * 32 + 32; ++i) {
        char digits[3];
        std::snprintf(digits, sizeof digits, "%02x",
                      i < count ? static_cast<unsigned>(mips::kEncodings[i].op_class) : 0xffu);
        out << digits;
      }
      out << ") }\n";
    }
    out << "}\n";
    return out.str();
  }
  return std::nullopt;
}

std::map<std::string, std::string> values() {
  std::map<std::string, std::string> out;
  for (const mips::Encoding& e : mips::kEncodings)
    out[std::string(e.name)] = std::to_string(static_cast<unsigned>(e.op));
  out["illegal"] = std::to_string(static_cast<unsigned>(mips::Op::illegal));
  for (std::size_t i = 0; i < std::size(mips::kOpClassNames); ++i)
    out["class." + std::string(mips::kOpClassNames[i])] = std::to_string(i);
  for (const faultline::StateField& field : mips::kStateLayout)
    out["offset." + std::string(field.name)] = std::to_string(field.offset);
  out["state.size"] = std::to_string(mips::kEncodedStateSize);
  for (unsigned cause = 0; cause <= static_cast<unsigned>(mips::FaultCause::memory_limit); ++cause)
    out["fault." + std::string(mips::fault_cause_name(static_cast<mips::FaultCause>(cause)))] =
        std::to_string(cause);
  const std::pair<const char*, const mips::sys::Numbers*> abis[] = {{"o32", &mips::sys::kO32},
                                                                    {"n64", &mips::sys::kN64}};
  for (const auto& [abi, n] : abis) {
    const std::pair<const char*, std::uint64_t> calls[] = {{"read", n->read},
                                                           {"write", n->write},
                                                           {"exit", n->exit},
                                                           {"exit_group", n->exit_group},
                                                           {"brk", n->brk},
                                                           {"mmap", n->mmap},
                                                           {"mmap2", n->mmap2},
                                                           {"munmap", n->munmap},
                                                           {"set_thread_area", n->set_thread_area},
                                                           {"clock_gettime", n->clock_gettime},
                                                           {"clock_gettime64", n->clock_gettime64}};
    for (const auto& [call, number] : calls) {
      if (number != 0) out[std::string(abi) + "." + call] = std::to_string(number);
    }
  }
  namespace sys = mips::sys;
  const std::pair<const char*, std::uint64_t> numbers[] = {
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
      {"status.running", static_cast<std::uint64_t>(faultline::VmStatus::running)},
      {"status.faulted", static_cast<std::uint64_t>(faultline::VmStatus::faulted)},
      {"map32.mmap_base", mips::kAddressMap32.mmap_base},
      {"map32.mmap_end", mips::kAddressMap32.mmap_end},
      {"map64.mmap_base", mips::kAddressMap64.mmap_base},
      {"map64.mmap_end", mips::kAddressMap64.mmap_end},
  };
  for (const auto& [name, value] : numbers)
    out[name] = std::to_string(value);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: faultline_mips_solidity TEMPLATE OUTPUT\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 1;
  }
  auto filled = faultline::fill_solidity_template(buffer.str(), values(), generated);
  if (!filled) {
    std::cerr << argv[1] << ": " << filled.error().message << "\n";
    return 1;
  }
  int missing = 0;
  for (const mips::Encoding& e : mips::kEncodings) {
    if (filled->used.count(std::string(e.name)) == 0) {
      std::cerr << argv[1] << ": no case for " << e.name << "\n";
      ++missing;
    }
  }
  if (missing != 0) return 1;
  std::ofstream file(argv[2], std::ios::binary);
  file << "// GENERATED by faultline_mips_solidity from backends/mips/solidity/"
          "MipsStepVerifier.sol.in\n// and backends/mips/src/isa.def: edit those, then run "
          "`make solidity`.\n"
       << filled->text;
  if (!file.flush()) {
    std::cerr << "cannot write " << argv[2] << "\n";
    return 1;
  }
  return 0;
}
