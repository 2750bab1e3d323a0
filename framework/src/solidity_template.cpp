// Template filling and Yul decoders for generated Solidity step verifiers.
#include "faultline/solidity_template.hpp"

#include <cstdio>
#include <sstream>

#include "faultline/bytes.hpp"
#include "faultline/keccak.hpp"
#include "faultline/merkle_memory.hpp"

namespace faultline {
namespace {

std::string hex(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%x", value);
  return text;
}

std::string selector(std::string_view signature) {
  const Hash hash = keccak256(as_bytes(signature));
  return hex(std::uint32_t{hash[0]} << 24 | std::uint32_t{hash[1]} << 16 |
             std::uint32_t{hash[2]} << 8 | hash[3]);
}

std::string candidate(const DecoderEntry& e) {
  std::string test = "eq(and(insn, " + hex(e.mask) + "), " + hex(e.match) + ")";
  if (e.only_width != 0)
    test = "and(eq(width, " + std::to_string(e.only_width) + "), " + test + ")";
  return "// " + std::string(e.name) + "\nif " + test + " { op := " + std::to_string(e.id) +
         " leave }\n";
}

}  // namespace

std::string yul_merkle_memory() {
  std::string text = R"(function fail1(selector, a) {
    mstore(0, shl(224, selector))
    mstore(4, a)
    revert(0, 0x24)
}
function fail2(selector, a, b) {
    mstore(0, shl(224, selector))
    mstore(4, a)
    mstore(0x24, b)
    revert(0, 0x44)
}
function bubble() {
    returndatacopy(0, 0, returndatasize())
    revert(0, returndatasize())
}
function field64(offset) -> v {
    v := shr(192, mload(add(STATE, offset)))
}
function setField64(offset, v) {
    let p := add(STATE, offset)
    mstore(p, or(shl(192, and(v, 0xffffffffffffffff)), and(mload(p), sub(shl(192, 1), 1))))
}
function field8(offset) -> v {
    v := byte(0, mload(add(STATE, offset)))
}
function rootFrom(index, node, siblings, height) -> root {
    let end := add(siblings, shl(5, height))
    for {} lt(siblings, end) { siblings := add(siblings, 0x20) } {
        // The node goes left (0x00) or right (0x20) by the index bit: no branch.
        let right := shl(5, and(index, 1))
        mstore(right, node)
        mstore(xor(right, 0x20), calldataload(siblings))
        node := keccak256(0, 0x40)
        index := shr(1, index)
    }
    root := node
}
function leafFor(index) -> entry {
    let count := mload(LEAF_COUNT)
    for { let i := 0 } lt(i, count) { i := add(i, 1) } {
        entry := add(LEAVES, mul(i, 0x60))
        if eq(mload(entry), index) { leave }
    }
    if eq(count, 4) { count := 0 } // unreachable for one instruction
    entry := add(LEAVES, mul(count, 0x60))
    mstore(LEAF_COUNT, add(count, 1))
    let access := add(mload(ACCESSES), 1)
    mstore(ACCESSES, access)
    let height := sub(mload(WIDTH), 5)
    let cursor := mload(CURSOR)
    let size := shl(5, add(height, 1))
    if gt(add(cursor, size), mload(PROOF_END)) {
        fail1({{selector:MemoryProofTruncated(uint256)}}, access)
    }
    let value := calldataload(cursor)
    if iszero(eq(rootFrom(index, value, add(cursor, 0x20), height), mload(ROOT))) {
        fail2({{selector:MemoryProofMismatch(uint256,uint256)}}, access, shl(5, index))
    }
    mstore(CURSOR, add(cursor, size))
    mstore(entry, index)
    mstore(add(entry, 0x20), value)
    mstore(add(entry, 0x40), add(cursor, 0x20))
}
function written(entry) {
    let index := mload(entry)
    let value := mload(add(entry, 0x20))
    let siblings := mload(add(entry, 0x40))
    mstore(ROOT, rootFrom(index, value, siblings, sub(mload(WIDTH), 5)))
    mstore(LEAVES, index)
    mstore(add(LEAVES, 0x20), value)
    mstore(add(LEAVES, 0x40), siblings)
    mstore(LEAF_COUNT, 1)
}
function withByte(full, position, b) -> w {
    let shift := shl(3, sub(31, position))
    w := or(and(full, not(shl(shift, 0xff))), shl(shift, and(b, 0xff)))
}
// True if `value` in the proven leaf `entry` leaves its 4 KiB page (the subtree of height 7)
// all zero.
function pageZero(entry, value) -> z {
    if iszero(value) { z := eq(rootFrom(mload(entry), 0, mload(add(entry, 0x40)), 7), {{zero_page}}) }
}
// The memory limit, before `value` is written into the proven leaf `entry`: making an all-zero
// page non-zero needs pages_in_use < memory_limit and takes a page, making a page all zero
// frees one. 0 if the write is refused (nothing changed).
function admit(entry, value) -> ok {
    ok := 1
    let old := mload(add(entry, 0x20))
    if eq(old, value) { leave }
    let wasZero := pageZero(entry, old)
    let isZero := pageZero(entry, value)
    if and(wasZero, iszero(isZero)) {
        let used := field64(PAGES_IN_USE)
        if iszero(lt(used, field64(MEMORY_LIMIT))) {
            ok := 0
            leave
        }
        setField64(PAGES_IN_USE, add(used, 1))
    }
    if and(iszero(wasZero), isZero) { setField64(PAGES_IN_USE, sub(field64(PAGES_IN_USE), 1)) }
}
)";
  // The selectors are the errors' (the caller's template declares them).
  auto filled =
      fill_solidity_template(text, {{"zero_page", to_hex(zero_hash(MerkleMemory::kPageHeight))}});
  return filled ? filled->text : std::string{};
}

Result<FilledTemplate> fill_solidity_template(
    std::string_view text, const std::map<std::string, std::string>& values,
    const std::function<std::optional<std::string>(std::string_view name)>& generate) {
  FilledTemplate out;
  std::size_t at = 0;
  while (true) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find("}}", open);
    if (close == std::string_view::npos) {
      return Error{Errc::invalid_argument, "unterminated {{ at byte " + std::to_string(open)};
    }
    out.text += text.substr(at, open - at);
    const std::string name(text.substr(open + 2, close - open - 2));
    if (name.starts_with("selector:")) {
      out.text += selector(std::string_view(name).substr(9));
    } else if (name == "merkle_memory") {
      out.text += yul_merkle_memory();
    } else if (auto generated = generate ? generate(name) : std::nullopt) {
      out.text += *generated;
    } else if (const auto found = values.find(name); found != values.end()) {
      out.text += found->second;
    } else {
      return Error{Errc::invalid_argument, "unknown name {{" + name + "}}"};
    }
    out.used.insert(name);
    at = close + 2;
  }
  out.text += text.substr(at);
  return out;
}

std::string yul_decoder(std::string_view function_name, const std::vector<DecoderEntry>& entries,
                        BitField major,
                        const std::function<std::optional<BitField>(std::uint32_t major)>& minor,
                        unsigned no_match) {
  // Entries by major value, in table order (every entry must fix its major field).
  std::map<std::uint32_t, std::vector<const DecoderEntry*>> by_major;
  for (const DecoderEntry& e : entries)
    by_major[(e.match >> major.shift) & major.mask].push_back(&e);

  std::ostringstream out;
  out << "function " << function_name << "(insn, width) -> op {\nop := " << no_match << "\n";
  out << "switch and(shr(" << major.shift << ", insn), " << hex(major.mask) << ")\n";
  for (const auto& [value, list] : by_major) {
    out << "case " << hex(value) << " {\n";
    const std::optional<BitField> field = minor ? minor(value) : std::nullopt;
    bool all_fix_minor = field.has_value();
    for (const DecoderEntry* e : list) {
      if (field && ((e->mask >> field->shift) & field->mask) != field->mask) all_fix_minor = false;
    }
    if (!all_fix_minor) {
      for (const DecoderEntry* e : list)
        out << candidate(*e);
    } else {
      std::map<std::uint32_t, std::vector<const DecoderEntry*>> by_minor;
      for (const DecoderEntry* e : list)
        by_minor[(e->match >> field->shift) & field->mask].push_back(e);
      out << "switch and(shr(" << field->shift << ", insn), " << hex(field->mask) << ")\n";
      for (const auto& [minor_value, minor_list] : by_minor) {
        out << "case " << hex(minor_value) << " {\n";
        for (const DecoderEntry* e : minor_list)
          out << candidate(*e);
        out << "}\n";
      }
    }
    out << "}\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace faultline
