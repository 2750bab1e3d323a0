// Typed views of a Tensor's little-endian bytes for the kernels, and the shape arithmetic they
// share (strides, multidirectional broadcasting).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "faultline/onnx/model.hpp"

namespace faultline::onnx::detail {

static_assert(std::endian::native == std::endian::little,
              "tensors are little-endian bytes, read in place");

/// The C++ type of an element type's values (booleans as bytes).
template <ElementType T>
struct Element;
template <>
struct Element<ElementType::float32> {
  using type = float;
};
template <>
struct Element<ElementType::float64> {
  using type = double;
};
template <>
struct Element<ElementType::int8> {
  using type = std::int8_t;
};
template <>
struct Element<ElementType::uint8> {
  using type = std::uint8_t;
};
template <>
struct Element<ElementType::int16> {
  using type = std::int16_t;
};
template <>
struct Element<ElementType::uint16> {
  using type = std::uint16_t;
};
template <>
struct Element<ElementType::int32> {
  using type = std::int32_t;
};
template <>
struct Element<ElementType::uint32> {
  using type = std::uint32_t;
};
template <>
struct Element<ElementType::int64> {
  using type = std::int64_t;
};
template <>
struct Element<ElementType::uint64> {
  using type = std::uint64_t;
};
template <>
struct Element<ElementType::boolean> {
  using type = std::uint8_t;
};

/// The values of a tensor as a vector of T (copied: the bytes need not be aligned for T).
template <class T>
std::vector<T> values(const Tensor& tensor) {
  std::vector<T> out(tensor.data.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), tensor.data.data(), out.size() * sizeof(T));
  return out;
}

template <class T>
Tensor make_tensor(ElementType type, std::vector<std::uint64_t> shape, const std::vector<T>& data) {
  Tensor out;
  out.type = type;
  out.shape = std::move(shape);
  out.data.resize(data.size() * sizeof(T));
  if (!data.empty()) std::memcpy(out.data.data(), data.data(), out.data.size());
  return out;
}

inline std::uint64_t count_of(const std::vector<std::uint64_t>& shape) {
  std::uint64_t count = 1;
  for (const std::uint64_t dimension : shape)
    count *= dimension;
  return count;
}

inline std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

/// Row-major strides (in elements) of a shape.
inline std::vector<std::uint64_t> strides_of(const std::vector<std::uint64_t>& shape) {
  std::vector<std::uint64_t> strides(shape.size(), 1);
  for (std::size_t i = shape.size(); i-- > 1;)
    strides[i - 1] = strides[i] * shape[i];
  return strides;
}

/// Calls fn(position) or fn(position, flat index) for every position of `shape`, row-major.
template <class Fn>
void for_each_index(const std::vector<std::uint64_t>& shape, Fn&& fn) {
  std::vector<std::uint64_t> at(shape.size(), 0);
  const std::uint64_t count = count_of(shape);
  for (std::uint64_t n = 0; n < count; ++n) {
    if constexpr (std::is_invocable_v<Fn&, const std::vector<std::uint64_t>&, std::uint64_t>) {
      fn(at, n);
    } else {
      fn(at);
    }
    for (std::size_t i = shape.size(); i-- > 0;) {
      if (++at[i] < shape[i]) break;
      at[i] = 0;
    }
  }
}

/// The shape two shapes broadcast to (numpy's rule), or nullopt.
inline std::optional<std::vector<std::uint64_t>> broadcast_shape(
    const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  std::vector<std::uint64_t> out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::uint64_t x = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::uint64_t y = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (x != y && x != 1 && y != 1) return std::nullopt;
    out[i] = x == 1 ? y : x;
  }
  return out;
}

/// Walks the elements of `to` in row-major order and says which element of `from` each reads
/// when `from` is broadcast to `to`, without materialising the indices.
class BroadcastWalk {
 public:
  BroadcastWalk(const std::vector<std::uint64_t>& from, const std::vector<std::uint64_t>& to)
      : to_(to), strides_(to.size(), 0), at_(to.size(), 0) {
    const std::size_t offset = to.size() - from.size();
    std::uint64_t stride = 1;
    for (std::size_t i = to.size(); i-- > offset;) {
      const std::uint64_t dimension = from[i - offset];
      strides_[i] = dimension == 1 ? 0 : stride;
      stride *= dimension;
    }
  }
  [[nodiscard]] std::uint64_t index() const noexcept { return index_; }
  void next() noexcept {
    for (std::size_t i = to_.size(); i-- > 0;) {
      if (++at_[i] < to_[i]) {
        index_ += strides_[i];
        return;
      }
      index_ -= strides_[i] * (to_[i] - 1);
      at_[i] = 0;
    }
  }

 private:
  std::vector<std::uint64_t> to_, strides_, at_;
  std::uint64_t index_ = 0;
};

/// For each element of `to` (row-major), the index of the element of `from` it reads when
/// `from` is broadcast to `to` (for small shapes: it holds 8 bytes per element).
inline std::vector<std::uint64_t> broadcast_indices(const std::vector<std::uint64_t>& from,
                                                    const std::vector<std::uint64_t>& to) {
  const std::size_t rank = to.size(), offset = rank - from.size();
  std::vector<std::uint64_t> strides(rank, 0);
  std::uint64_t stride = 1;
  for (std::size_t i = rank; i-- > offset;) {
    const std::uint64_t dimension = from[i - offset];
    strides[i] = dimension == 1 ? 0 : stride;
    stride *= dimension;
  }
  const std::uint64_t count = count_of(to);
  std::vector<std::uint64_t> out(count);
  std::vector<std::uint64_t> at(rank, 0);
  std::uint64_t index = 0;
  for (std::uint64_t n = 0; n < count; ++n) {
    out[n] = index;
    for (std::size_t i = rank; i-- > 0;) {
      if (++at[i] < to[i]) {
        index += strides[i];
        break;
      }
      index -= strides[i] * (to[i] - 1);
      at[i] = 0;
    }
  }
  return out;
}

}  // namespace faultline::onnx::detail
