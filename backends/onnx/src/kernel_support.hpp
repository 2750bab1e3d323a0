// What the kernels share: errors that name the node, canonical NaNs, wrapping integer
// arithmetic, dispatch on element types, input and attribute access.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "faultline/onnx/operators.hpp"
#include "tensor_access.hpp"

namespace faultline::onnx::detail {

inline Error node_error(const Node& node, const std::string& what) {
  return Error{Errc::invalid_argument,
               "node " + (node.name.empty() ? std::string() : "\"" + node.name + "\" ") + "(" +
                   node.op_type + "): " + what};
}

/// A valid input of an element type this kernel does not compute (float16 today, say).
inline Error type_unsupported(const Node& node, ElementType type) {
  return Error{Errc::unsupported,
               "node " + (node.name.empty() ? std::string() : "\"" + node.name + "\" ") + "(" +
                   node.op_type + "): " + std::string(element_type_name(type)) +
                   " inputs are not computed yet"};
}

/// A valid use of the operator that this kernel does not implement yet.
inline Error feature_unsupported(const Node& node, const std::string& what) {
  return Error{Errc::unsupported,
               "node " + (node.name.empty() ? std::string() : "\"" + node.name + "\" ") + "(" +
                   node.op_type + "): " + what + " is not supported yet"};
}

/// NaNs leave every kernel as one bit pattern, whichever NaN the host produced.
template <class F>
F canonical(F value) {
  if constexpr (std::is_floating_point_v<F>) {
    if (std::isnan(value)) return std::numeric_limits<F>::quiet_NaN();
  }
  return value;
}

/// The canonical sum of a sequence of terms, the one reduction order of every kernel: term i
/// is added into lane i mod 8 in order, and the lanes are combined as
/// ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)). Each addition rounds (no contraction).
template <class F>
class CanonicalSum {
 public:
  void add(F term) {
    lanes_[count_ % 8] = lanes_[count_ % 8] + term;
    ++count_;
  }
  [[nodiscard]] F total() const {
    return ((lanes_[0] + lanes_[1]) + (lanes_[2] + lanes_[3])) +
           ((lanes_[4] + lanes_[5]) + (lanes_[6] + lanes_[7]));
  }
  [[nodiscard]] std::size_t count() const noexcept { return count_; }

 private:
  std::array<F, 8> lanes_{};
  std::size_t count_ = 0;
};

/// Σ a[i]·b[i] in the canonical order, each product rounded first: CanonicalSum's lanes, written
/// as blocks of eight so that a vector unit computes each block at once (contiguous operands,
/// the common case, get a loop of their own for the compiler to vectorise).
template <class F>
F canonical_dot_of(const F* a, std::size_t a_stride, const F* b, std::size_t b_stride,
                   std::size_t count) {
  std::array<F, 8> lanes{};
  std::size_t i = 0;
  if (a_stride == 1 && b_stride == 1) {
    for (; i + 8 <= count; i += 8) {
      for (std::size_t j = 0; j < 8; ++j)
        lanes[j] = lanes[j] + a[i + j] * b[i + j];
    }
  } else {
    for (; i + 8 <= count; i += 8) {
      for (std::size_t j = 0; j < 8; ++j)
        lanes[j] = lanes[j] + a[(i + j) * a_stride] * b[(i + j) * b_stride];
    }
  }
  for (std::size_t j = 0; i < count; ++i, ++j)
    lanes[j] = lanes[j] + a[i * a_stride] * b[i * b_stride];
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
         ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

/// out[p] = canonical_dot_of(row, 1, columns + p, stride, depth) for every p < count: term k of
/// output p is row[k] · columns[k · stride + p]. The same lanes and the same additions as
/// canonical_dot_of, for a block of outputs at a time, so the vector unit runs along p (a
/// MatMul's row times B, a convolution's filter times its lowered windows).
template <class F>
[[gnu::always_inline]] inline void canonical_dots(const F* row, const F* columns,
                                                  std::size_t stride, std::size_t depth,
                                                  std::size_t count, F* out) {
  constexpr std::size_t kBlock = 64;
  if (count < 8) {  // too few outputs to run along: each one's dot product along k instead
    for (std::size_t p = 0; p < count; ++p)
      out[p] = canonical_dot_of(row, 1, columns + p, stride, depth);
    return;
  }
  for (std::size_t first = 0; first < count; first += kBlock) {
    const std::size_t width = std::min(kBlock, count - first);
    std::array<std::array<F, kBlock>, 8> lanes{};
    for (std::size_t k = 0; k < depth; ++k) {
      const F term = row[k];
      const F* column = columns + k * stride + first;
      F* lane = lanes[k % 8].data();
      for (std::size_t p = 0; p < width; ++p)
        lane[p] = lane[p] + term * column[p];
    }
    for (std::size_t p = 0; p < width; ++p) {
      out[first + p] = ((lanes[0][p] + lanes[1][p]) + (lanes[2][p] + lanes[3][p])) +
                       ((lanes[4][p] + lanes[5][p]) + (lanes[6][p] + lanes[7][p]));
    }
  }
}

/// canonical_dots for float32, compiled for AVX-512, AVX2 and the baseline and picked for the
/// host's CPU at load time (ops_math.cpp): the same operations in the same order on each,
/// no FMA (the build forbids contraction), so the same bytes.
void canonical_dots(const float* row, const float* columns, std::size_t stride, std::size_t depth,
                    std::size_t count, float* out);

/// Integers wrap (two's complement), as unsigned arithmetic defines it.
template <class T>
T wrap_add(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
}
template <class T>
T wrap_sub(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(static_cast<U>(a) - static_cast<U>(b)));
}
template <class T>
T wrap_mul(T a, T b) {
  using U = std::make_unsigned_t<T>;
  using Wide = std::conditional_t<(sizeof(U) < sizeof(unsigned)), unsigned, U>;
  return static_cast<T>(
      static_cast<U>(static_cast<Wide>(static_cast<U>(a)) * static_cast<Wide>(static_cast<U>(b))));
}
/// +, − and · of floats as IEEE rounds them, of integers wrapping.
template <class T>
T add_of(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return a + b;
  } else {
    return wrap_add(a, b);
  }
}
template <class T>
T sub_of(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return a - b;
  } else {
    return wrap_sub(a, b);
  }
}
template <class T>
T mul_of(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return a * b;
  } else {
    return wrap_mul(a, b);
  }
}

/// Integer division truncates; by zero it is 0, and the one overflowing quotient wraps.
template <class T>
T checked_div(T a, T b) {
  if (b == 0) return 0;
  if constexpr (std::is_signed_v<T>) {
    if (a == std::numeric_limits<T>::min() && b == -1) return a;
  }
  return static_cast<T>(a / b);
}

inline std::int64_t int_attribute(const Node& node, const std::string& name,
                                  std::int64_t fallback) {
  const auto found = node.attributes.find(name);
  if (found == node.attributes.end()) return fallback;
  const auto* value = std::get_if<std::int64_t>(&found->second);
  return value ? *value : fallback;
}

inline float float_attribute(const Node& node, const std::string& name, float fallback) {
  const auto found = node.attributes.find(name);
  if (found == node.attributes.end()) return fallback;
  const auto* value = std::get_if<float>(&found->second);
  return value ? *value : fallback;
}

inline std::string string_attribute(const Node& node, const std::string& name,
                                    const std::string& fallback) {
  const auto found = node.attributes.find(name);
  if (found == node.attributes.end()) return fallback;
  const auto* value = std::get_if<std::string>(&found->second);
  return value ? *value : fallback;
}

/// Calls fn.template operator()<ElementType>() for the numeric element type of `type`; false if
/// it is not one of them.
template <class Fn>
bool dispatch_numeric(ElementType type, Fn&& fn) {
  switch (type) {
    case ElementType::float32:
      fn.template operator()<ElementType::float32>();
      return true;
    case ElementType::float64:
      fn.template operator()<ElementType::float64>();
      return true;
    case ElementType::int8:
      fn.template operator()<ElementType::int8>();
      return true;
    case ElementType::uint8:
      fn.template operator()<ElementType::uint8>();
      return true;
    case ElementType::int16:
      fn.template operator()<ElementType::int16>();
      return true;
    case ElementType::uint16:
      fn.template operator()<ElementType::uint16>();
      return true;
    case ElementType::int32:
      fn.template operator()<ElementType::int32>();
      return true;
    case ElementType::uint32:
      fn.template operator()<ElementType::uint32>();
      return true;
    case ElementType::int64:
      fn.template operator()<ElementType::int64>();
      return true;
    case ElementType::uint64:
      fn.template operator()<ElementType::uint64>();
      return true;
    default:
      return false;
  }
}

/// The largest pad, stride, dilation or size an attribute may give (2^30): far past any real
/// model, and small enough that sums and products of a few stay inside int64.
inline constexpr std::int64_t kMaxExtent = static_cast<std::int64_t>(kMaxTensorBytes);

/// Whether a tensor of `shape` and `type` fits kMaxTensorBytes, counting a dimension of 0 as 1:
/// the kernels' loops run over partial products of the dimensions, so a tensor of no elements
/// but a vast shape ([0, 2^40]) must not pass either.
inline bool fits_volume(const std::vector<std::uint64_t>& shape, ElementType type) {
  const std::uint64_t size = element_size(type).value_or(8);
  std::uint64_t volume = 1;
  for (const std::uint64_t dimension : shape) {
    const std::uint64_t d = dimension == 0 ? 1 : dimension;
    if (volume > kMaxTensorBytes / size / d) return false;
    volume *= d;
  }
  return true;
}

/// An error unless a tensor of `shape` and `type` fits kMaxTensorBytes (fits_volume).
inline Result<void> check_output(const Node& node, const std::vector<std::uint64_t>& shape,
                                 ElementType type) {
  if (!fits_volume(shape, type)) {
    return node_error(node, "a tensor of shape " + shape_text(shape) + " would exceed " +
                                std::to_string(kMaxTensorBytes >> 20) + " MiB");
  }
  return {};
}

/// Whether a tensor's bytes are exactly its shape's.
inline bool bytes_fit(const Tensor& tensor) {
  const auto count = element_count(tensor.shape);
  const auto size = element_size(tensor.type);
  return count && size && tensor.data.size() == *count * *size;
}

/// Every given input is whole (its bytes are its shape's) and within the size cap, so no
/// kernel loop runs over a vast shape of no elements; the registry's kernels may be called
/// directly, not only through the interpreter.
inline Result<void> valid_inputs(const Node& node, std::span<const Tensor* const> inputs) {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Tensor* input = inputs[i];
    if (input == nullptr) continue;
    if (!bytes_fit(*input) || !fits_volume(input->shape, input->type)) {
      return node_error(node, "input " + std::to_string(i) + " of shape " +
                                  shape_text(input->shape) +
                                  " is not whole or exceeds the size cap");
    }
  }
  return {};
}

/// Between `least` and `most` inputs, the first `least` given, all valid_inputs.
inline Result<void> expect_inputs(const Node& node, std::span<const Tensor* const> inputs,
                                  std::size_t least, std::size_t most) {
  if (inputs.size() < least || inputs.size() > most) {
    return node_error(node, "takes " + std::to_string(least) +
                                (least == most ? "" : " to " + std::to_string(most)) +
                                " inputs, not " + std::to_string(inputs.size()));
  }
  for (std::size_t i = 0; i < least; ++i) {
    if (inputs[i] == nullptr) return node_error(node, "input " + std::to_string(i) + " is missing");
  }
  return valid_inputs(node, inputs);
}

/// The integers of a tensor of int64 or int32 values (shapes, axes, indices).
inline std::optional<std::vector<std::int64_t>> integers(const Tensor& tensor) {
  if (tensor.type == ElementType::int64) return values<std::int64_t>(tensor);
  if (tensor.type == ElementType::int32) {
    const auto narrow = values<std::int32_t>(tensor);
    return std::vector<std::int64_t>(narrow.begin(), narrow.end());
  }
  return std::nullopt;
}

/// An attribute's list of integers, if the node has it.
inline std::optional<std::vector<std::int64_t>> ints_attribute(const Node& node,
                                                               const std::string& name) {
  const auto found = node.attributes.find(name);
  if (found == node.attributes.end()) return std::nullopt;
  const auto* value = std::get_if<std::vector<std::int64_t>>(&found->second);
  if (value == nullptr) return std::nullopt;
  return *value;
}

/// An axis in [-rank, rank) as an index in [0, rank), or nullopt.
inline std::optional<std::size_t> normalize_axis(std::int64_t axis, std::size_t rank) {
  const auto r = static_cast<std::int64_t>(rank);
  if (axis < -r || axis >= r) return std::nullopt;
  return static_cast<std::size_t>(axis < 0 ? axis + r : axis);
}

}  // namespace faultline::onnx::detail
