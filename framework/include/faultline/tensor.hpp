// Tensors as a state commits to them: an element type, a shape and the Merkle root of the
// bytes (merkle_tree.hpp), so one tensor, or a 32-byte part of one, is proven alone. The
// numbers of the element types are ONNX's (TensorProto.DataType), a shared vocabulary: the
// framework reads no ONNX.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"

namespace faultline {

enum class ElementType : std::uint8_t {
  float32 = 1,
  uint8 = 2,
  int8 = 3,
  uint16 = 4,
  int16 = 5,
  int32 = 6,
  int64 = 7,
  boolean = 9,  ///< one byte, 0 or 1
  float16 = 10,
  float64 = 11,
  uint32 = 12,
  uint64 = 13,
  bfloat16 = 16,
};

/// Bytes of one element; nullopt for a number that names no element type here.
[[nodiscard]] std::optional<std::size_t> element_size(ElementType type) noexcept;
/// "float32", "int64", ...; "unknown" otherwise.
[[nodiscard]] std::string_view element_type_name(ElementType type) noexcept;

/// The product of the dimensions (1 for a scalar); out_of_range if it passes 2^62 elements.
[[nodiscard]] Result<std::uint64_t> element_count(std::span<const std::uint64_t> shape);

/// What a state commits to about one tensor. Its bytes are its elements in row-major order,
/// each little-endian.
struct TensorCommitment {
  ElementType type = ElementType::float32;
  std::vector<std::uint64_t> shape;
  Hash data_root{};  ///< MerkleTree::of_bytes(bytes).root()

  /// keccak256(type (1 byte) || rank (8, big-endian) || each dimension (8, big-endian) ||
  /// data_root): the 32 bytes a state holds for the tensor.
  [[nodiscard]] Hash hash() const;
  friend bool operator==(const TensorCommitment&, const TensorCommitment&) = default;
};

/// The commitment of a tensor's bytes: invalid_argument for an unknown element type,
/// out_of_range for a shape of over 2^62 elements, malformed_input if the bytes are not
/// exactly element_count(shape) · element_size(type).
[[nodiscard]] Result<TensorCommitment> commit_tensor(ElementType type,
                                                     std::vector<std::uint64_t> shape,
                                                     ByteView bytes);

}  // namespace faultline
