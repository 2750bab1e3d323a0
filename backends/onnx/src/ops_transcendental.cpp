// Kernels over faultline's own elementary functions (elementary.hpp), float32: Exp, Log, Tanh,
// Sigmoid, Erf, Pow, Softplus, Elu, Selu, HardSigmoid, HardSwish, Softsign, PRelu, Softmax,
// LogSoftmax and LayerNormalization. float64 inputs are unsupported for now.
#include <algorithm>

#include "faultline/onnx/elementary.hpp"
#include "kernel_support.hpp"
#include "kernels.hpp"

namespace faultline::onnx::detail {
namespace {

namespace el = elementary;

/// A float32 elementwise kernel: fn(x) for every element, NaNs made canonical.
template <class Fn>
Result<std::vector<Tensor>> map_float(const Node& node, std::span<const Tensor* const> inputs,
                                      Fn&& fn) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  if (a.type != ElementType::float32) return type_unsupported(node, a.type);
  std::vector<float> x = values<float>(a);
  for (float& v : x)
    v = canonical(fn(v));
  return std::vector<Tensor>{make_tensor(a.type, a.shape, x)};
}

/// Groups of a softmax: the elements an axis (opset 13 on) or the trailing dimensions from an
/// axis (before 13) run over, as (outer, length, inner) strides of the input.
struct Groups {
  std::uint64_t outer = 1, length = 1, inner = 1;
};

Result<Groups> softmax_groups(const Node& node, const Tensor& x, std::int64_t opset) {
  const std::int64_t fallback = opset >= 13 ? -1 : 1;
  const auto axis = normalize_axis(int_attribute(node, "axis", fallback), x.shape.size());
  if (!axis) return node_error(node, "axis out of range");
  Groups groups;
  for (std::size_t i = 0; i < x.shape.size(); ++i) {
    if (i < *axis) {
      groups.outer *= x.shape[i];
    } else if (i == *axis || opset < 13) {
      groups.length *= x.shape[i];
    } else {
      groups.inner *= x.shape[i];
    }
  }
  return groups;
}

Result<std::vector<Tensor>> softmax_kernel(const Node& node, std::span<const Tensor* const> inputs,
                                           std::int64_t opset, bool logarithm) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  if (a.type != ElementType::float32) return type_unsupported(node, a.type);
  auto groups = softmax_groups(node, a, opset);
  if (!groups) return groups.error();
  std::vector<float> x = values<float>(a);
  for (std::uint64_t o = 0; o < groups->outer; ++o) {
    for (std::uint64_t i = 0; i < groups->inner; ++i) {
      const auto at = [&](std::uint64_t k) -> float& {
        return x[(o * groups->length + k) * groups->inner + i];
      };
      float largest = -std::numeric_limits<float>::infinity();
      for (std::uint64_t k = 0; k < groups->length; ++k)
        largest = at(k) > largest ? at(k) : largest;
      // Σ e^(x − max) in the canonical order.
      CanonicalSum<float> terms;
      for (std::uint64_t k = 0; k < groups->length; ++k)
        terms.add(el::exp(at(k) - largest));
      const float sum = terms.total();
      const float log_sum = el::log(sum);
      for (std::uint64_t k = 0; k < groups->length; ++k) {
        const float shifted = at(k) - largest;
        at(k) = canonical(logarithm ? shifted - log_sum : el::exp(shifted) / sum);
      }
    }
  }
  return std::vector<Tensor>{make_tensor(a.type, a.shape, x)};
}

}  // namespace

FAULTLINE_ONNX_KERNEL(exp_op) {
  return map_float(node, inputs, [](float v) { return el::exp(v); });
}
FAULTLINE_ONNX_KERNEL(log_op) {
  return map_float(node, inputs, [](float v) { return el::log(v); });
}
FAULTLINE_ONNX_KERNEL(tanh_op) {
  return map_float(node, inputs, [](float v) { return el::tanh(v); });
}
FAULTLINE_ONNX_KERNEL(sigmoid) {
  return map_float(node, inputs, [](float v) { return el::sigmoid(v); });
}
FAULTLINE_ONNX_KERNEL(erf_op) {
  return map_float(node, inputs, [](float v) { return el::erf(v); });
}
FAULTLINE_ONNX_KERNEL(softplus) {
  return map_float(node, inputs, [](float v) { return el::softplus(v); });
}
FAULTLINE_ONNX_KERNEL(softsign) {
  return map_float(node, inputs, [](float v) { return v / (1.0F + (v < 0 ? -v : v)); });
}
FAULTLINE_ONNX_KERNEL(elu) {
  const float alpha = float_attribute(node, "alpha", 1.0F);
  return map_float(node, inputs, [alpha](float v) { return v < 0 ? alpha * el::expm1(v) : v; });
}
FAULTLINE_ONNX_KERNEL(selu) {
  const float alpha = float_attribute(node, "alpha", 1.67326319217681884765625F);
  const float gamma = float_attribute(node, "gamma", 1.05070102214813232421875F);
  return map_float(node, inputs, [alpha, gamma](float v) {
    return v <= 0 ? gamma * (alpha * el::expm1(v)) : gamma * v;
  });
}
FAULTLINE_ONNX_KERNEL(hard_sigmoid) {
  const float alpha = float_attribute(node, "alpha", 0.2F);
  const float beta = float_attribute(node, "beta", 0.5F);
  return map_float(node, inputs, [alpha, beta](float v) {
    const float y = alpha * v + beta;
    return std::isnan(y) ? y : std::clamp(y, 0.0F, 1.0F);
  });
}
FAULTLINE_ONNX_KERNEL(hard_swish) {
  return map_float(node, inputs, [](float v) {
    const float y = v / 6.0F + 0.5F;
    return std::isnan(y) ? y : v * std::clamp(y, 0.0F, 1.0F);
  });
}

FAULTLINE_ONNX_KERNEL(pow_op) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& base = *inputs[0];
  const Tensor& exponent = *inputs[1];
  if (base.type != ElementType::float32) return type_unsupported(node, base.type);
  std::vector<float> y;
  if (exponent.type == ElementType::float32) {
    y = values<float>(exponent);
  } else if (auto whole = integers(exponent)) {
    for (const std::int64_t v : *whole)
      y.push_back(static_cast<float>(v));
  } else {
    return type_unsupported(node, exponent.type);
  }
  const auto shape = broadcast_shape(base.shape, exponent.shape);
  if (!shape) return node_error(node, "the shapes do not broadcast");
  if (auto fits = check_output(node, *shape, base.type); !fits) return fits.error();
  const std::vector<float> x = values<float>(base);
  std::vector<float> z(count_of(*shape));
  BroadcastWalk at_x(base.shape, *shape), at_y(exponent.shape, *shape);
  for (std::size_t i = 0; i < z.size(); ++i, at_x.next(), at_y.next())
    z[i] = canonical(el::pow(x[at_x.index()], y[at_y.index()]));
  return std::vector<Tensor>{make_tensor(base.type, *shape, z)};
}

FAULTLINE_ONNX_KERNEL(prelu) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  const Tensor& slope = *inputs[1];
  if (x.type != ElementType::float32 || slope.type != x.type) return type_unsupported(node, x.type);
  const auto shape = broadcast_shape(x.shape, slope.shape);
  if (!shape || *shape != x.shape) return node_error(node, "the slope does not broadcast to X");
  const std::vector<float> v = values<float>(x), s = values<float>(slope);
  std::vector<float> z(v.size());
  BroadcastWalk at(slope.shape, x.shape);
  for (std::size_t i = 0; i < z.size(); ++i, at.next())
    z[i] = canonical(v[i] < 0 ? s[at.index()] * v[i] : v[i]);
  return std::vector<Tensor>{make_tensor(x.type, x.shape, z)};
}

FAULTLINE_ONNX_KERNEL(softmax) {
  return softmax_kernel(node, inputs, opset, false);
}
FAULTLINE_ONNX_KERNEL(log_softmax) {
  return softmax_kernel(node, inputs, opset, true);
}

FAULTLINE_ONNX_KERNEL(layer_normalization) {
  if (auto counted = expect_inputs(node, inputs, 2, 3); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  const Tensor& scale = *inputs[1];
  const Tensor* bias = inputs.size() > 2 ? inputs[2] : nullptr;
  if (x.type != ElementType::float32) return type_unsupported(node, x.type);
  const auto axis = normalize_axis(int_attribute(node, "axis", -1), x.shape.size());
  if (!axis) return node_error(node, "axis out of range");
  const float epsilon = float_attribute(node, "epsilon", 1e-5F);
  const std::vector<std::uint64_t> normalized(x.shape.begin() + *axis, x.shape.end());
  const std::uint64_t length = count_of(normalized);
  std::uint64_t groups = 1;  // Mean and InvStdDev hold one value per group, even of no elements
  for (std::size_t i = 0; i < *axis; ++i)
    groups *= x.shape[i];
  const auto fits = [&](const Tensor& t) {
    const auto joined = broadcast_shape(t.shape, normalized);
    return t.type == x.type && joined && *joined == normalized;
  };
  if (!fits(scale) || (bias && !fits(*bias))) {
    return node_error(node, "scale and B must broadcast to the normalized shape");
  }
  const std::vector<float> v = values<float>(x), s = values<float>(scale);
  const std::vector<float> b = bias ? values<float>(*bias) : std::vector<float>{};
  std::vector<float> z(v.size()), means(groups), inverse_deviations(groups);
  const auto sum_of = [](const float* terms, std::uint64_t count, float shift, bool square) {
    CanonicalSum<float> sum;
    for (std::uint64_t k = 0; k < count; ++k) {
      const float d = terms[k] - shift;
      sum.add(square ? d * d : terms[k]);
    }
    return sum.total();
  };
  for (std::uint64_t g = 0; g < groups; ++g) {
    const float* row = v.data() + g * length;
    // mean = Σx / n; var = Σ(x − mean)² / n; y = (x − mean) / √(var + ε) · scale + B.
    const float mean = sum_of(row, length, 0.0F, false) / static_cast<float>(length);
    const float variance = sum_of(row, length, mean, true) / static_cast<float>(length);
    const float deviation = std::sqrt(variance + epsilon);
    means[g] = canonical(mean);
    inverse_deviations[g] = canonical(1.0F / deviation);
    BroadcastWalk at_s(scale.shape, normalized);
    std::optional<BroadcastWalk> at_b;
    if (bias) at_b.emplace(bias->shape, normalized);
    for (std::uint64_t k = 0; k < length; ++k, at_s.next()) {
      float y = (row[k] - mean) / deviation * s[at_s.index()];
      if (bias) {
        y = y + b[at_b->index()];
        at_b->next();
      }
      z[g * length + k] = canonical(y);
    }
  }
  // Mean and InvStdDev keep X's shape with the normalized axes of size 1.
  std::vector<std::uint64_t> reduced(x.shape.begin(), x.shape.begin() + *axis);
  reduced.resize(x.shape.size(), 1);
  return std::vector<Tensor>{make_tensor(x.type, x.shape, z), make_tensor(x.type, reduced, means),
                             make_tensor(x.type, reduced, inverse_deviations)};
}

FAULTLINE_ONNX_KERNEL(instance_normalization) {
  if (auto counted = expect_inputs(node, inputs, 3, 3); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  if (x.type != ElementType::float32) return type_unsupported(node, x.type);
  if (x.shape.size() < 3) return node_error(node, "needs N, C and spatial axes");
  const std::uint64_t batch = x.shape[0], channels = x.shape[1];
  if (inputs[1]->type != x.type || inputs[2]->type != x.type ||
      count_of(inputs[1]->shape) != channels || count_of(inputs[2]->shape) != channels) {
    return node_error(node, "scale and B need one float per channel");
  }
  const float epsilon = float_attribute(node, "epsilon", 1e-5F);
  if (count_of(x.shape) == 0) return std::vector<Tensor>{x};
  const std::vector<float> v = values<float>(x), scale = values<float>(*inputs[1]),
                           bias = values<float>(*inputs[2]);
  const std::uint64_t length = count_of(x.shape) / (batch * channels);
  std::vector<float> z(v.size());
  for (std::uint64_t g = 0; g < batch * channels; ++g) {
    const float* row = v.data() + g * length;
    const std::uint64_t c = g % channels;
    CanonicalSum<float> total;
    for (std::uint64_t k = 0; k < length; ++k)
      total.add(row[k]);
    const float mean = total.total() / static_cast<float>(length);
    CanonicalSum<float> squares;
    for (std::uint64_t k = 0; k < length; ++k) {
      const float d = row[k] - mean;
      squares.add(d * d);
    }
    const float variance = squares.total() / static_cast<float>(length);
    const float deviation = std::sqrt(variance + epsilon);
    for (std::uint64_t k = 0; k < length; ++k)
      z[g * length + k] = canonical((row[k] - mean) / deviation * scale[c] + bias[c]);
  }
  return std::vector<Tensor>{make_tensor(x.type, x.shape, z)};
}

}  // namespace faultline::onnx::detail
