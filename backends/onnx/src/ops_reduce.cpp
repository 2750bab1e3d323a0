// Reductions (ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceSumSquare,
// ReduceL1, ReduceL2) and ArgMax/ArgMin. Sums and products run over the reduced elements in
// row-major order, into eight lanes, then pairwise: the canonical order.
#include <algorithm>

#include "faultline/onnx/elementary.hpp"
#include "kernel_support.hpp"
#include "kernels.hpp"

namespace faultline::onnx::detail {
namespace {

enum class Reduction { sum, mean, max, min, prod, sum_square, l1, l2, log_sum, log_sum_exp };

/// Which axes a reduction reduces: from the attribute (or, for ReduceSum from opset 13, the
/// input), all of them when none are given (unless noop_with_empty_axes).
Result<std::vector<bool>> reduced_axes(const Node& node, std::span<const Tensor* const> inputs,
                                       std::size_t rank, bool axes_from_input) {
  std::optional<std::vector<std::int64_t>> axes;
  if (axes_from_input) {
    if (inputs.size() > 1 && inputs[1] != nullptr) {
      axes = integers(*inputs[1]);
      if (!axes) return node_error(node, "axes must be int64");
    }
  } else {
    axes = ints_attribute(node, "axes");
  }
  std::vector<bool> reduce(rank, false);
  if (!axes || axes->empty()) {
    const bool noop = axes_from_input && int_attribute(node, "noop_with_empty_axes", 0) != 0;
    std::fill(reduce.begin(), reduce.end(), !noop);
    return reduce;
  }
  for (const std::int64_t requested : *axes) {
    const auto axis = normalize_axis(requested, rank);
    if (!axis) return node_error(node, "axis " + std::to_string(requested) + " is out of range");
    reduce[*axis] = true;
  }
  return reduce;
}

/// Calls fn(output index, list of input offsets in row-major order of the reduced axes).
template <class Fn>
void for_each_group(const std::vector<std::uint64_t>& shape, const std::vector<bool>& reduce,
                    Fn&& fn) {
  const std::size_t rank = shape.size();
  const std::vector<std::uint64_t> strides = strides_of(shape);
  std::vector<std::uint64_t> kept, reduced;
  for (std::size_t i = 0; i < rank; ++i)
    (reduce[i] ? reduced : kept).push_back(i);
  std::vector<std::uint64_t> kept_shape, reduced_shape;
  for (const auto i : kept)
    kept_shape.push_back(shape[i]);
  for (const auto i : reduced)
    reduced_shape.push_back(shape[i]);
  const std::uint64_t outputs = count_of(kept_shape), terms = count_of(reduced_shape);
  std::vector<std::uint64_t> offsets(terms);
  std::vector<std::uint64_t> at_kept(kept.size(), 0);
  for (std::uint64_t o = 0; o < outputs; ++o) {
    std::uint64_t base = 0;
    for (std::size_t i = 0; i < kept.size(); ++i)
      base += at_kept[i] * strides[kept[i]];
    std::vector<std::uint64_t> at(reduced.size(), 0);
    for (std::uint64_t t = 0; t < terms; ++t) {
      std::uint64_t offset = base;
      for (std::size_t i = 0; i < reduced.size(); ++i)
        offset += at[i] * strides[reduced[i]];
      offsets[t] = offset;
      for (std::size_t i = reduced.size(); i-- > 0;) {
        if (++at[i] < reduced_shape[i]) break;
        at[i] = 0;
      }
    }
    fn(o, offsets);
    for (std::size_t i = kept.size(); i-- > 0;) {
      if (++at_kept[i] < kept_shape[i]) break;
      at_kept[i] = 0;
    }
  }
}

/// The canonical order (CanonicalSum's), for products and wrapping integers too.
template <class T>
T lanes_total(const std::array<T, 8>& lanes, bool product) {
  const auto join = [product](T a, T b) { return product ? mul_of(a, b) : add_of(a, b); };
  return join(join(join(lanes[0], lanes[1]), join(lanes[2], lanes[3])),
              join(join(lanes[4], lanes[5]), join(lanes[6], lanes[7])));
}

Result<std::vector<Tensor>> reduce(const Node& node, std::span<const Tensor* const> inputs,
                                   std::int64_t opset, Reduction how) {
  if (auto counted = expect_inputs(node, inputs, 1, 2); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  const bool axes_input = how == Reduction::sum && opset >= 13;
  auto axes = reduced_axes(node, inputs, x.shape.size(), axes_input);
  if (!axes) return axes.error();
  const bool keep = int_attribute(node, "keepdims", 1) != 0;
  std::vector<std::uint64_t> shape;
  for (std::size_t i = 0; i < x.shape.size(); ++i) {
    if (!(*axes)[i]) {
      shape.push_back(x.shape[i]);
    } else if (keep) {
      shape.push_back(1);
    }
  }
  if (how == Reduction::max || how == Reduction::min) {
    for (std::size_t i = 0; i < x.shape.size(); ++i) {
      if ((*axes)[i] && x.shape[i] == 0) return node_error(node, "max or min of no elements");
    }
  }
  if ((how == Reduction::log_sum || how == Reduction::log_sum_exp) &&
      x.type != ElementType::float32 && x.type != ElementType::float64) {
    return type_unsupported(node, x.type);
  }
  Tensor out;
  const bool known = dispatch_numeric(x.type, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    const std::vector<T> v = values<T>(x);
    std::vector<T> z;
    for_each_group(x.shape, *axes, [&](std::uint64_t, const std::vector<std::uint64_t>& terms) {
      if (how == Reduction::max || how == Reduction::min) {
        T best = v[terms[0]];
        bool nan = false;
        for (const std::uint64_t t : terms) {
          if constexpr (std::is_floating_point_v<T>) nan = nan || std::isnan(v[t]);
          best = how == Reduction::max ? std::max(best, v[t]) : std::min(best, v[t]);
        }
        if constexpr (std::is_floating_point_v<T>) {
          if (nan) best = std::numeric_limits<T>::quiet_NaN();
        }
        z.push_back(canonical(best));
        return;
      }
      if constexpr (std::is_floating_point_v<T>) {
        if (how == Reduction::log_sum_exp) {
          // m + ln Σ e^(x − m), m the largest term: no overflow, the sum in the canonical order.
          T largest = -std::numeric_limits<T>::infinity();
          for (const std::uint64_t t : terms)
            largest = v[t] > largest ? v[t] : largest;
          CanonicalSum<T> sum;
          for (const std::uint64_t t : terms) {
            const T shifted = v[t] - largest;
            sum.add(elementary::exp(shifted));
          }
          const T total = sum.total();
          z.push_back(
              canonical(!std::isfinite(largest) ? largest : largest + elementary::log(total)));
          return;
        }
      }
      const bool product = how == Reduction::prod;
      std::array<T, 8> lanes{};
      lanes.fill(product ? T{1} : T{0});
      for (std::size_t i = 0; i < terms.size(); ++i) {
        T term = v[terms[i]];
        if (how == Reduction::sum_square || how == Reduction::l2) term = mul_of(term, term);
        if (how == Reduction::l1 && term < T{0}) term = sub_of(T{0}, term);
        lanes[i % 8] = product ? mul_of(lanes[i % 8], term) : add_of(lanes[i % 8], term);
      }
      T total = lanes_total(lanes, product);
      if constexpr (std::is_floating_point_v<T>) {
        if (how == Reduction::mean) total = total / static_cast<T>(terms.size());
        if (how == Reduction::l2) total = std::sqrt(total);
        if (how == Reduction::log_sum) total = elementary::log(total);
      } else {
        if (how == Reduction::mean)
          total = terms.empty() ? T{0} : checked_div(total, static_cast<T>(terms.size()));
      }
      z.push_back(canonical(total));
    });
    out = make_tensor(E, shape, z);
  });
  if (!known) return type_unsupported(node, x.type);
  return std::vector<Tensor>{std::move(out)};
}

Result<std::vector<Tensor>> arg_extremum(const Node& node, std::span<const Tensor* const> inputs,
                                         bool largest) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  const auto axis = normalize_axis(int_attribute(node, "axis", 0), x.shape.size());
  if (!axis || x.shape[*axis] == 0) return node_error(node, "axis out of range or empty");
  const bool keep = int_attribute(node, "keepdims", 1) != 0;
  const bool last = int_attribute(node, "select_last_index", 0) != 0;
  std::vector<bool> reduce(x.shape.size(), false);
  reduce[*axis] = true;
  std::vector<std::uint64_t> shape;
  for (std::size_t i = 0; i < x.shape.size(); ++i) {
    if (i != *axis) {
      shape.push_back(x.shape[i]);
    } else if (keep) {
      shape.push_back(1);
    }
  }
  std::vector<std::int64_t> z;
  const bool known = dispatch_numeric(x.type, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    const std::vector<T> v = values<T>(x);
    for_each_group(x.shape, reduce, [&](std::uint64_t, const std::vector<std::uint64_t>& terms) {
      std::size_t best = 0;
      for (std::size_t i = 1; i < terms.size(); ++i) {
        const T a = v[terms[i]], b = v[terms[best]];
        const bool better = largest ? (last ? a >= b : a > b) : (last ? a <= b : a < b);
        if (better) best = i;
      }
      z.push_back(static_cast<std::int64_t>(best));
    });
  });
  if (!known) return type_unsupported(node, x.type);
  return std::vector<Tensor>{make_tensor(ElementType::int64, shape, z)};
}

}  // namespace

FAULTLINE_ONNX_KERNEL(reduce_sum) {
  return reduce(node, inputs, opset, Reduction::sum);
}
FAULTLINE_ONNX_KERNEL(reduce_mean) {
  return reduce(node, inputs, opset, Reduction::mean);
}
FAULTLINE_ONNX_KERNEL(reduce_max) {
  return reduce(node, inputs, opset, Reduction::max);
}
FAULTLINE_ONNX_KERNEL(reduce_min) {
  return reduce(node, inputs, opset, Reduction::min);
}
FAULTLINE_ONNX_KERNEL(reduce_prod) {
  return reduce(node, inputs, opset, Reduction::prod);
}
FAULTLINE_ONNX_KERNEL(reduce_sum_square) {
  return reduce(node, inputs, opset, Reduction::sum_square);
}
FAULTLINE_ONNX_KERNEL(reduce_l1) {
  return reduce(node, inputs, opset, Reduction::l1);
}
FAULTLINE_ONNX_KERNEL(reduce_l2) {
  return reduce(node, inputs, opset, Reduction::l2);
}
FAULTLINE_ONNX_KERNEL(reduce_log_sum) {
  return reduce(node, inputs, opset, Reduction::log_sum);
}
FAULTLINE_ONNX_KERNEL(reduce_log_sum_exp) {
  return reduce(node, inputs, opset, Reduction::log_sum_exp);
}
FAULTLINE_ONNX_KERNEL(arg_max) {
  return arg_extremum(node, inputs, true);
}
FAULTLINE_ONNX_KERNEL(arg_min) {
  return arg_extremum(node, inputs, false);
}

}  // namespace faultline::onnx::detail
