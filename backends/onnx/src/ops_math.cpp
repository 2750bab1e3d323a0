// Arithmetic kernels: elementwise binary and unary operators, MatMul and Gemm.
#include "kernel_support.hpp"
#include "kernels.hpp"

namespace faultline::onnx::detail {

namespace {

enum class Arithmetic { add, sub, mul, div };

template <class T>
T apply(Arithmetic op, T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    switch (op) {
      case Arithmetic::add:
        return canonical(a + b);
      case Arithmetic::sub:
        return canonical(a - b);
      case Arithmetic::mul:
        return canonical(a * b);
      case Arithmetic::div:
        return canonical(a / b);
    }
  } else {
    switch (op) {
      case Arithmetic::add:
        return wrap_add(a, b);
      case Arithmetic::sub:
        return wrap_sub(a, b);
      case Arithmetic::mul:
        return wrap_mul(a, b);
      case Arithmetic::div:
        return checked_div(a, b);
    }
  }
  return T{};
}

Result<std::vector<Tensor>> binary(const Node& node, std::span<const Tensor* const> inputs,
                                   Arithmetic op) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  const Tensor& b = *inputs[1];
  if (a.type != b.type) {
    return node_error(node, std::string("inputs of ") + std::string(element_type_name(a.type)) +
                                " and " + std::string(element_type_name(b.type)));
  }
  const auto shape = broadcast_shape(a.shape, b.shape);
  if (!shape) {
    return node_error(node, "shapes " + shape_text(a.shape) + " and " + shape_text(b.shape) +
                                " do not broadcast");
  }
  if (auto fits = check_output(node, *shape, a.type); !fits) return fits.error();
  Tensor out;
  const bool known = dispatch_numeric(a.type, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    const std::vector<T> x = values<T>(a), y = values<T>(b);
    std::vector<T> z(count_of(*shape));
    // Equal shapes and scalars (most calls) in plain loops, one per operator, that the compiler
    // vectorises; any other broadcast walks the indices.
    const auto compute = [&](auto f) {
      if (x.size() == z.size() && y.size() == z.size()) {
        for (std::size_t i = 0; i < z.size(); ++i)
          z[i] = f(x[i], y[i]);
      } else if (x.size() == z.size() && y.size() == 1) {
        for (std::size_t i = 0; i < z.size(); ++i)
          z[i] = f(x[i], y[0]);
      } else if (x.size() == 1 && y.size() == z.size()) {
        for (std::size_t i = 0; i < z.size(); ++i)
          z[i] = f(x[0], y[i]);
      } else {
        BroadcastWalk at_a(a.shape, *shape), at_b(b.shape, *shape);
        for (std::size_t i = 0; i < z.size(); ++i, at_a.next(), at_b.next())
          z[i] = f(x[at_a.index()], y[at_b.index()]);
      }
    };
    switch (op) {
      case Arithmetic::add:
        compute([](T p, T q) { return apply(Arithmetic::add, p, q); });
        break;
      case Arithmetic::sub:
        compute([](T p, T q) { return apply(Arithmetic::sub, p, q); });
        break;
      case Arithmetic::mul:
        compute([](T p, T q) { return apply(Arithmetic::mul, p, q); });
        break;
      case Arithmetic::div:
        compute([](T p, T q) { return apply(Arithmetic::div, p, q); });
        break;
    }
    out = make_tensor(E, *shape, z);
  });
  if (!known) {
    return type_unsupported(node, a.type);
  }
  return std::vector<Tensor>{std::move(out)};
}

}  // namespace

Result<std::vector<Tensor>> add(const Node& node, std::span<const Tensor* const> inputs,
                                std::int64_t) {
  return binary(node, inputs, Arithmetic::add);
}
Result<std::vector<Tensor>> sub(const Node& node, std::span<const Tensor* const> inputs,
                                std::int64_t) {
  return binary(node, inputs, Arithmetic::sub);
}
Result<std::vector<Tensor>> mul(const Node& node, std::span<const Tensor* const> inputs,
                                std::int64_t) {
  return binary(node, inputs, Arithmetic::mul);
}
Result<std::vector<Tensor>> div(const Node& node, std::span<const Tensor* const> inputs,
                                std::int64_t) {
  return binary(node, inputs, Arithmetic::div);
}

namespace {

enum class Unary { relu, neg, abs, identity };

Result<std::vector<Tensor>> unary(const Node& node, std::span<const Tensor* const> inputs,
                                  Unary op) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  if (op == Unary::identity) return std::vector<Tensor>{a};
  Tensor out;
  const bool known = dispatch_numeric(a.type, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    std::vector<T> x = values<T>(a);
    for (T& v : x) {
      switch (op) {
        case Unary::relu:
          v = canonical(v < T{0} ? T{0} : v);
          break;
        case Unary::neg:
          if constexpr (std::is_floating_point_v<T>) {
            v = canonical(-v);
          } else {
            v = wrap_sub(T{0}, v);
          }
          break;
        case Unary::abs:
          if constexpr (std::is_floating_point_v<T>) {
            v = canonical(std::fabs(v));
          } else if constexpr (std::is_signed_v<T>) {
            v = v < 0 ? wrap_sub(T{0}, v) : v;
          }
          break;
        case Unary::identity:
          break;
      }
    }
    out = make_tensor(E, a.shape, x);
  });
  if (!known) {
    return type_unsupported(node, a.type);
  }
  return std::vector<Tensor>{std::move(out)};
}

}  // namespace

Result<std::vector<Tensor>> relu(const Node& node, std::span<const Tensor* const> inputs,
                                 std::int64_t) {
  return unary(node, inputs, Unary::relu);
}
Result<std::vector<Tensor>> neg(const Node& node, std::span<const Tensor* const> inputs,
                                std::int64_t) {
  return unary(node, inputs, Unary::neg);
}
Result<std::vector<Tensor>> abs_op(const Node& node, std::span<const Tensor* const> inputs,
                                   std::int64_t) {
  return unary(node, inputs, Unary::abs);
}
Result<std::vector<Tensor>> identity(const Node& node, std::span<const Tensor* const> inputs,
                                     std::int64_t) {
  return unary(node, inputs, Unary::identity);
}

namespace {

template <class T>
T dot(const T* a, std::size_t a_stride, const T* b, std::size_t b_stride, std::size_t count) {
  if constexpr (std::is_floating_point_v<T>) {
    return canonical(canonical_dot_of(a, a_stride, b, b_stride, count));
  } else {
    T sum = 0;
    for (std::size_t i = 0; i < count; ++i)
      sum = wrap_add(sum, wrap_mul(a[i * a_stride], b[i * b_stride]));
    return sum;
  }
}

}  // namespace

Result<std::vector<Tensor>> matmul(const Node& node, std::span<const Tensor* const> inputs,
                                   std::int64_t) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  const Tensor& b = *inputs[1];
  if (a.type != b.type) return node_error(node, "inputs of two element types");
  if (a.shape.empty() || b.shape.empty()) return node_error(node, "a scalar input");
  // numpy's rule: a 1-D operand is a row (a) or a column (b), dropped from the result.
  std::vector<std::uint64_t> sa = a.shape, sb = b.shape;
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  const std::uint64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
  if (sb[sb.size() - 2] != k) {
    return node_error(
        node, "shapes " + shape_text(a.shape) + " and " + shape_text(b.shape) + " do not multiply");
  }
  const std::vector<std::uint64_t> batch_a(sa.begin(), sa.end() - 2),
      batch_b(sb.begin(), sb.end() - 2);
  const auto batch = broadcast_shape(batch_a, batch_b);
  if (!batch) return node_error(node, "batch dimensions do not broadcast");
  std::vector<std::uint64_t> shape = *batch;
  if (a.shape.size() > 1) shape.push_back(m);
  if (b.shape.size() > 1) shape.push_back(n);
  if (auto fits = check_output(node, shape, a.type); !fits) return fits.error();
  if (a.type == ElementType::int8 || a.type == ElementType::uint8 || a.type == ElementType::int16 ||
      a.type == ElementType::uint16) {
    return type_unsupported(node, a.type);
  }
  Tensor out;
  const bool known = dispatch_numeric(a.type, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    const std::vector<T> x = values<T>(a), y = values<T>(b);
    const std::vector<std::uint64_t> at_a = broadcast_indices(batch_a, *batch),
                                     at_b = broadcast_indices(batch_b, *batch);
    std::vector<T> z(at_a.size() * m * n);
    for (std::size_t s = 0; s < at_a.size(); ++s) {
      const T* pa = x.data() + at_a[s] * m * k;
      const T* pb = y.data() + at_b[s] * k * n;
      for (std::uint64_t i = 0; i < m; ++i) {
        T* row = z.data() + (s * m + i) * n;
        if constexpr (std::is_floating_point_v<T>) {
          canonical_dots(pa + i * k, pb, n, k, n, row);
          for (std::uint64_t j = 0; j < n; ++j)
            row[j] = canonical(row[j]);
        } else {
          for (std::uint64_t j = 0; j < n; ++j)
            row[j] = dot(pa + i * k, 1, pb + j, n, k);
        }
      }
    }
    out = make_tensor(E, shape, z);
  });
  if (!known) {
    return type_unsupported(node, a.type);
  }
  return std::vector<Tensor>{std::move(out)};
}

Result<std::vector<Tensor>> gemm(const Node& node, std::span<const Tensor* const> inputs,
                                 std::int64_t) {
  if (auto counted = expect_inputs(node, inputs, 2, 3); !counted) return counted.error();
  const Tensor& a = *inputs[0];
  const Tensor& b = *inputs[1];
  const Tensor* c = inputs.size() > 2 ? inputs[2] : nullptr;
  if (a.shape.size() != 2 || b.shape.size() != 2) return node_error(node, "A and B must be 2-D");
  if (a.type != b.type || (c && c->type != a.type)) {
    return node_error(node, "inputs of different element types");
  }
  const bool trans_a = int_attribute(node, "transA", 0) != 0;
  const bool trans_b = int_attribute(node, "transB", 0) != 0;
  const float alpha = float_attribute(node, "alpha", 1.0F);
  const float beta = float_attribute(node, "beta", 1.0F);
  const std::uint64_t m = trans_a ? a.shape[1] : a.shape[0], k = trans_a ? a.shape[0] : a.shape[1];
  const std::uint64_t kb = trans_b ? b.shape[1] : b.shape[0], n = trans_b ? b.shape[0] : b.shape[1];
  if (k != kb) {
    return node_error(
        node, "A " + shape_text(a.shape) + " and B " + shape_text(b.shape) + " do not multiply");
  }
  const std::vector<std::uint64_t> shape = {m, n};
  if (auto fits = check_output(node, shape, a.type); !fits) return fits.error();
  std::optional<BroadcastWalk> at_c;
  if (c) {
    const auto joined = broadcast_shape(c->shape, shape);
    if (!joined || *joined != shape) {
      return node_error(
          node, "C " + shape_text(c->shape) + " does not broadcast to " + shape_text(shape));
    }
    at_c.emplace(c->shape, shape);
  }
  Tensor out;
  const auto compute = [&]<class T>() {
    const std::vector<T> x = values<T>(a), y = values<T>(b);
    const std::vector<T> z_c = c ? values<T>(*c) : std::vector<T>{};
    std::vector<T> z(m * n);
    // A's rows contiguous (`from` holds `count` rows of `length`, or their transpose).
    const auto rows = [](const std::vector<T>& from, std::uint64_t count, std::uint64_t length,
                         bool transposed) {
      if (!transposed) return from;
      std::vector<T> to(count * length);
      for (std::uint64_t r = 0; r < count; ++r) {
        for (std::uint64_t i = 0; i < length; ++i)
          to[r * length + i] = from[i * count + r];
      }
      return to;
    };
    const std::vector<T> a_rows = rows(x, m, k, trans_a);
    std::vector<T> products(n);
    for (std::uint64_t i = 0; i < m; ++i) {
      // With transB, B's rows are the columns: one contiguous dot product each; without, a
      // row of A times B runs along B's rows.
      const T* a_row = a_rows.data() + i * k;
      if (trans_b) {
        for (std::uint64_t j = 0; j < n; ++j)
          products[j] = canonical_dot_of(a_row, 1, y.data() + j * k, 1, k);
      } else {
        canonical_dots(a_row, y.data(), n, k, n, products.data());
      }
      for (std::uint64_t j = 0; j < n; ++j) {
        T value = static_cast<T>(alpha) * canonical(products[j]);
        if (c) {
          value = value + static_cast<T>(beta) * z_c[at_c->index()];
          at_c->next();
        }
        z[i * n + j] = canonical(value);
      }
    }
    out = make_tensor(a.type, shape, z);
  };
  if (a.type == ElementType::float32) {
    compute.template operator()<float>();
  } else if (a.type == ElementType::float64) {
    compute.template operator()<double>();
  } else {
    return type_unsupported(node, a.type);
  }
  return std::vector<Tensor>{std::move(out)};
}

// Clones for the vector units of x86-64 hosts, except in sanitizer builds (their runtime is not
// up yet when the loader resolves the clone) and where FAULTLINE_NO_TARGET_CLONES asks for the
// baseline alone (the determinism probe's variant without vectorisation).
#if defined(__SANITIZE_ADDRESS__)
#define FAULTLINE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FAULTLINE_SANITIZED 1
#endif
#endif
#if defined(__x86_64__) && !defined(FAULTLINE_SANITIZED) && !defined(FAULTLINE_NO_TARGET_CLONES)
#if defined(FAULTLINE_TARGET_CLONES_AVX2)  // the probe's variant that runs the AVX2 clone
__attribute__((target_clones("avx2", "default")))
#else
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
void canonical_dots(const float* row, const float* columns, std::size_t stride, std::size_t depth,
                    std::size_t count, float* out) {
  canonical_dots<float>(row, columns, stride, depth, count, out);
}

float canonical_dot_float(const float* a, std::size_t a_stride, const float* b,
                          std::size_t b_stride, std::size_t count) {
  return canonical_dot_of(a, a_stride, b, b_stride, count);
}

}  // namespace faultline::onnx::detail
