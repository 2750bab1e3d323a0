// Tensor commitments (tensor.hpp).
#include "faultline/tensor.hpp"

#include <string>

#include "faultline/keccak.hpp"
#include "faultline/merkle_tree.hpp"

namespace faultline {

std::optional<std::size_t> element_size(ElementType type) noexcept {
  switch (type) {
    case ElementType::uint8:
    case ElementType::int8:
    case ElementType::boolean:
      return 1;
    case ElementType::uint16:
    case ElementType::int16:
    case ElementType::float16:
    case ElementType::bfloat16:
      return 2;
    case ElementType::float32:
    case ElementType::int32:
    case ElementType::uint32:
      return 4;
    case ElementType::int64:
    case ElementType::uint64:
    case ElementType::float64:
      return 8;
  }
  return std::nullopt;
}

std::string_view element_type_name(ElementType type) noexcept {
  switch (type) {
    case ElementType::float32:
      return "float32";
    case ElementType::uint8:
      return "uint8";
    case ElementType::int8:
      return "int8";
    case ElementType::uint16:
      return "uint16";
    case ElementType::int16:
      return "int16";
    case ElementType::int32:
      return "int32";
    case ElementType::int64:
      return "int64";
    case ElementType::boolean:
      return "bool";
    case ElementType::float16:
      return "float16";
    case ElementType::float64:
      return "float64";
    case ElementType::uint32:
      return "uint32";
    case ElementType::uint64:
      return "uint64";
    case ElementType::bfloat16:
      return "bfloat16";
  }
  return "unknown";
}

Result<std::uint64_t> element_count(std::span<const std::uint64_t> shape) {
  constexpr std::uint64_t kMax = std::uint64_t{1} << 62;
  std::uint64_t count = 1;
  for (const std::uint64_t dimension : shape) {
    if (dimension != 0 && count > kMax / dimension) {
      return Error{Errc::out_of_range, "a shape of more than 2^62 elements"};
    }
    count *= dimension;
  }
  return count;
}

Hash TensorCommitment::hash() const {
  Bytes encoded;
  encoded.reserve(1 + 8 * (1 + shape.size()) + 32);
  encoded.push_back(static_cast<std::uint8_t>(type));
  const auto put = [&encoded](std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8)
      encoded.push_back(static_cast<std::uint8_t>(value >> shift));
  };
  put(shape.size());
  for (const std::uint64_t dimension : shape)
    put(dimension);
  encoded.insert(encoded.end(), data_root.begin(), data_root.end());
  return keccak256(encoded);
}

Result<TensorCommitment> commit_tensor(ElementType type, std::vector<std::uint64_t> shape,
                                       ByteView bytes) {
  const auto size = element_size(type);
  if (!size) {
    return Error{Errc::invalid_argument,
                 "element type " + std::to_string(static_cast<int>(type)) + " is not known"};
  }
  auto count = element_count(shape);
  if (!count) return count.error();
  if (*count > (std::uint64_t{1} << 62) / *size || *count * *size != bytes.size()) {
    return Error{Errc::malformed_input, "a " + std::string(element_type_name(type)) +
                                            " tensor of " + std::to_string(*count) +
                                            " elements has " + std::to_string(bytes.size()) +
                                            " bytes"};
  }
  return TensorCommitment{type, std::move(shape), MerkleTree::of_bytes(bytes).root()};
}

}  // namespace faultline
