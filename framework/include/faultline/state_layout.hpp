// How a backend declares the byte layout of its encoded state, so that documentation, the
// Solidity verifier generator and tests read it from one place.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "faultline/error.hpp"

namespace faultline {

/// One field of an encoded state. Multi-byte integers are big-endian (as the EVM reads them).
struct StateField {
  std::string_view name;
  std::size_t offset;
  std::size_t size;
  std::string_view description;
};

/// True if the fields are in order, do not overlap and leave no gaps up to `total_size`.
constexpr bool is_contiguous_layout(std::span<const StateField> fields, std::size_t total_size) {
  std::size_t next = 0;
  for (const StateField& field : fields) {
    if (field.offset != next || field.size == 0) return false;
    next += field.size;
  }
  return next == total_size;
}

/// A Merkle memory (merkle_memory.hpp) whose root is a 32-byte field of the state.
struct MemoryLayout {
  std::string_view root_field;  ///< name of the field holding the root
  unsigned address_bits;        ///< the memory holds 2^address_bits bytes (12..64)
};

/// Everything the framework needs to know about a backend's encoded state to decode it and
/// commit to it without knowing the backend: its fields, which one is the VM status byte (a
/// VmStatus value, the byte the commitment puts in its byte 0) and its Merkle memories.
/// A view: the arrays it points at must outlive it (backends keep them in constexpr tables).
struct StateLayout {
  std::span<const StateField> fields;
  std::string_view status_field;
  std::span<const MemoryLayout> memories;

  /// Encoded size: the end of the last field.
  [[nodiscard]] constexpr std::size_t size() const noexcept {
    return fields.empty() ? 0 : fields.back().offset + fields.back().size;
  }

  /// The field called `name`, or nullptr.
  [[nodiscard]] constexpr const StateField* find(std::string_view name) const noexcept {
    for (const StateField& field : fields) {
      if (field.name == name) return &field;
    }
    return nullptr;
  }
};

/// Checks what a generator or decoder relies on: field names are lower-case snake_case
/// identifiers ([a-z][a-z0-9_]*) and unique, the fields are contiguous, the status field
/// exists and is 1 byte, and each memory's root field exists, is 32 bytes and has 12 to 64
/// address bits. invalid_argument naming the first problem.
Result<void> check_state_layout(const StateLayout& layout);

}  // namespace faultline
