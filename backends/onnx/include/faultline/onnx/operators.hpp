// The operators faultline runs, each in one place, and the registry that lists them (the docs'
// operator table and the node-test report are made from it). The numeric model every kernel
// follows is written down in docs/backends/onnx.md: IEEE-754 float32 without FMA contraction,
// and one canonical order for every reduction (canonical_sum below), so that the same inputs
// give the same output bytes on every host and compiler.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "faultline/error.hpp"
#include "faultline/onnx/model.hpp"

namespace faultline::onnx {

/// A kernel: the node's outputs from its inputs (nullptr for an optional input left out) and
/// its attributes, at the model's opset. Errors name the node's op and what is wrong.
using Kernel = Result<std::vector<Tensor>> (*)(const Node& node,
                                               std::span<const Tensor* const> inputs,
                                               std::int64_t opset);

/// The largest tensor a kernel makes (1 GiB): a model that asks for more (an Expand or a
/// broadcast to a vast shape) gets an error naming the node, not an exhausted host.
inline constexpr std::uint64_t kMaxTensorBytes = std::uint64_t{1} << 30;

struct OperatorInfo {
  std::string_view name;   ///< the ONNX op type
  std::int64_t since = 1;  ///< the first opset whose semantics the kernel implements
  Kernel kernel = nullptr;
  std::string_view summary;  ///< one line for the docs' table
};

/// Every operator, sorted by name.
[[nodiscard]] std::span<const OperatorInfo> operators() noexcept;
/// The operator named `op_type`, or nullptr.
[[nodiscard]] const OperatorInfo* find_operator(std::string_view op_type) noexcept;

/// The canonical float32 sum of products Σ a[i]·b[i]: each product rounded to float32, added
/// into lane i mod 8 in increasing i, then the lanes combined as
/// ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)). The one reduction order of every dot
/// product (MatMul, Gemm, ...): fixed, and the shape an 8-wide vector unit computes.
[[nodiscard]] float canonical_dot(const float* a, std::size_t a_stride, const float* b,
                                  std::size_t b_stride, std::size_t count) noexcept;

}  // namespace faultline::onnx
