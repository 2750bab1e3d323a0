// The kernels, by family file; the registry (operators.cpp) lists them.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "faultline/onnx/operators.hpp"
#include "node_execution.hpp"

namespace faultline::onnx::detail {

#define FAULTLINE_ONNX_KERNEL(name)                                                         \
  Result<std::vector<Tensor>> name(const Node& node, std::span<const Tensor* const> inputs, \
                                   [[maybe_unused]] std::int64_t opset)

// ops_control.cpp
FAULTLINE_ONNX_KERNEL(if_op);
FAULTLINE_ONNX_KERNEL(loop);
FAULTLINE_ONNX_KERNEL(scan);
/// Whether the operator runs subgraphs (If, Loop, Scan).
bool runs_subgraphs(std::string_view op_type);
/// If, Loop or Scan spending `budget` (a subgraph's node: its graph's budget).
Result<std::vector<Tensor>> run_control_flow(const Node& node,
                                             std::span<const Tensor* const> inputs,
                                             std::int64_t opset, SubgraphBudget& budget);

// ops_index.cpp
FAULTLINE_ONNX_KERNEL(cum_sum);
FAULTLINE_ONNX_KERNEL(gather_elements);
FAULTLINE_ONNX_KERNEL(hardmax);
FAULTLINE_ONNX_KERNEL(pad);
FAULTLINE_ONNX_KERNEL(scatter_elements);
FAULTLINE_ONNX_KERNEL(top_k);
FAULTLINE_ONNX_KERNEL(trilu);

// ops_layout.cpp
FAULTLINE_ONNX_KERNEL(compress);
FAULTLINE_ONNX_KERNEL(depth_to_space);
FAULTLINE_ONNX_KERNEL(eye_like);
FAULTLINE_ONNX_KERNEL(gather_nd);
FAULTLINE_ONNX_KERNEL(one_hot);
FAULTLINE_ONNX_KERNEL(scatter_nd);
FAULTLINE_ONNX_KERNEL(space_to_depth);

// ops_loss.cpp
FAULTLINE_ONNX_KERNEL(negative_log_likelihood_loss);
FAULTLINE_ONNX_KERNEL(softmax_cross_entropy_loss);

// ops_math.cpp
FAULTLINE_ONNX_KERNEL(abs_op);
FAULTLINE_ONNX_KERNEL(add);
FAULTLINE_ONNX_KERNEL(div);
FAULTLINE_ONNX_KERNEL(gemm);
FAULTLINE_ONNX_KERNEL(identity);
FAULTLINE_ONNX_KERNEL(matmul);
FAULTLINE_ONNX_KERNEL(mul);
FAULTLINE_ONNX_KERNEL(neg);
FAULTLINE_ONNX_KERNEL(relu);
FAULTLINE_ONNX_KERNEL(sub);

// ops_nn.cpp
FAULTLINE_ONNX_KERNEL(average_pool);
FAULTLINE_ONNX_KERNEL(batch_normalization);
FAULTLINE_ONNX_KERNEL(conv);
FAULTLINE_ONNX_KERNEL(conv_transpose);
FAULTLINE_ONNX_KERNEL(global_average_pool);
FAULTLINE_ONNX_KERNEL(global_max_pool);
FAULTLINE_ONNX_KERNEL(max_pool);
/// Σ over each window of (x − x_zero)(w − w_zero) in int32, wrapping; padding adds nothing.
/// `w_zero` holds one zero point or one per filter. The convolution of ConvInteger and
/// QLinearConv (uint8 or int8 operands).
Result<Tensor> integer_conv(const Node& node, const Tensor& x, const Tensor& weights,
                            std::int32_t x_zero, const std::vector<std::int32_t>& w_zero);

// ops_quantized.cpp
FAULTLINE_ONNX_KERNEL(bit_shift);
FAULTLINE_ONNX_KERNEL(conv_integer);
FAULTLINE_ONNX_KERNEL(qlinear_conv);
FAULTLINE_ONNX_KERNEL(dequantize_linear);
FAULTLINE_ONNX_KERNEL(dynamic_quantize_linear);
FAULTLINE_ONNX_KERNEL(matmul_integer);
FAULTLINE_ONNX_KERNEL(qlinear_matmul);
FAULTLINE_ONNX_KERNEL(quantize_linear);

// ops_recurrent.cpp
FAULTLINE_ONNX_KERNEL(gru);
FAULTLINE_ONNX_KERNEL(lstm);
FAULTLINE_ONNX_KERNEL(rnn);

// ops_reduce.cpp
FAULTLINE_ONNX_KERNEL(arg_max);
FAULTLINE_ONNX_KERNEL(arg_min);
FAULTLINE_ONNX_KERNEL(reduce_l1);
FAULTLINE_ONNX_KERNEL(reduce_l2);
FAULTLINE_ONNX_KERNEL(reduce_log_sum);
FAULTLINE_ONNX_KERNEL(reduce_log_sum_exp);
FAULTLINE_ONNX_KERNEL(reduce_max);
FAULTLINE_ONNX_KERNEL(reduce_mean);
FAULTLINE_ONNX_KERNEL(reduce_min);
FAULTLINE_ONNX_KERNEL(reduce_prod);
FAULTLINE_ONNX_KERNEL(reduce_sum);
FAULTLINE_ONNX_KERNEL(reduce_sum_square);

// ops_transcendental.cpp
FAULTLINE_ONNX_KERNEL(elu);
FAULTLINE_ONNX_KERNEL(erf_op);
FAULTLINE_ONNX_KERNEL(exp_op);
FAULTLINE_ONNX_KERNEL(hard_sigmoid);
FAULTLINE_ONNX_KERNEL(hard_swish);
FAULTLINE_ONNX_KERNEL(instance_normalization);
FAULTLINE_ONNX_KERNEL(layer_normalization);
FAULTLINE_ONNX_KERNEL(log_op);
FAULTLINE_ONNX_KERNEL(log_softmax);
FAULTLINE_ONNX_KERNEL(pow_op);
FAULTLINE_ONNX_KERNEL(prelu);
FAULTLINE_ONNX_KERNEL(selu);
FAULTLINE_ONNX_KERNEL(sigmoid);
FAULTLINE_ONNX_KERNEL(softmax);
FAULTLINE_ONNX_KERNEL(softplus);
FAULTLINE_ONNX_KERNEL(softsign);
FAULTLINE_ONNX_KERNEL(tanh_op);

// ops_resize.cpp
FAULTLINE_ONNX_KERNEL(resize);

// ops_shape.cpp
FAULTLINE_ONNX_KERNEL(concat);
FAULTLINE_ONNX_KERNEL(constant);
FAULTLINE_ONNX_KERNEL(constant_of_shape);
FAULTLINE_ONNX_KERNEL(dropout);
FAULTLINE_ONNX_KERNEL(gather);
FAULTLINE_ONNX_KERNEL(range);
FAULTLINE_ONNX_KERNEL(slice);
FAULTLINE_ONNX_KERNEL(split);
FAULTLINE_ONNX_KERNEL(tile);
FAULTLINE_ONNX_KERNEL(expand);
FAULTLINE_ONNX_KERNEL(flatten);
FAULTLINE_ONNX_KERNEL(reshape);
FAULTLINE_ONNX_KERNEL(shape);
FAULTLINE_ONNX_KERNEL(size);
FAULTLINE_ONNX_KERNEL(squeeze);
FAULTLINE_ONNX_KERNEL(transpose);
FAULTLINE_ONNX_KERNEL(unsqueeze);

// ops_elementwise.cpp
FAULTLINE_ONNX_KERNEL(and_op);
FAULTLINE_ONNX_KERNEL(cast);
FAULTLINE_ONNX_KERNEL(cast_like);
FAULTLINE_ONNX_KERNEL(is_inf);
FAULTLINE_ONNX_KERNEL(is_nan);
FAULTLINE_ONNX_KERNEL(mean);
FAULTLINE_ONNX_KERNEL(mod);
FAULTLINE_ONNX_KERNEL(round_op);
FAULTLINE_ONNX_KERNEL(sign);
FAULTLINE_ONNX_KERNEL(sum);
FAULTLINE_ONNX_KERNEL(thresholded_relu);
FAULTLINE_ONNX_KERNEL(ceil_op);
FAULTLINE_ONNX_KERNEL(clip);
FAULTLINE_ONNX_KERNEL(equal);
FAULTLINE_ONNX_KERNEL(floor_op);
FAULTLINE_ONNX_KERNEL(greater);
FAULTLINE_ONNX_KERNEL(greater_or_equal);
FAULTLINE_ONNX_KERNEL(leaky_relu);
FAULTLINE_ONNX_KERNEL(less);
FAULTLINE_ONNX_KERNEL(less_or_equal);
FAULTLINE_ONNX_KERNEL(max_op);
FAULTLINE_ONNX_KERNEL(min_op);
FAULTLINE_ONNX_KERNEL(not_op);
FAULTLINE_ONNX_KERNEL(or_op);
FAULTLINE_ONNX_KERNEL(reciprocal);
FAULTLINE_ONNX_KERNEL(sqrt_op);
FAULTLINE_ONNX_KERNEL(where);
FAULTLINE_ONNX_KERNEL(xor_op);

float canonical_dot_float(const float* a, std::size_t a_stride, const float* b,
                          std::size_t b_stride, std::size_t count);

}  // namespace faultline::onnx::detail
