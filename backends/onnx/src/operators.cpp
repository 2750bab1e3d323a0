// The registry of operators (operators.hpp); each kernel lives in its family's file.
#include "faultline/onnx/operators.hpp"

#include "kernels.hpp"

namespace faultline::onnx {
namespace {

using namespace detail;

constexpr OperatorInfo kOperators[] = {
    {"Abs", 6, abs_op, "|x|, elementwise"},
    {"Add", 7, add, "a + b, with multidirectional broadcasting"},
    {"Concat", 4, concat, "inputs joined along an axis"},
    {"Constant", 9, constant, "its value attribute (a tensor, or value_float(s)/value_int(s))"},
    {"Div", 7, div, "a / b, broadcasting; integers truncate, and divide by 0 to 0"},
    {"Expand", 8, expand, "its input broadcast to a shape"},
    {"Flatten", 9, flatten, "a 2-D view around an axis"},
    {"Gemm", 7, gemm, "alpha · A'B' + beta · C, dot products in the canonical order"},
    {"Identity", 1, identity, "its input"},
    {"MatMul", 1, matmul, "numpy's matmul, dot products in the canonical order"},
    {"Mul", 7, mul, "a · b, with multidirectional broadcasting"},
    {"Neg", 6, neg, "-x, elementwise (integers wrap)"},
    {"Relu", 6, relu, "max(x, 0), elementwise"},
    {"Reshape", 5, reshape, "the same elements in a new shape (0 copies, -1 infers; allowzero)"},
    {"Shape", 1, shape, "its input's shape as int64 (start and end from opset 15)"},
    {"Size", 1, size, "its input's element count as int64"},
    {"Squeeze", 1, squeeze, "size-1 axes removed (axes as an attribute, or an input from 13)"},
    {"Sub", 7, sub, "a − b, with multidirectional broadcasting"},
    {"Transpose", 1, transpose, "axes permuted (reversed by default)"},
    {"Unsqueeze", 1, unsqueeze, "size-1 axes inserted (an attribute, or an input from 13)"},
};

}  // namespace

std::span<const OperatorInfo> operators() noexcept {
  return kOperators;
}

const OperatorInfo* find_operator(std::string_view op_type) noexcept {
  for (const OperatorInfo& info : kOperators) {
    if (info.name == op_type) return &info;
  }
  return nullptr;
}

float canonical_dot(const float* a, std::size_t a_stride, const float* b, std::size_t b_stride,
                    std::size_t count) noexcept {
  return canonical_dot_float(a, a_stride, b, b_stride, count);
}

}  // namespace faultline::onnx
