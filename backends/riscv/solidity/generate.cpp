// Writes the RISC-V Solidity step verifier from its template: the narrow generator that keeps
// the onchain step on the C++ backend's facts. Besides the framework's {{selector:...}}, the
// template may name
//   {{decode}}, {{decode_c}}  Yul decoders of 32-bit and compressed instructions from isa.def,
//   {{NAME}}                  an op id (addi, c_lw, illegal), a state field's offset
//                             (offset.pc), a fault cause (fault.address_wrap), a system call
//                             number or errno (sys.read, errno.ENOSYS), an address-map bound
//                             (map64.mmap_base), a VM status (status.running),
// and must have a case for every instruction of the table. The semantics are written in the
// template as a mirror of step.hpp; the anvil differential tests hold the two equal.
//
// Usage: faultline_riscv_solidity TEMPLATE OUTPUT
#include <fstream>
#include <iostream>
#include <sstream>

#include "faultline/solidity_template.hpp"
#include "riscv/src/isa.hpp"
#include "riscv/src/step.hpp"

namespace {

namespace rv = faultline::riscv;

std::vector<faultline::DecoderEntry> table(bool compressed) {
  std::vector<faultline::DecoderEntry> out;
  for (const rv::Encoding& e : rv::kEncodings) {
    if (e.compressed == compressed)
      out.push_back({e.name, e.mask, e.match, static_cast<unsigned>(e.op), e.xlen});
  }
  return out;
}

std::optional<std::string> decoder(std::string_view name) {
  const unsigned illegal = static_cast<unsigned>(rv::Op::illegal);
  if (name == "decode") {
    // opcode[6:2], then funct3
    return faultline::yul_decoder(
        "decode", table(false), {2, 0x1f},
        [](std::uint32_t) {
          return std::optional<faultline::BitField>({12, 7});
        },
        illegal);
  }
  if (name == "decode_c") {
    // quadrant[1:0], then funct3[15:13]
    return faultline::yul_decoder(
        "decode_c", table(true), {0, 3},
        [](std::uint32_t) {
          return std::optional<faultline::BitField>({13, 7});
        },
        illegal);
  }
  return std::nullopt;
}

std::map<std::string, std::string> values() {
  namespace sys = rv::sys;
  std::map<std::string, std::string> out;
  for (const rv::Encoding& e : rv::kEncodings)
    out[std::string(e.name)] = std::to_string(static_cast<unsigned>(e.op));
  out["illegal"] = std::to_string(static_cast<unsigned>(rv::Op::illegal));
  for (const faultline::StateField& field : rv::kStateLayout)
    out["offset." + std::string(field.name)] = std::to_string(field.offset);
  out["state.size"] = std::to_string(rv::kEncodedStateSize);
  for (unsigned cause = 0; cause <= static_cast<unsigned>(rv::FaultCause::memory_limit); ++cause)
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
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 1;
  }
  auto filled = faultline::fill_solidity_template(buffer.str(), values(), decoder);
  if (!filled) {
    std::cerr << argv[1] << ": " << filled.error().message << "\n";
    return 1;
  }
  // Completeness, as evmone's static_asserts do for its opcode table: every instruction of the
  // table has its case in the template.
  int missing = 0;
  for (const rv::Encoding& e : rv::kEncodings) {
    if (filled->used.count(std::string(e.name)) == 0) {
      std::cerr << argv[1] << ": no case for " << e.name << "\n";
      ++missing;
    }
  }
  if (missing != 0) return 1;

  std::ofstream file(argv[2], std::ios::binary);
  file << "// GENERATED by faultline_riscv_solidity from backends/riscv/solidity/"
          "RiscvStepVerifier.sol.in\n// and backends/riscv/src/isa.def: edit those, then run "
          "`make solidity`.\n"
       << filled->text;
  if (!file.flush()) {
    std::cerr << "cannot write " << argv[2] << "\n";
    return 1;
  }
  return 0;
}
