// The registry of operators (operators.hpp); each kernel lives in its family's file.
#include "faultline/onnx/operators.hpp"

#include "kernels.hpp"

namespace faultline::onnx {
namespace {

using namespace detail;

constexpr OperatorInfo kOperators[] = {
    {"Abs", 6, abs_op, "|x|, elementwise"},
    {"Add", 7, add, "a + b, with multidirectional broadcasting"},
    {"And", 7, and_op, "logical and of bools, broadcasting"},
    {"ArgMax", 11, arg_max,
     "index of the largest along an axis (first, or last with select_last_index)"},
    {"ArgMin", 11, arg_min, "index of the smallest along an axis"},
    {"AveragePool", 7, average_pool,
     "mean over windows (pads, strides, count_include_pad, ceil_mode), canonical sums"},
    {"BatchNormalization", 9, batch_normalization,
     "((x − mean) / √(var + ε)) · scale + B, inference"},
    {"BitShift", 11, bit_shift, "unsigned shifts left or right; by the width or more, 0"},
    {"Cast", 6, cast,
     "to another element type: floats to integers truncate and saturate, NaN to 0"},
    {"CastLike", 15, cast_like, "Cast to the second input's element type"},
    {"Ceil", 6, ceil_op, "⌈x⌉, elementwise"},
    {"Clip", 6, clip, "x within [min, max] (attributes before opset 11, inputs from 11)"},
    {"Compress", 9, compress, "the slices a bool condition selects, along an axis or flattened"},
    {"Concat", 4, concat, "inputs joined along an axis"},
    {"Constant", 9, constant, "its value attribute (a tensor, or value_float(s)/value_int(s))"},
    {"ConstantOfShape", 9, constant_of_shape, "a tensor of a shape filled with one value"},
    {"Conv", 1, conv, "N-D convolution (groups, dilations, pads, auto_pad), canonical sums"},
    {"ConvInteger", 10, conv_integer,
     "Σ (x − x zero point)(w − w zero point) over each window, int32"},
    {"ConvTranspose", 1, conv_transpose,
     "transposed convolution (groups, strides, dilations, pads, output_padding, output_shape, "
     "auto_pad), canonical sums"},
    {"CumSum", 11, cum_sum,
     "running sums along an axis, one addition at a time (exclusive, reverse)"},
    {"DepthToSpace", 1, depth_to_space, "channels moved into blocks of space (DCR or CRD)"},
    {"DequantizeLinear", 10, dequantize_linear, "(x − zero point) · scale, per tensor or per axis"},
    {"Div", 7, div, "a / b, broadcasting; integers truncate, and divide by 0 to 0"},
    {"Dropout", 7, dropout, "its input (inference); the mask, all true"},
    {"DynamicQuantizeLinear", 11, dynamic_quantize_linear,
     "uint8 quantization over the input's range (with 0), its scale and zero point"},
    {"Elu", 6, elu, "x < 0 ? alpha · (e^x − 1) : x"},
    {"Equal", 7, equal, "a = b as bool, broadcasting"},
    {"Erf", 9, erf_op, "erf x, faultline's own (elementary.hpp)"},
    {"Exp", 6, exp_op, "e^x, faultline's own (elementary.hpp)"},
    {"Expand", 8, expand, "its input broadcast to a shape"},
    {"EyeLike", 9, eye_like, "ones on diagonal k, zeros elsewhere"},
    {"Flatten", 9, flatten, "a 2-D view around an axis"},
    {"Floor", 6, floor_op, "⌊x⌋, elementwise"},
    {"GRU", 7, gru,
     "gated recurrent unit: zrh gates, linear_before_reset, directions, sequence lengths"},
    {"Gather", 1, gather, "slices of an axis picked by indices (negative from the end)"},
    {"GatherElements", 11, gather_elements, "elements picked along an axis by an index tensor"},
    {"GatherND", 11, gather_nd, "slices picked by index tuples (batch_dims)"},
    {"Gemm", 7, gemm, "alpha · A'B' + beta · C, dot products in the canonical order"},
    {"GlobalAveragePool", 1, global_average_pool, "mean over each channel's spatial axes"},
    {"GlobalMaxPool", 1, global_max_pool, "max over each channel's spatial axes"},
    {"Greater", 7, greater, "a > b as bool, broadcasting"},
    {"GreaterOrEqual", 12, greater_or_equal, "a ≥ b as bool, broadcasting"},
    {"HardSigmoid", 6, hard_sigmoid, "max(0, min(1, alpha · x + beta))"},
    {"HardSwish", 14, hard_swish, "x · max(0, min(1, x / 6 + 1/2))"},
    {"Hardmax", 1, hardmax, "1 at the first maximum along the axis, else 0"},
    {"Identity", 1, identity, "its input"},
    {"If", 1, if_op,
     "the then_branch or else_branch subgraph, by a bool condition (values it reads from the "
     "graph around it are the step's inputs)"},
    {"InstanceNormalization", 6, instance_normalization,
     "(x − mean) / √(var + ε) · scale + B per image and channel, canonical sums"},
    {"IsInf", 10, is_inf, "x = ±∞ as bool (detect_negative, detect_positive)"},
    {"IsNaN", 9, is_nan, "x is NaN as bool"},
    {"LSTM", 7, lstm,
     "long short-term memory: iofc gates, peepholes, input_forget, clip, directions, sequence "
     "lengths"},
    {"LayerNormalization", 17, layer_normalization,
     "(x − mean) / √(var + ε) · scale + B over the trailing axes, canonical sums"},
    {"LeakyRelu", 6, leaky_relu, "x < 0 ? alpha · x : x"},
    {"Less", 7, less, "a < b as bool, broadcasting"},
    {"LessOrEqual", 12, less_or_equal, "a ≤ b as bool, broadcasting"},
    {"Log", 6, log_op, "ln x, faultline's own (elementary.hpp)"},
    {"LogSoftmax", 1, log_softmax, "(x − max) − ln Σ e^(x − max), canonical sum"},
    {"Loop", 11, loop,
     "its body while a trip count and a condition allow: loop-carried values, scan outputs "
     "stacked along axis 0; at most 2^20 nodes and iterations"},
    {"MatMul", 1, matmul, "numpy's matmul, dot products in the canonical order"},
    {"MatMulInteger", 10, matmul_integer, "(A − a0)(B − b0) in int32, exact (wrapping)"},
    {"Max", 8, max_op, "the largest of its inputs, broadcasting; NaN wins"},
    {"MaxPool", 8, max_pool, "max over windows (pads, strides, dilations, ceil_mode); no Indices"},
    {"Mean", 8, mean, "the mean of its inputs, broadcasting, added in input order"},
    {"Min", 8, min_op, "the smallest of its inputs, broadcasting; NaN wins"},
    {"Mod", 10, mod,
     "remainder: the divisor's sign (fmod 0, integers) or the dividend's (fmod 1); by 0, 0"},
    {"Mul", 7, mul, "a · b, with multidirectional broadcasting"},
    {"Neg", 6, neg, "-x, elementwise (integers wrap)"},
    {"NegativeLogLikelihoodLoss", 13, negative_log_likelihood_loss,
     "−input[n, target, d…] · weight, reduced by none, sum or mean (over the weights taken); "
     "ignore_index"},
    {"Not", 1, not_op, "logical not of bools"},
    {"OneHot", 9, one_hot, "values[1] where the index hits, values[0] elsewhere, along a new axis"},
    {"Or", 7, or_op, "logical or of bools, broadcasting"},
    {"PRelu", 7, prelu, "x < 0 ? slope · x : x, the slope broadcast"},
    {"Pad", 2, pad, "constant, reflect or edge padding; negative pads crop"},
    {"Pow", 7, pow_op, "x^y for float x, faultline's own (elementary.hpp)"},
    {"QLinearConv", 10, qlinear_conv,
     "the integer convolution plus B, rescaled by x·w/y (rounded to float once), rounded half to "
     "even, saturated"},
    {"QLinearMatMul", 10, qlinear_matmul,
     "the integer product rescaled by a·b/y (rounded to float once), rounded half to even, "
     "saturated"},
    {"QuantizeLinear", 10, quantize_linear,
     "saturate(round(x / scale) + zero point), halves to even"},
    {"RNN", 7, rnn, "simple recurrence h = f(x·W + h·R + Wb + Rb), directions, sequence lengths"},
    {"Range", 11, range, "start + i · delta while before limit"},
    {"Reciprocal", 6, reciprocal, "1 / x, elementwise"},
    {"ReduceL1", 1, reduce_l1, "Σ|x| over axes, canonical order"},
    {"ReduceL2", 1, reduce_l2, "√Σx² over axes, canonical order"},
    {"ReduceLogSum", 1, reduce_log_sum, "ln Σx over axes, canonical order"},
    {"ReduceLogSumExp", 1, reduce_log_sum_exp, "max + ln Σ e^(x − max) over axes, canonical order"},
    {"ReduceMax", 1, reduce_max, "max over axes; NaN wins"},
    {"ReduceMean", 1, reduce_mean, "Σx / count over axes, canonical order"},
    {"ReduceMin", 1, reduce_min, "min over axes; NaN wins"},
    {"ReduceProd", 1, reduce_prod, "Πx over axes, in eight lanes then pairwise"},
    {"ReduceSum", 1, reduce_sum, "Σx over axes (an input from opset 13), canonical order"},
    {"ReduceSumSquare", 1, reduce_sum_square, "Σx² over axes, canonical order"},
    {"Relu", 6, relu, "max(x, 0), elementwise"},
    {"Reshape", 5, reshape, "the same elements in a new shape (0 copies, -1 infers; allowzero)"},
    {"Resize", 11, resize,
     "nearest, linear or cubic interpolation along every axis, ONNX's coordinate modes"},
    {"Round", 11, round_op, "to the nearest integer, halves to even"},
    {"Scan", 9, scan,
     "its body once per slice of the scan inputs along their axes (directions), state values "
     "carried, scan outputs stacked along their axes; at most 2^20 nodes and iterations"},
    {"ScatterElements", 11, scatter_elements,
     "data with elements replaced (or added, multiplied) along an axis"},
    {"ScatterND", 11, scatter_nd,
     "data with slices replaced (or added, multiplied) at index tuples"},
    {"Selu", 6, selu, "gamma · (x ≤ 0 ? alpha · (e^x − 1) : x)"},
    {"Shape", 1, shape, "its input's shape as int64 (start and end from opset 15)"},
    {"Sigmoid", 6, sigmoid, "1 / (1 + e^−x), faultline's own (elementary.hpp)"},
    {"Sign", 9, sign, "−1, 0 or 1"},
    {"Size", 1, size, "its input's element count as int64"},
    {"Slice", 1, slice, "a strided window (attributes before opset 10, inputs from 10)"},
    {"Softmax", 1, softmax,
     "e^(x − max) / Σ e^(x − max) (a 2-D coercion before opset 13), canonical sum"},
    {"SoftmaxCrossEntropyLoss", 13, softmax_cross_entropy_loss,
     "NegativeLogLikelihoodLoss of LogSoftmax over the classes; the log-probabilities too"},
    {"Softplus", 1, softplus, "ln(1 + e^x), faultline's own (elementary.hpp)"},
    {"Softsign", 1, softsign, "x / (1 + |x|)"},
    {"SpaceToDepth", 1, space_to_depth, "blocks of space moved into channels"},
    {"Split", 2, split, "parts along an axis (sizes as an attribute, or an input from 13)"},
    {"Sqrt", 6, sqrt_op, "√x, correctly rounded, elementwise"},
    {"Squeeze", 1, squeeze, "size-1 axes removed (axes as an attribute, or an input from 13)"},
    {"Sub", 7, sub, "a − b, with multidirectional broadcasting"},
    {"Sum", 8, sum, "the sum of its inputs, broadcasting, added in input order"},
    {"Tanh", 6, tanh_op, "tanh x, faultline's own (elementary.hpp)"},
    {"ThresholdedRelu", 10, thresholded_relu, "x > alpha ? x : 0"},
    {"Tile", 6, tile, "its input repeated along each axis"},
    {"TopK", 1, top_k, "the K largest (or smallest) along an axis, stable, with their indices"},
    {"Transpose", 1, transpose, "axes permuted (reversed by default)"},
    {"Trilu", 14, trilu, "the upper or lower triangle of the last two axes, from diagonal k"},
    {"Unsqueeze", 1, unsqueeze, "size-1 axes inserted (an attribute, or an input from 13)"},
    {"Where", 9, where, "X where the condition holds, else Y, broadcasting"},
    {"Xor", 7, xor_op, "logical exclusive or of bools, broadcasting"},
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
