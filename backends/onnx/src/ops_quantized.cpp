// Quantized kernels (exact integer arithmetic, float scaling rounded once): QuantizeLinear,
// DequantizeLinear, DynamicQuantizeLinear, MatMulInteger, QLinearMatMul, ConvInteger,
// QLinearConv; and BitShift.
#include <algorithm>

#include "kernel_support.hpp"
#include "kernels.hpp"

namespace faultline::onnx::detail {
namespace {

/// Round half to even of a float, as an integer: NaN gives 0, magnitudes past 2^31 saturate
/// (so no float-to-integer conversion is ever out of range).
std::int64_t round_even(float x) {
  if (std::isnan(x)) return 0;
  if (x >= 2147483648.0F) return std::int64_t{1} << 31;
  if (x <= -2147483648.0F) return -(std::int64_t{1} << 31);
  const double magnitude = x < 0 ? -static_cast<double>(x) : static_cast<double>(x);
  auto whole = static_cast<std::int64_t>(magnitude);
  const double fraction = magnitude - static_cast<double>(whole);
  if (fraction > 0.5 || (fraction == 0.5 && whole % 2 != 0)) ++whole;
  return x < 0 ? -whole : whole;
}

/// Per-tensor or per-axis parameters broadcast to every element of `shape` along `axis`.
template <class T>
Result<std::vector<T>> per_element(const Node& node, const std::vector<T>& parameter,
                                   const std::vector<std::uint64_t>& parameter_shape,
                                   const std::vector<std::uint64_t>& shape,
                                   std::int64_t axis_value) {
  const std::uint64_t count = count_of(shape);
  if (parameter.size() == 1) return std::vector<T>(count, parameter[0]);
  const auto axis = normalize_axis(axis_value, shape.size());
  if (!axis || parameter_shape.size() != 1 || parameter.size() != shape[*axis]) {
    return node_error(node,
                      "a per-axis scale or zero point must hold one value per index of the axis");
  }
  std::uint64_t inner = 1;
  for (std::size_t i = *axis + 1; i < shape.size(); ++i)
    inner *= shape[i];
  std::vector<T> out(count);
  for (std::uint64_t i = 0; i < count; ++i)
    out[i] = parameter[(i / inner) % shape[*axis]];
  return out;
}

/// The zero point's values as int32 (uint8 or int8), or zeros.
Result<std::pair<ElementType, std::vector<std::int32_t>>> zero_points(const Node& node,
                                                                      const Tensor* zero) {
  if (zero == nullptr) return std::pair{ElementType::uint8, std::vector<std::int32_t>{0}};
  if (zero->type == ElementType::uint8) {
    const auto v = values<std::uint8_t>(*zero);
    return std::pair{zero->type, std::vector<std::int32_t>(v.begin(), v.end())};
  }
  if (zero->type == ElementType::int8) {
    const auto v = values<std::int8_t>(*zero);
    return std::pair{zero->type, std::vector<std::int32_t>(v.begin(), v.end())};
  }
  if (zero->type == ElementType::int32) return std::pair{zero->type, values<std::int32_t>(*zero)};
  return type_unsupported(node, zero->type);
}

/// A linear quantization's scale (input 1) and zero point (input 2, or 0) for every element of
/// `shape`, per tensor or along `axis`; and the zero point's element type.
struct LinearParameters {
  ElementType zero_type = ElementType::uint8;
  std::vector<float> scale;
  std::vector<std::int32_t> offset;
};

Result<LinearParameters> linear_parameters(const Node& node, std::span<const Tensor* const> inputs,
                                           const std::vector<std::uint64_t>& shape) {
  auto zero = zero_points(node, inputs.size() > 2 ? inputs[2] : nullptr);
  if (!zero) return zero.error();
  const std::int64_t axis = int_attribute(node, "axis", 1);
  auto scale = per_element(node, values<float>(*inputs[1]), inputs[1]->shape, shape, axis);
  if (!scale) return scale.error();
  const std::vector<std::uint64_t> zero_shape =
      inputs.size() > 2 && inputs[2] ? inputs[2]->shape : std::vector<std::uint64_t>{};
  auto offset = per_element(node, zero->second, zero_shape, shape, axis);
  if (!offset) return offset.error();
  return LinearParameters{zero->first, std::move(*scale), std::move(*offset)};
}

}  // namespace

FAULTLINE_ONNX_KERNEL(quantize_linear) {
  if (auto counted = expect_inputs(node, inputs, 2, 3); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  if (x.type != ElementType::float32 || inputs[1]->type != ElementType::float32) {
    return type_unsupported(node, x.type);
  }
  auto parameters = linear_parameters(node, inputs, x.shape);
  if (!parameters) return parameters.error();
  const bool is_signed = parameters->zero_type == ElementType::int8;
  const std::int64_t low = is_signed ? -128 : 0, high = is_signed ? 127 : 255;
  const std::vector<float> v = values<float>(x);
  std::vector<std::uint8_t> z(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    // saturate(round(x / scale) + zero point), the division rounded once.
    const float q = v[i] / parameters->scale[i];
    std::int64_t r = round_even(q);
    r = std::clamp<std::int64_t>(r + parameters->offset[i], low, high);
    z[i] = static_cast<std::uint8_t>(r);
  }
  Tensor out = make_tensor(parameters->zero_type, x.shape, z);
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(dequantize_linear) {
  if (auto counted = expect_inputs(node, inputs, 2, 3); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  if (inputs[1]->type != ElementType::float32) return type_unsupported(node, inputs[1]->type);
  auto values_in = zero_points(node, &x);
  if (!values_in) return values_in.error();
  auto parameters = linear_parameters(node, inputs, x.shape);
  if (!parameters) return parameters.error();
  if (auto fits = check_output(node, x.shape, ElementType::float32); !fits) return fits.error();
  std::vector<float> z(values_in->second.size());
  for (std::size_t i = 0; i < z.size(); ++i)
    z[i] = canonical(static_cast<float>(static_cast<std::int64_t>(values_in->second[i]) -
                                        static_cast<std::int64_t>(parameters->offset[i])) *
                     parameters->scale[i]);
  return std::vector<Tensor>{make_tensor(ElementType::float32, x.shape, z)};
}

FAULTLINE_ONNX_KERNEL(dynamic_quantize_linear) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  if (x.type != ElementType::float32) return type_unsupported(node, x.type);
  const std::vector<float> v = values<float>(x);
  float low = 0.0F, high = 0.0F;  // the range always includes 0
  for (const float f : v) {
    low = f < low ? f : low;
    high = f > high ? f : high;
  }
  const float scale = (high - low) / 255.0F;
  const float zero_float = scale == 0.0F ? 0.0F : 0.0F - low / scale;
  const std::int64_t zero = std::clamp<std::int64_t>(round_even(zero_float), 0, 255);
  std::vector<std::uint8_t> z(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::int64_t q = scale == 0.0F ? 0 : round_even(v[i] / scale);
    z[i] = static_cast<std::uint8_t>(std::clamp<std::int64_t>(q + zero, 0, 255));
  }
  return std::vector<Tensor>{
      make_tensor(ElementType::uint8, x.shape, z),
      make_tensor(ElementType::float32, {}, std::vector<float>{scale}),
      make_tensor(ElementType::uint8, {},
                  std::vector<std::uint8_t>{static_cast<std::uint8_t>(zero)})};
}

namespace {

/// Integer matrix product of (A − a0)(B − b0) in int32 (wrapping), numpy's batching.
Result<Tensor> integer_matmul(const Node& node, const Tensor& a, const Tensor& b,
                              std::int32_t a_zero, std::int32_t b_zero) {
  auto av = zero_points(node, &a), bv = zero_points(node, &b);
  if (!av) return av.error();
  if (!bv) return bv.error();
  if (a.shape.size() < 2 || b.shape.size() < 2) return feature_unsupported(node, "1-D operands");
  const std::uint64_t m = a.shape[a.shape.size() - 2], k = a.shape.back(), n = b.shape.back();
  if (b.shape[b.shape.size() - 2] != k) return node_error(node, "the shapes do not multiply");
  const std::vector<std::uint64_t> batch_a(a.shape.begin(), a.shape.end() - 2),
      batch_b(b.shape.begin(), b.shape.end() - 2);
  const auto batch = broadcast_shape(batch_a, batch_b);
  if (!batch) return node_error(node, "batch dimensions do not broadcast");
  std::vector<std::uint64_t> shape = *batch;
  shape.push_back(m);
  shape.push_back(n);
  if (auto fits = check_output(node, shape, ElementType::int32); !fits) return fits.error();
  const auto at_a = broadcast_indices(batch_a, *batch), at_b = broadcast_indices(batch_b, *batch);
  std::vector<std::int32_t> z(count_of(shape));
  for (std::size_t s = 0; s < at_a.size(); ++s) {
    for (std::uint64_t i = 0; i < m; ++i) {
      for (std::uint64_t j = 0; j < n; ++j) {
        std::int32_t sum = 0;
        for (std::uint64_t t = 0; t < k; ++t) {
          const std::int32_t p = av->second[at_a[s] * m * k + i * k + t] - a_zero;
          const std::int32_t q = bv->second[at_b[s] * k * n + t * n + j] - b_zero;
          sum = wrap_add(sum, wrap_mul(p, q));
        }
        z[(s * m + i) * n + j] = sum;
      }
    }
  }
  return make_tensor(ElementType::int32, shape, z);
}

std::int32_t scalar_zero(const Tensor* zero) {
  if (zero == nullptr || zero->data.empty()) return 0;
  return zero->type == ElementType::int8 ? static_cast<std::int8_t>(zero->data[0])
                                         : static_cast<std::int32_t>(zero->data[0]);
}

}  // namespace

FAULTLINE_ONNX_KERNEL(matmul_integer) {
  if (auto counted = expect_inputs(node, inputs, 2, 4); !counted) return counted.error();
  const Tensor* a_zero = inputs.size() > 2 ? inputs[2] : nullptr;
  const Tensor* b_zero = inputs.size() > 3 ? inputs[3] : nullptr;
  if ((a_zero && count_of(a_zero->shape) != 1) || (b_zero && count_of(b_zero->shape) != 1)) {
    return feature_unsupported(node, "per-row or per-column zero points");
  }
  auto out = integer_matmul(node, *inputs[0], *inputs[1], scalar_zero(a_zero), scalar_zero(b_zero));
  if (!out) return out.error();
  return std::vector<Tensor>{std::move(*out)};
}

FAULTLINE_ONNX_KERNEL(qlinear_matmul) {
  if (auto counted = expect_inputs(node, inputs, 8, 8); !counted) return counted.error();
  for (const std::size_t i : {1, 2, 4, 5, 6, 7}) {
    if (count_of(inputs[i]->shape) != 1) return feature_unsupported(node, "per-axis parameters");
  }
  const float a_scale = values<float>(*inputs[1])[0], b_scale = values<float>(*inputs[4])[0],
              y_scale = values<float>(*inputs[6])[0];
  auto product =
      integer_matmul(node, *inputs[0], *inputs[3], scalar_zero(inputs[2]), scalar_zero(inputs[5]));
  if (!product) return product.error();
  const Tensor& y_zero = *inputs[7];
  const bool is_signed = y_zero.type == ElementType::int8;
  const std::int64_t low = is_signed ? -128 : 0, high = is_signed ? 127 : 255;
  const std::vector<std::int32_t> sums = values<std::int32_t>(*product);
  // y = saturate(round(sum · (a_scale · b_scale / y_scale)) + y_zero), the multiplier rounded
  // to float once, then the product once.
  const float multiplier = a_scale * b_scale / y_scale;
  std::vector<std::uint8_t> z(sums.size());
  for (std::size_t i = 0; i < z.size(); ++i) {
    const float scaled = static_cast<float>(sums[i]) * multiplier;
    const std::int64_t r = round_even(scaled);
    z[i] = static_cast<std::uint8_t>(std::clamp<std::int64_t>(r + scalar_zero(&y_zero), low, high));
  }
  return std::vector<Tensor>{make_tensor(y_zero.type, product->shape, z)};
}

FAULTLINE_ONNX_KERNEL(conv_integer) {
  if (auto counted = expect_inputs(node, inputs, 2, 4); !counted) return counted.error();
  const Tensor* x_zero = inputs.size() > 2 ? inputs[2] : nullptr;
  const Tensor* w_zero = inputs.size() > 3 ? inputs[3] : nullptr;
  if (x_zero != nullptr && count_of(x_zero->shape) != 1) {
    return node_error(node, "x_zero_point must be a scalar");
  }
  auto x_zeros = zero_points(node, x_zero);
  if (!x_zeros) return x_zeros.error();
  auto w_zeros = zero_points(node, w_zero);
  if (!w_zeros) return w_zeros.error();
  auto sums = integer_conv(node, *inputs[0], *inputs[1], x_zeros->second[0], w_zeros->second);
  if (!sums) return sums.error();
  return std::vector<Tensor>{std::move(*sums)};
}

FAULTLINE_ONNX_KERNEL(qlinear_conv) {
  if (auto counted = expect_inputs(node, inputs, 8, 9); !counted) return counted.error();
  for (const std::size_t i : {1, 2, 6, 7}) {
    if (count_of(inputs[i]->shape) != 1)
      return node_error(node, "X's and Y's scale and zero point are scalars");
  }
  for (const std::size_t i : {1, 4, 6}) {
    if (inputs[i]->type != ElementType::float32) return node_error(node, "scales must be float32");
  }
  auto x_zeros = zero_points(node, inputs[2]);
  if (!x_zeros) return x_zeros.error();
  auto w_zeros = zero_points(node, inputs[5]);
  if (!w_zeros) return w_zeros.error();
  auto sums = integer_conv(node, *inputs[0], *inputs[3], x_zeros->second[0], w_zeros->second);
  if (!sums) return sums.error();
  const std::uint64_t filters = sums->shape[1];
  const std::uint64_t plane =
      count_of(sums->shape) / std::max<std::uint64_t>(1, sums->shape[0] * filters);
  const std::vector<float> w_scales = values<float>(*inputs[4]);
  if (w_scales.size() != 1 && w_scales.size() != filters) {
    return node_error(node, "w_scale: one, or one per filter");
  }
  std::vector<std::int32_t> bias(filters, 0);
  if (inputs.size() > 8 && inputs[8] != nullptr) {
    if (inputs[8]->type != ElementType::int32 || count_of(inputs[8]->shape) != filters) {
      return node_error(node, "B must hold one int32 per filter");
    }
    bias = values<std::int32_t>(*inputs[8]);
  }
  const Tensor& y_zero = *inputs[7];
  if (y_zero.type != ElementType::uint8 && y_zero.type != ElementType::int8) {
    return type_unsupported(node, y_zero.type);
  }
  const bool is_signed = y_zero.type == ElementType::int8;
  const std::int64_t low = is_signed ? -128 : 0, high = is_signed ? 127 : 255;
  const float x_scale = values<float>(*inputs[1])[0], y_scale = values<float>(*inputs[6])[0];
  const std::vector<std::int32_t> sum = values<std::int32_t>(*sums);
  std::vector<std::uint8_t> z(sum.size());
  for (std::size_t i = 0; i < z.size(); ++i) {
    const std::uint64_t f = (i / plane) % filters;
    // As QLinearMatMul: the multiplier x_scale · w_scale / y_scale rounded to float once, then
    // the product with the biased sum once, then halves to even and the zero point, saturated.
    const float multiplier = x_scale * w_scales[w_scales.size() == 1 ? 0 : f] / y_scale;
    const float scaled = static_cast<float>(wrap_add(sum[i], bias[f])) * multiplier;
    const std::int64_t r = round_even(scaled);
    z[i] = static_cast<std::uint8_t>(std::clamp<std::int64_t>(r + scalar_zero(&y_zero), low, high));
  }
  return std::vector<Tensor>{make_tensor(y_zero.type, sums->shape, z)};
}

FAULTLINE_ONNX_KERNEL(bit_shift) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  const Tensor& b = *inputs[1];
  if (a.type != b.type) return node_error(node, "inputs of two element types");
  const std::string direction = string_attribute(node, "direction", "");
  if (direction != "LEFT" && direction != "RIGHT")
    return node_error(node, "direction must be LEFT or RIGHT");
  const auto shape = broadcast_shape(a.shape, b.shape);
  if (!shape) return node_error(node, "the shapes do not broadcast");
  if (auto fits = check_output(node, *shape, a.type); !fits) return fits.error();
  Tensor out;
  const auto shift = [&]<class T>() {
    const std::vector<T> x = values<T>(a), y = values<T>(b);
    std::vector<T> z(count_of(*shape));
    BroadcastWalk at_a(a.shape, *shape), at_b(b.shape, *shape);
    for (std::size_t i = 0; i < z.size(); ++i, at_a.next(), at_b.next()) {
      const T amount = y[at_b.index()];
      // Shifts by the width or more give 0 (C++ would leave them undefined).
      z[i] = amount >= sizeof(T) * 8 ? T{0}
             : direction == "LEFT"   ? static_cast<T>(x[at_a.index()] << amount)
                                     : static_cast<T>(x[at_a.index()] >> amount);
    }
    out = make_tensor(a.type, *shape, z);
  };
  switch (a.type) {
    case ElementType::uint8:
      shift.template operator()<std::uint8_t>();
      break;
    case ElementType::uint16:
      shift.template operator()<std::uint16_t>();
      break;
    case ElementType::uint32:
      shift.template operator()<std::uint32_t>();
      break;
    case ElementType::uint64:
      shift.template operator()<std::uint64_t>();
      break;
    default:
      return type_unsupported(node, a.type);
  }
  return std::vector<Tensor>{std::move(out)};
}

}  // namespace faultline::onnx::detail
