// Kernels that index, order or pad: GatherElements, ScatterElements, Trilu, CumSum, TopK,
// Hardmax, Pad.
#include <algorithm>
#include <numeric>

#include "kernel_support.hpp"
#include "kernels.hpp"

namespace faultline::onnx::detail {
namespace {

/// An index along an axis of `dimension`, negative from the end, or nullopt if out of range.
std::optional<std::uint64_t> index_in(std::int64_t index, std::uint64_t dimension) {
  const auto d = static_cast<std::int64_t>(dimension);
  if (index < -d || index >= d) return std::nullopt;
  return static_cast<std::uint64_t>(index < 0 ? index + d : index);
}

}  // namespace

FAULTLINE_ONNX_KERNEL(gather_elements) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  const auto indices = integers(*inputs[1]);
  if (!indices) return node_error(node, "indices must be int32 or int64");
  const std::vector<std::uint64_t>& shape = inputs[1]->shape;
  const auto axis = normalize_axis(int_attribute(node, "axis", 0), data.shape.size());
  if (!axis || shape.size() != data.shape.size()) return node_error(node, "axis or rank mismatch");
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i != *axis && shape[i] > data.shape[i]) return node_error(node, "indices exceed the data");
  }
  const std::size_t size = *element_size(data.type);
  const auto strides = strides_of(data.shape);
  Tensor out;
  out.type = data.type;
  out.shape = shape;
  out.data.resize(count_of(shape) * size);
  std::optional<Error> failure;
  for_each_index(shape, [&](const std::vector<std::uint64_t>& at, std::uint64_t n) {
    if (failure) return;
    const auto index = index_in((*indices)[n], data.shape[*axis]);
    if (!index) {
      failure = node_error(node, "index " + std::to_string((*indices)[n]) + " is out of range");
      return;
    }
    std::uint64_t from = 0;
    for (std::size_t i = 0; i < at.size(); ++i)
      from += (i == *axis ? *index : at[i]) * strides[i];
    std::memcpy(out.data.data() + n * size, data.data.data() + from * size, size);
  });
  if (failure) return *failure;
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(scatter_elements) {
  if (auto counted = expect_inputs(node, inputs, 3, 3); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  const auto indices = integers(*inputs[1]);
  const Tensor& updates = *inputs[2];
  if (!indices) return node_error(node, "indices must be int32 or int64");
  if (updates.type != data.type || updates.shape != inputs[1]->shape ||
      updates.shape.size() != data.shape.size()) {
    return node_error(node, "updates must match indices, and data's type and rank");
  }
  const auto axis = normalize_axis(int_attribute(node, "axis", 0), data.shape.size());
  if (!axis) return node_error(node, "axis out of range");
  const std::string reduction = string_attribute(node, "reduction", "none");
  if (reduction != "none" && reduction != "add" && reduction != "mul") {
    return feature_unsupported(node, "reduction " + reduction);
  }
  const auto strides = strides_of(data.shape);
  Tensor out = data;
  std::optional<Error> failure;
  // Bools scatter as bytes (with reduction none).
  const ElementType as = data.type == ElementType::boolean ? ElementType::uint8 : data.type;
  if (data.type == ElementType::boolean && reduction != "none") {
    return feature_unsupported(node, "a reduction over bools");
  }
  const bool known = dispatch_numeric(as, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    std::vector<T> z = values<T>(data);
    const std::vector<T> u = values<T>(updates);
    for_each_index(updates.shape, [&](const std::vector<std::uint64_t>& at, std::uint64_t n) {
      if (failure) return;
      const auto index = index_in((*indices)[n], data.shape[*axis]);
      bool inside = index.has_value();
      std::uint64_t to = 0;
      for (std::size_t i = 0; inside && i < at.size(); ++i) {
        const std::uint64_t p = i == *axis ? *index : at[i];
        inside = p < data.shape[i];
        to += p * strides[i];
      }
      if (!inside) {
        failure = node_error(node, "index " + std::to_string((*indices)[n]) + " is out of range");
        return;
      }
      z[to] = reduction == "add"   ? canonical(add_of(z[to], u[n]))
              : reduction == "mul" ? canonical(mul_of(z[to], u[n]))
                                   : u[n];
    });
    out = make_tensor(data.type, data.shape, z);
  });
  if (!known) return type_unsupported(node, data.type);
  if (failure) return *failure;
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(trilu) {
  if (auto counted = expect_inputs(node, inputs, 1, 2); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  if (data.shape.size() < 2) return node_error(node, "needs a rank of 2 or more");
  std::int64_t k = 0;
  if (inputs.size() > 1 && inputs[1] != nullptr) {
    const auto given = integers(*inputs[1]);
    if (!given || given->size() != 1) return node_error(node, "k must be one int64");
    k = (*given)[0];
  }
  const bool upper = int_attribute(node, "upper", 1) != 0;
  const std::uint64_t rows = data.shape[data.shape.size() - 2], columns = data.shape.back();
  const std::size_t size = *element_size(data.type);
  Tensor out = data;
  const std::uint64_t matrices = count_of(data.shape) / std::max<std::uint64_t>(rows * columns, 1);
  for (std::uint64_t m = 0; m < matrices; ++m) {
    for (std::uint64_t i = 0; i < rows; ++i) {
      for (std::uint64_t j = 0; j < columns; ++j) {
        const std::int64_t diagonal = static_cast<std::int64_t>(j) - static_cast<std::int64_t>(i);
        const bool keep = upper ? diagonal >= k : diagonal <= k;
        if (!keep) std::memset(out.data.data() + ((m * rows + i) * columns + j) * size, 0, size);
      }
    }
  }
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(cum_sum) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  const auto axis_value = integers(*inputs[1]);
  if (!axis_value || axis_value->size() != 1) return node_error(node, "axis must be one integer");
  const auto axis = normalize_axis((*axis_value)[0], x.shape.size());
  if (!axis) return node_error(node, "axis out of range");
  const bool exclusive = int_attribute(node, "exclusive", 0) != 0;
  const bool reverse = int_attribute(node, "reverse", 0) != 0;
  std::uint64_t outer = 1, inner = 1;
  for (std::size_t i = 0; i < *axis; ++i)
    outer *= x.shape[i];
  for (std::size_t i = *axis + 1; i < x.shape.size(); ++i)
    inner *= x.shape[i];
  const std::uint64_t length = x.shape[*axis];
  Tensor out;
  const bool known = dispatch_numeric(x.type, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    const std::vector<T> v = values<T>(x);
    std::vector<T> z(v.size());
    // Running sums, one addition at a time along the axis.
    for (std::uint64_t o = 0; o < outer; ++o) {
      for (std::uint64_t i = 0; i < inner; ++i) {
        T running{};
        for (std::uint64_t s = 0; s < length; ++s) {
          const std::uint64_t k = reverse ? length - 1 - s : s;
          const std::uint64_t at = (o * length + k) * inner + i;
          if (exclusive) {
            z[at] = canonical(running);
            running = add_of(running, v[at]);
          } else {
            running = add_of(running, v[at]);
            z[at] = canonical(running);
          }
        }
      }
    }
    out = make_tensor(E, x.shape, z);
  });
  if (!known) return type_unsupported(node, x.type);
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(top_k) {
  if (auto counted = expect_inputs(node, inputs, 1, 2); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  std::int64_t k = int_attribute(node, "k", -1);
  if (opset >= 10) {
    if (inputs.size() < 2 || inputs[1] == nullptr) return node_error(node, "needs K");
    const auto given = integers(*inputs[1]);
    if (!given || given->size() != 1) return node_error(node, "K must be one int64");
    k = (*given)[0];
  }
  const auto axis = normalize_axis(int_attribute(node, "axis", -1), x.shape.size());
  if (!axis) return node_error(node, "axis out of range");
  if (k < 0 || static_cast<std::uint64_t>(k) > x.shape[*axis]) {
    return node_error(node, "K is out of range");
  }
  const bool largest = opset < 11 || int_attribute(node, "largest", 1) != 0;
  std::uint64_t outer = 1, inner = 1;
  for (std::size_t i = 0; i < *axis; ++i)
    outer *= x.shape[i];
  for (std::size_t i = *axis + 1; i < x.shape.size(); ++i)
    inner *= x.shape[i];
  const std::uint64_t length = x.shape[*axis];
  std::vector<std::uint64_t> shape = x.shape;
  shape[*axis] = static_cast<std::uint64_t>(k);
  Tensor values_out;
  std::vector<std::int64_t> indices(count_of(shape));
  const bool known = dispatch_numeric(x.type, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    const std::vector<T> v = values<T>(x);
    std::vector<T> z(count_of(shape));
    std::vector<std::uint64_t> order(length);
    for (std::uint64_t o = 0; o < outer; ++o) {
      for (std::uint64_t i = 0; i < inner; ++i) {
        const auto at = [&](std::uint64_t s) { return v[(o * length + s) * inner + i]; };
        std::iota(order.begin(), order.end(), 0);
        // Ties keep the lower index first; NaN counts as the largest.
        std::stable_sort(order.begin(), order.end(), [&](std::uint64_t a, std::uint64_t b) {
          const T p = at(a), q = at(b);
          if constexpr (std::is_floating_point_v<T>) {
            if (std::isnan(p) || std::isnan(q))
              return largest ? !std::isnan(q) && std::isnan(p) : !std::isnan(p) && std::isnan(q);
          }
          return largest ? p > q : p < q;
        });
        for (std::uint64_t s = 0; s < static_cast<std::uint64_t>(k); ++s) {
          const std::uint64_t to = (o * static_cast<std::uint64_t>(k) + s) * inner + i;
          z[to] = canonical(at(order[s]));
          indices[to] = static_cast<std::int64_t>(order[s]);
        }
      }
    }
    values_out = make_tensor(E, shape, z);
  });
  if (!known) return type_unsupported(node, x.type);
  return std::vector<Tensor>{std::move(values_out),
                             make_tensor(ElementType::int64, shape, indices)};
}

FAULTLINE_ONNX_KERNEL(hardmax) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  if (x.type != ElementType::float32) return type_unsupported(node, x.type);
  const std::int64_t fallback = opset >= 13 ? -1 : 1;
  const auto axis = normalize_axis(int_attribute(node, "axis", fallback), x.shape.size());
  if (!axis) return node_error(node, "axis out of range");
  std::uint64_t outer = 1, length = 1, inner = 1;
  for (std::size_t i = 0; i < x.shape.size(); ++i) {
    if (i < *axis) {
      outer *= x.shape[i];
    } else if (i == *axis || opset < 13) {
      length *= x.shape[i];
    } else {
      inner *= x.shape[i];
    }
  }
  const std::vector<float> v = values<float>(x);
  std::vector<float> z(v.size(), 0.0F);
  for (std::uint64_t o = 0; o < outer; ++o) {
    for (std::uint64_t i = 0; i < inner; ++i) {
      std::uint64_t best = 0;
      for (std::uint64_t s = 1; s < length; ++s) {
        if (v[(o * length + s) * inner + i] > v[(o * length + best) * inner + i]) best = s;
      }
      if (length > 0) z[(o * length + best) * inner + i] = 1.0F;
    }
  }
  return std::vector<Tensor>{make_tensor(x.type, x.shape, z)};
}

FAULTLINE_ONNX_KERNEL(pad) {
  if (inputs.empty() || inputs[0] == nullptr) return node_error(node, "needs its data");
  const Tensor& data = *inputs[0];
  const std::size_t rank = data.shape.size();
  std::vector<std::int64_t> pads;
  const std::string mode = string_attribute(node, "mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge") {
    return feature_unsupported(node, "mode " + mode);
  }
  const std::size_t size = *element_size(data.type);
  Bytes fill(size, 0);
  if (opset < 11) {
    if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
    pads =
        ints_attribute(node, opset < 2 ? "paddings" : "pads").value_or(std::vector<std::int64_t>{});
    const float value = float_attribute(node, "value", 0.0F);
    if (data.type == ElementType::float32) {
      std::memcpy(fill.data(), &value, 4);
    } else if (data.type == ElementType::float64) {
      const auto wide = static_cast<double>(value);
      std::memcpy(fill.data(), &wide, 8);
    } else if (value != 0.0F) {
      return feature_unsupported(node, "a nonzero value for a non-float tensor before opset 11");
    }
  } else {
    if (auto counted = expect_inputs(node, inputs, 2, 3); !counted) return counted.error();
    const auto given = integers(*inputs[1]);
    if (!given) return node_error(node, "pads must be int64");
    pads = *given;
    if (inputs.size() > 2 && inputs[2] != nullptr && !inputs[2]->data.empty()) {
      if (inputs[2]->type != data.type || inputs[2]->data.size() != size) {
        return node_error(node, "constant_value must be one element of the data's type");
      }
      fill = inputs[2]->data;
    }
  }
  if (pads.size() != 2 * rank) return node_error(node, "pads needs two per axis");
  for (const std::int64_t p : pads) {
    if (p < -kMaxExtent || p > kMaxExtent) {
      return node_error(node, "pads must lie in [−2^30, 2^30]");
    }
  }
  std::vector<std::uint64_t> shape(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t extent = static_cast<std::int64_t>(data.shape[i]) + pads[i] + pads[i + rank];
    if (extent < 0) return node_error(node, "pads crop more than the axis holds");
    shape[i] = static_cast<std::uint64_t>(extent);
    if (mode != "constant" && data.shape[i] == 0 && extent > 0) {
      return node_error(node, mode + " padding of an empty axis");
    }
  }
  if (auto fits = check_output(node, shape, data.type); !fits) return fits.error();
  const auto strides = strides_of(data.shape);
  Tensor out;
  out.type = data.type;
  out.shape = shape;
  out.data.resize(count_of(shape) * size);
  for_each_index(shape, [&](const std::vector<std::uint64_t>& at, std::uint64_t n) {
    std::uint64_t from = 0;
    bool constant = false;
    for (std::size_t i = 0; i < rank; ++i) {
      std::int64_t p = static_cast<std::int64_t>(at[i]) - pads[i];
      const auto dimension = static_cast<std::int64_t>(data.shape[i]);
      if (p < 0 || p >= dimension) {
        if (mode == "constant") {
          constant = true;
          break;
        }
        if (mode == "edge") {
          p = std::clamp(p, std::int64_t{0}, dimension - 1);
        } else {  // reflect, without repeating the edge
          const std::int64_t period = dimension > 1 ? 2 * (dimension - 1) : 1;
          p = ((p % period) + period) % period;
          if (p >= dimension) p = period - p;
        }
      }
      from += static_cast<std::uint64_t>(p) * strides[i];
    }
    std::memcpy(out.data.data() + n * size, constant ? fill.data() : data.data.data() + from * size,
                size);
  });
  return std::vector<Tensor>{std::move(out)};
}

}  // namespace faultline::onnx::detail
