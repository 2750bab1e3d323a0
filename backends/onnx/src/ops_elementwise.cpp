// Elementwise kernels beyond the four arithmetic ones: comparisons and logic (bool results),
// Where, Max and Min, Clip, LeakyRelu, and the exactly rounded Sqrt, Reciprocal, Floor, Ceil.
#include <algorithm>
#include <cmath>

#include "kernel_support.hpp"
#include "kernels.hpp"

namespace faultline::onnx::detail {
namespace {

enum class Compare { equal, less, greater, less_or_equal, greater_or_equal };

Result<std::vector<Tensor>> compare(const Node& node, std::span<const Tensor* const> inputs,
                                    Compare how) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  const Tensor& b = *inputs[1];
  if (a.type != b.type) return node_error(node, "inputs of two element types");
  const auto shape = broadcast_shape(a.shape, b.shape);
  if (!shape) return node_error(node, "the shapes do not broadcast");
  if (auto fits = check_output(node, *shape, ElementType::boolean); !fits) return fits.error();
  std::vector<std::uint8_t> z(count_of(*shape));
  const auto fill = [&]<class T>() {
    const std::vector<T> x = values<T>(a), y = values<T>(b);
    BroadcastWalk at_a(a.shape, *shape), at_b(b.shape, *shape);
    for (std::size_t i = 0; i < z.size(); ++i, at_a.next(), at_b.next()) {
      const T p = x[at_a.index()], q = y[at_b.index()];
      bool result = false;
      switch (how) {
        case Compare::equal:
          result = p == q;
          break;
        case Compare::less:
          result = p < q;
          break;
        case Compare::greater:
          result = p > q;
          break;
        case Compare::less_or_equal:
          result = p <= q;
          break;
        case Compare::greater_or_equal:
          result = p >= q;
          break;
      }
      z[i] = result ? 1 : 0;
    }
  };
  if (a.type == ElementType::boolean) {
    fill.template operator()<std::uint8_t>();
  } else if (!dispatch_numeric(a.type, [&]<ElementType E>() {
               fill.template operator()<typename Element<E>::type>();
             })) {
    return type_unsupported(node, a.type);
  }
  return std::vector<Tensor>{make_tensor(ElementType::boolean, *shape, z)};
}

enum class Logic { and_op, or_op, xor_op };

Result<std::vector<Tensor>> logic(const Node& node, std::span<const Tensor* const> inputs,
                                  Logic how) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  const Tensor& b = *inputs[1];
  if (a.type != ElementType::boolean || b.type != ElementType::boolean) {
    return node_error(node, "takes bool inputs");
  }
  const auto shape = broadcast_shape(a.shape, b.shape);
  if (!shape) return node_error(node, "the shapes do not broadcast");
  if (auto fits = check_output(node, *shape, ElementType::boolean); !fits) return fits.error();
  std::vector<std::uint8_t> z(count_of(*shape));
  BroadcastWalk at_a(a.shape, *shape), at_b(b.shape, *shape);
  for (std::size_t i = 0; i < z.size(); ++i, at_a.next(), at_b.next()) {
    const bool p = a.data[at_a.index()] != 0, q = b.data[at_b.index()] != 0;
    z[i] = (how == Logic::and_op ? p && q : how == Logic::or_op ? p || q : p != q) ? 1 : 0;
  }
  return std::vector<Tensor>{make_tensor(ElementType::boolean, *shape, z)};
}

/// The shape one or more inputs of one element type broadcast to (Max, Min, Sum, Mean), within
/// the size cap.
Result<std::vector<std::uint64_t>> joint_shape(const Node& node,
                                               std::span<const Tensor* const> inputs) {
  if (inputs.empty() || std::ranges::any_of(inputs, [](const Tensor* t) { return !t; })) {
    return node_error(node, "needs at least one input");
  }
  if (auto valid = valid_inputs(node, inputs); !valid) return valid.error();
  std::vector<std::uint64_t> shape = inputs[0]->shape;
  for (const Tensor* input : inputs) {
    if (input->type != inputs[0]->type) return node_error(node, "inputs of two element types");
    const auto joined = broadcast_shape(shape, input->shape);
    if (!joined) return node_error(node, "the shapes do not broadcast");
    shape = *joined;
  }
  if (auto fits = check_output(node, shape, inputs[0]->type); !fits) return fits.error();
  return shape;
}

/// Max or Min of one or more inputs, broadcasting; a NaN anywhere gives NaN.
Result<std::vector<Tensor>> extremum(const Node& node, std::span<const Tensor* const> inputs,
                                     bool largest) {
  auto joint = joint_shape(node, inputs);
  if (!joint) return joint.error();
  const std::vector<std::uint64_t>& shape = *joint;
  Tensor out;
  const bool known = dispatch_numeric(inputs[0]->type, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    std::vector<T> z(count_of(shape));
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      const std::vector<T> x = values<T>(*inputs[k]);
      BroadcastWalk at(inputs[k]->shape, shape);
      for (std::size_t i = 0; i < z.size(); ++i, at.next()) {
        const T v = x[at.index()];
        if (k == 0) {
          z[i] = v;
        } else if constexpr (std::is_floating_point_v<T>) {
          z[i] = std::isnan(z[i]) || std::isnan(v) ? std::numeric_limits<T>::quiet_NaN()
                 : largest                         ? std::max(z[i], v)
                                                   : std::min(z[i], v);
        } else {
          z[i] = largest ? std::max(z[i], v) : std::min(z[i], v);
        }
      }
    }
    for (T& v : z)
      v = canonical(v);
    out = make_tensor(E, shape, z);
  });
  if (!known) return type_unsupported(node, inputs[0]->type);
  return std::vector<Tensor>{std::move(out)};
}

enum class Rounded { sqrt, reciprocal, floor, ceil };

/// Float kernels whose results IEEE-754 fixes exactly on every host (correctly rounded).
Result<std::vector<Tensor>> exact(const Node& node, std::span<const Tensor* const> inputs,
                                  Rounded how) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  const auto compute = [&]<class T>() {
    std::vector<T> x = values<T>(a);
    for (T& v : x) {
      switch (how) {
        case Rounded::sqrt:
          v = std::sqrt(v);
          break;
        case Rounded::reciprocal:
          v = T{1} / v;
          break;
        case Rounded::floor:
          v = std::floor(v);
          break;
        case Rounded::ceil:
          v = std::ceil(v);
          break;
      }
      v = canonical(v);
    }
    return make_tensor(a.type, a.shape, x);
  };
  if (a.type == ElementType::float32)
    return std::vector<Tensor>{compute.template operator()<float>()};
  if (a.type == ElementType::float64) {
    return std::vector<Tensor>{compute.template operator()<double>()};
  }
  return type_unsupported(node, a.type);
}

}  // namespace

FAULTLINE_ONNX_KERNEL(equal) {
  return compare(node, inputs, Compare::equal);
}
FAULTLINE_ONNX_KERNEL(less) {
  return compare(node, inputs, Compare::less);
}
FAULTLINE_ONNX_KERNEL(greater) {
  return compare(node, inputs, Compare::greater);
}
FAULTLINE_ONNX_KERNEL(less_or_equal) {
  return compare(node, inputs, Compare::less_or_equal);
}
FAULTLINE_ONNX_KERNEL(greater_or_equal) {
  return compare(node, inputs, Compare::greater_or_equal);
}
FAULTLINE_ONNX_KERNEL(and_op) {
  return logic(node, inputs, Logic::and_op);
}
FAULTLINE_ONNX_KERNEL(or_op) {
  return logic(node, inputs, Logic::or_op);
}
FAULTLINE_ONNX_KERNEL(xor_op) {
  return logic(node, inputs, Logic::xor_op);
}

FAULTLINE_ONNX_KERNEL(not_op) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  if (inputs[0]->type != ElementType::boolean) return node_error(node, "takes a bool input");
  Tensor out = *inputs[0];
  for (std::uint8_t& v : out.data)
    v = v != 0 ? 0 : 1;
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(where) {
  if (auto counted = expect_inputs(node, inputs, 3, 3); !counted) return counted.error();
  const Tensor& condition = *inputs[0];
  const Tensor& x = *inputs[1];
  const Tensor& y = *inputs[2];
  if (condition.type != ElementType::boolean) return node_error(node, "the condition is not bool");
  if (x.type != y.type) return node_error(node, "X and Y of two element types");
  auto shape = broadcast_shape(condition.shape, x.shape);
  if (shape) shape = broadcast_shape(*shape, y.shape);
  if (!shape) return node_error(node, "the shapes do not broadcast");
  if (auto fits = check_output(node, *shape, x.type); !fits) return fits.error();
  const std::size_t size = *element_size(x.type);
  const std::uint64_t count = count_of(*shape);
  Tensor out;
  out.type = x.type;
  out.shape = *shape;
  out.data.resize(count * size);
  BroadcastWalk at_c(condition.shape, *shape), at_x(x.shape, *shape), at_y(y.shape, *shape);
  for (std::uint64_t i = 0; i < count; ++i, at_c.next(), at_x.next(), at_y.next()) {
    const bool take_x = condition.data[at_c.index()] != 0;
    const std::uint8_t* from =
        take_x ? x.data.data() + at_x.index() * size : y.data.data() + at_y.index() * size;
    std::memcpy(out.data.data() + i * size, from, size);
  }
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(max_op) {
  return extremum(node, inputs, true);
}
FAULTLINE_ONNX_KERNEL(min_op) {
  return extremum(node, inputs, false);
}

FAULTLINE_ONNX_KERNEL(clip) {
  if (auto counted = expect_inputs(node, inputs, 1, 3); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  Tensor out;
  std::optional<Error> failure;
  const bool known = dispatch_numeric(a.type, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    T low = std::numeric_limits<T>::lowest(), high = std::numeric_limits<T>::max();
    if (opset < 11) {
      if constexpr (std::is_floating_point_v<T>) {
        low = static_cast<T>(float_attribute(node, "min", -std::numeric_limits<float>::max()));
        high = static_cast<T>(float_attribute(node, "max", std::numeric_limits<float>::max()));
      }
    } else {
      for (const std::size_t i : {std::size_t{1}, std::size_t{2}}) {
        if (inputs.size() <= i || inputs[i] == nullptr) continue;
        if (inputs[i]->type != a.type || inputs[i]->data.size() != sizeof(T)) {
          failure = node_error(node, "min and max must be scalars of the input's type");
          return;
        }
        (i == 1 ? low : high) = values<T>(*inputs[i])[0];
      }
    }
    std::vector<T> x = values<T>(a);
    for (T& v : x) {
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(v)) {
          v = canonical(v);
          continue;
        }
      }
      v = v < low ? low : v;
      v = v > high ? high : v;
    }
    out = make_tensor(E, a.shape, x);
  });
  if (!known) return type_unsupported(node, inputs[0]->type);
  if (failure) return *failure;
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(leaky_relu) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  if (a.type != ElementType::float32) return type_unsupported(node, a.type);
  const float alpha = float_attribute(node, "alpha", 0.01F);
  std::vector<float> x = values<float>(a);
  for (float& v : x)
    v = canonical(v < 0.0F ? alpha * v : v);
  return std::vector<Tensor>{make_tensor(a.type, a.shape, x)};
}

FAULTLINE_ONNX_KERNEL(sqrt_op) {
  return exact(node, inputs, Rounded::sqrt);
}
FAULTLINE_ONNX_KERNEL(reciprocal) {
  return exact(node, inputs, Rounded::reciprocal);
}
FAULTLINE_ONNX_KERNEL(floor_op) {
  return exact(node, inputs, Rounded::floor);
}
FAULTLINE_ONNX_KERNEL(ceil_op) {
  return exact(node, inputs, Rounded::ceil);
}

namespace {

/// One value converted as Cast defines it here: to bool, nonzero; floats to integers truncate
/// toward zero and saturate, NaN giving 0; integers to integers wrap; everything else rounds to
/// nearest (IEEE's conversion).
template <class From, class To>
To convert(From value, bool to_bool) {
  if (to_bool) return static_cast<To>(value != From{0} ? 1 : 0);
  if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    if (std::isnan(value)) return To{0};
    const From truncated = std::trunc(value);
    if (truncated <= static_cast<From>(std::numeric_limits<To>::lowest())) {
      return std::numeric_limits<To>::lowest();
    }
    // The largest integer below 2^bits, as From rounds it, may round up to 2^bits itself.
    if (truncated >= static_cast<From>(std::numeric_limits<To>::max())) {
      return std::numeric_limits<To>::max();
    }
    return static_cast<To>(truncated);
  } else {
    return canonical(static_cast<To>(value));
  }
}

/// fn.template operator()<T>() for numeric and bool element types.
template <class Fn>
bool dispatch_castable(ElementType type, Fn&& fn) {
  if (type == ElementType::boolean) {
    fn.template operator()<std::uint8_t>();
    return true;
  }
  return dispatch_numeric(
      type, [&]<ElementType E>() { fn.template operator()<typename Element<E>::type>(); });
}

}  // namespace

FAULTLINE_ONNX_KERNEL(cast_like) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  Node as_cast = node;
  as_cast.attributes = {{"to", static_cast<std::int64_t>(inputs[1]->type)}};
  return cast(as_cast, inputs.first(1), opset);
}

FAULTLINE_ONNX_KERNEL(cast) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  const std::int64_t to = int_attribute(node, "to", 0);
  const auto target = static_cast<ElementType>(to);
  if (to <= 0 || to > 255 || !element_size(target))
    return feature_unsupported(node, "cast to type " + std::to_string(to));
  if (auto fits = check_output(node, a.shape, target); !fits) return fits.error();
  Tensor out;
  bool target_known = false;
  const bool source_known = dispatch_castable(a.type, [&]<class From>() {
    const std::vector<From> x = values<From>(a);
    target_known = dispatch_castable(target, [&]<class To>() {
      std::vector<To> z(x.size());
      for (std::size_t i = 0; i < x.size(); ++i)
        z[i] = convert<From, To>(x[i], target == ElementType::boolean);
      out = make_tensor(target, a.shape, z);
    });
  });
  if (!source_known) return type_unsupported(node, a.type);
  if (!target_known) return type_unsupported(node, target);
  return std::vector<Tensor>{std::move(out)};
}

namespace {

/// Sum or Mean of one or more inputs, broadcasting, added in input order.
Result<std::vector<Tensor>> sum_of_inputs(const Node& node, std::span<const Tensor* const> inputs,
                                          bool mean) {
  auto joint = joint_shape(node, inputs);
  if (!joint) return joint.error();
  const std::vector<std::uint64_t>& shape = *joint;
  Tensor out;
  const bool known = dispatch_numeric(inputs[0]->type, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    std::vector<T> z(count_of(shape), T{0});
    for (const Tensor* input : inputs) {
      const std::vector<T> x = values<T>(*input);
      BroadcastWalk at(input->shape, shape);
      for (std::size_t i = 0; i < z.size(); ++i, at.next())
        z[i] = add_of(z[i], x[at.index()]);
    }
    for (T& v : z) {
      if (mean) {
        if constexpr (std::is_floating_point_v<T>) {
          v = v / static_cast<T>(inputs.size());
        } else {
          v = checked_div(v, static_cast<T>(inputs.size()));
        }
      }
      v = canonical(v);
    }
    out = make_tensor(E, shape, z);
  });
  if (!known) return type_unsupported(node, inputs[0]->type);
  return std::vector<Tensor>{std::move(out)};
}

/// Round half to even, with +, − and comparisons only.
template <class F>
F round_half_even(F x) {
  if (!std::isfinite(x)) return x;
  const F magnitude = x < 0 ? -x : x;
  if (magnitude >= F{1} / std::numeric_limits<F>::epsilon()) return x;  // already an integer
  const F whole = std::floor(magnitude), fraction = magnitude - whole;
  F rounded = whole;
  if (fraction > F{0.5} || (fraction == F{0.5} && std::fmod(whole, F{2}) != F{0}))
    rounded = whole + F{1};
  return x < 0 ? -rounded : rounded;
}

}  // namespace

FAULTLINE_ONNX_KERNEL(sum) {
  return sum_of_inputs(node, inputs, false);
}
FAULTLINE_ONNX_KERNEL(mean) {
  return sum_of_inputs(node, inputs, true);
}

FAULTLINE_ONNX_KERNEL(mod) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  const Tensor& b = *inputs[1];
  if (a.type != b.type) return node_error(node, "inputs of two element types");
  const bool c_style = int_attribute(node, "fmod", 0) != 0;
  const auto shape = broadcast_shape(a.shape, b.shape);
  if (!shape) return node_error(node, "the shapes do not broadcast");
  if (auto fits = check_output(node, *shape, a.type); !fits) return fits.error();
  Tensor out;
  std::optional<Error> failure;
  const bool known = dispatch_numeric(a.type, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    if constexpr (std::is_floating_point_v<T>) {
      if (!c_style) {
        failure = node_error(node, "floats need fmod = 1");
        return;
      }
    }
    const std::vector<T> x = values<T>(a), y = values<T>(b);
    std::vector<T> z(count_of(*shape));
    BroadcastWalk at_a(a.shape, *shape), at_b(b.shape, *shape);
    for (std::size_t i = 0; i < z.size(); ++i, at_a.next(), at_b.next()) {
      const T p = x[at_a.index()], q = y[at_b.index()];
      if constexpr (std::is_floating_point_v<T>) {
        z[i] = canonical(std::fmod(p, q));  // exact: fmod's result is representable
      } else {
        T r = q == 0 ? T{0} : sub_of(p, mul_of(checked_div(p, q), q));
        // Python's %: the sign of the divisor (fmod = 0); C's: the sign of the dividend.
        if (!c_style && r != 0 && ((r < 0) != (q < 0))) r = add_of(r, q);
        z[i] = r;
      }
    }
    out = make_tensor(E, *shape, z);
  });
  if (!known) return type_unsupported(node, a.type);
  if (failure) return *failure;
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(round_op) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  if (a.type == ElementType::float32) {
    std::vector<float> x = values<float>(a);
    for (float& v : x)
      v = canonical(round_half_even(v));
    return std::vector<Tensor>{make_tensor(a.type, a.shape, x)};
  }
  if (a.type == ElementType::float64) {
    std::vector<double> x = values<double>(a);
    for (double& v : x)
      v = canonical(round_half_even(v));
    return std::vector<Tensor>{make_tensor(a.type, a.shape, x)};
  }
  return type_unsupported(node, a.type);
}

FAULTLINE_ONNX_KERNEL(is_inf) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  const bool negative = int_attribute(node, "detect_negative", 1) != 0;
  const bool positive = int_attribute(node, "detect_positive", 1) != 0;
  std::vector<std::uint8_t> z(count_of(a.shape));
  const auto fill = [&]<class T>() {
    const std::vector<T> x = values<T>(a);
    for (std::size_t i = 0; i < z.size(); ++i) {
      const bool infinite = std::isinf(x[i]);
      z[i] = infinite && ((x[i] > 0 && positive) || (x[i] < 0 && negative)) ? 1 : 0;
    }
  };
  if (a.type == ElementType::float32) {
    fill.template operator()<float>();
  } else if (a.type == ElementType::float64) {
    fill.template operator()<double>();
  } else {
    return type_unsupported(node, a.type);
  }
  return std::vector<Tensor>{make_tensor(ElementType::boolean, a.shape, z)};
}

FAULTLINE_ONNX_KERNEL(is_nan) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  std::vector<std::uint8_t> z(count_of(a.shape));
  if (a.type == ElementType::float32) {
    const auto x = values<float>(a);
    for (std::size_t i = 0; i < z.size(); ++i)
      z[i] = std::isnan(x[i]) ? 1 : 0;
  } else if (a.type == ElementType::float64) {
    const auto x = values<double>(a);
    for (std::size_t i = 0; i < z.size(); ++i)
      z[i] = std::isnan(x[i]) ? 1 : 0;
  } else {
    return type_unsupported(node, a.type);
  }
  return std::vector<Tensor>{make_tensor(ElementType::boolean, a.shape, z)};
}

FAULTLINE_ONNX_KERNEL(sign) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  Tensor out;
  const bool known = dispatch_numeric(a.type, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    std::vector<T> x = values<T>(a);
    for (T& v : x) {
      if constexpr (std::is_floating_point_v<T>) {
        v = std::isnan(v) ? canonical(v) : v > 0 ? T{1} : v < 0 ? T{-1} : T{0};
      } else if constexpr (std::is_signed_v<T>) {
        v = v > 0 ? T{1} : v < 0 ? T{-1} : T{0};
      } else {
        v = v > 0 ? T{1} : T{0};
      }
    }
    out = make_tensor(E, a.shape, x);
  });
  if (!known) return type_unsupported(node, a.type);
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(thresholded_relu) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  if (a.type != ElementType::float32) return type_unsupported(node, a.type);
  const float alpha = float_attribute(node, "alpha", 1.0F);
  std::vector<float> x = values<float>(a);
  for (float& v : x)
    v = canonical(v > alpha ? v : (std::isnan(v) ? v : 0.0F));
  return std::vector<Tensor>{make_tensor(a.type, a.shape, x)};
}

}  // namespace faultline::onnx::detail
