// How a backend declares the byte layout of its encoded state, so that documentation, the
// Solidity verifier generator and tests read it from one place.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

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

}  // namespace faultline
