// Filling Solidity templates from C++ facts: how a backend's onchain step verifier is generated
// from a hand-written template plus the backend's tables, so encodings, op numbers, state
// offsets and error selectors have one source of truth. Knows no backend.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/error.hpp"

namespace faultline {

/// A filled template and the placeholder names it used.
struct FilledTemplate {
  std::string text;
  std::set<std::string> used;
};

/// Replaces every `{{name}}` in `text`: `{{merkle_memory}}` by yul_merkle_memory(),
/// `{{selector:Name(type,...)}}` by the signature's 4-byte selector in hex, a name that `generate`
/// answers by its text, any other name by values[name]. invalid_argument names an unknown
/// placeholder or an unterminated `{{`.
Result<FilledTemplate> fill_solidity_template(
    std::string_view text, const std::map<std::string, std::string>& values,
    const std::function<std::optional<std::string>(std::string_view name)>& generate = {});

/// One row of an instruction table: `insn` is `id` when (insn & mask) == match, on every
/// profile (only_width 0) or only where the decoder's `width` argument equals only_width.
struct DecoderEntry {
  std::string_view name;
  std::uint32_t mask = 0;
  std::uint32_t match = 0;
  unsigned id = 0;
  unsigned only_width = 0;
};

/// A bit field of an instruction: (insn >> shift) & mask.
struct BitField {
  unsigned shift = 0;
  std::uint32_t mask = 0;
};

/// A Yul function `function NAME(insn, width) -> op` that returns the id of the first entry
/// (in table order) matching `insn`, or `no_match`. It switches on the major field, then, for
/// majors whose entries all fix it, on the minor field `minor(major)` returns.
std::string yul_decoder(std::string_view function_name, const std::vector<DecoderEntry>& entries,
                        BitField major,
                        const std::function<std::optional<BitField>(std::uint32_t major)>& minor,
                        unsigned no_match);

/// Yul functions every generated step verifier shares (the template's {{merkle_memory}}):
///   fail1(selector, a), fail2(selector, a, b)  revert with a named error;
///   bubble()                                   re-raise a failed call's revert;
///   field64(offset), setField64(offset, v),    big-endian state fields at STATE + offset
///   field8(offset)                             (8 and 1 bytes);
///   leafFor(index) -> entry                    the proven leaf `index` (reads its proof from
///                                              the witness on first touch: the LeafProofs rule);
///   written(entry)                             after the leaf's value changed: new root, and
///                                              only this leaf stays proven;
///   withByte(word, position, byte) -> word     one byte of a 32-byte word replaced;
///   admit(entry, value) -> ok                  the memory limit for writing `value` into the
///                                              leaf: 0 if refused, else pages_in_use updated
///                                              (page_is_zero and count_page_change in C++).
/// An entry is 3 words: leaf index, value, calldata offset of its siblings. The template must
/// declare the memory constants STATE (the encoded state), ROOT (the state's memory root word),
/// LEAVES (4 entries), LEAF_COUNT, CURSOR and PROOF_END (calldata offsets of the next unread proof
/// and the proof's end), ACCESSES (proofs read), WIDTH (the memory's address bits), and
/// MEMORY_LIMIT and PAGES_IN_USE (offsets of the 8-byte state fields of those names), and the
/// errors MemoryProofTruncated(uint256 access) and MemoryProofMismatch(uint256 access, uint256
/// leafAddress).
std::string yul_merkle_memory();

}  // namespace faultline
