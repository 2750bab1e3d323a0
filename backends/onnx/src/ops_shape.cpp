// Kernels that move or describe data without arithmetic: Reshape, Flatten, Transpose, Squeeze,
// Unsqueeze, Concat, Expand, Shape, Size, Constant.
#include <algorithm>
#include <numeric>

#include "kernel_support.hpp"
#include "kernels.hpp"

namespace faultline::onnx::detail {
namespace {

Tensor reshaped(const Tensor& input, std::vector<std::uint64_t> shape) {
  Tensor out = input;
  out.shape = std::move(shape);
  return out;
}

Tensor int64_tensor(std::vector<std::uint64_t> shape, const std::vector<std::int64_t>& data) {
  return make_tensor(ElementType::int64, std::move(shape), data);
}

/// Elements of `shape` from `from` to `to` multiplied.
std::uint64_t product(const std::vector<std::uint64_t>& shape, std::size_t from, std::size_t to) {
  std::uint64_t out = 1;
  for (std::size_t i = from; i < to; ++i)
    out *= shape[i];
  return out;
}

/// Axes from the attribute (before opset 13) or the input `index` (from 13 on).
Result<std::optional<std::vector<std::int64_t>>> axes_of(const Node& node,
                                                         std::span<const Tensor* const> inputs,
                                                         std::size_t index, std::int64_t opset) {
  if (opset < 13) return ints_attribute(node, "axes");
  if (inputs.size() <= index || inputs[index] == nullptr) {
    return std::optional<std::vector<std::int64_t>>{};
  }
  auto axes = integers(*inputs[index]);
  if (!axes) return node_error(node, "axes must be int64");
  return std::optional(std::move(*axes));
}

}  // namespace

FAULTLINE_ONNX_KERNEL(reshape) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  const auto requested = integers(*inputs[1]);
  if (!requested) return node_error(node, "the shape must be int64");
  const bool allow_zero = opset >= 14 && int_attribute(node, "allowzero", 0) != 0;
  std::vector<std::uint64_t> shape;
  std::optional<std::size_t> inferred;
  for (std::size_t i = 0; i < requested->size(); ++i) {
    const std::int64_t dimension = (*requested)[i];
    if (dimension == -1) {
      if (inferred) return node_error(node, "more than one -1 in the shape");
      inferred = i;
      shape.push_back(1);
    } else if (dimension == 0 && !allow_zero) {
      if (i >= data.shape.size()) return node_error(node, "0 copies a dimension the data lacks");
      shape.push_back(data.shape[i]);
    } else if (dimension < 0) {
      return node_error(node, "the negative dimension " + std::to_string(dimension));
    } else {
      shape.push_back(static_cast<std::uint64_t>(dimension));
    }
  }
  const std::uint64_t count = count_of(data.shape);
  if (inferred) {
    const std::uint64_t known = count_of(shape);
    if (known == 0 || count % known != 0) {
      return node_error(node, "cannot infer -1 for " + std::to_string(count) + " elements");
    }
    shape[*inferred] = count / known;
  }
  if (auto total = element_count(shape); !total || *total != count) {
    return node_error(node, "shape " + shape_text(shape) + " does not hold " +
                                std::to_string(count) + " elements");
  }
  return std::vector<Tensor>{reshaped(data, std::move(shape))};
}

FAULTLINE_ONNX_KERNEL(flatten) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  const std::int64_t requested = int_attribute(node, "axis", 1);
  const auto rank = static_cast<std::int64_t>(data.shape.size());
  if (requested < -rank || requested > rank || (opset < 11 && requested < 0)) {
    return node_error(node,
                      "axis " + std::to_string(requested) + " for rank " + std::to_string(rank));
  }
  const auto axis = static_cast<std::size_t>(requested < 0 ? requested + rank : requested);
  return std::vector<Tensor>{
      reshaped(data, {product(data.shape, 0, axis), product(data.shape, axis, data.shape.size())})};
}

FAULTLINE_ONNX_KERNEL(transpose) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  const std::size_t rank = data.shape.size();
  std::vector<std::int64_t> perm(rank);
  for (std::size_t i = 0; i < rank; ++i)
    perm[i] = static_cast<std::int64_t>(rank - 1 - i);
  if (auto given = ints_attribute(node, "perm")) perm = *given;
  std::vector<bool> seen(rank, false);
  if (perm.size() != rank) return node_error(node, "perm does not have one entry per axis");
  for (const std::int64_t axis : perm) {
    if (axis < 0 || static_cast<std::size_t>(axis) >= rank ||
        seen[static_cast<std::size_t>(axis)]) {
      return node_error(node, "perm is not a permutation of the axes");
    }
    seen[static_cast<std::size_t>(axis)] = true;
  }
  std::vector<std::uint64_t> shape(rank);
  const std::vector<std::uint64_t> in_strides = strides_of(data.shape);
  for (std::size_t i = 0; i < rank; ++i)
    shape[i] = data.shape[static_cast<std::size_t>(perm[i])];
  const std::size_t size = *element_size(data.type);
  Tensor out;
  out.type = data.type;
  out.shape = shape;
  out.data.resize(data.data.size());
  for_each_index(shape, [&](const std::vector<std::uint64_t>& at, std::uint64_t n) {
    std::uint64_t from = 0;
    for (std::size_t i = 0; i < rank; ++i)
      from += at[i] * in_strides[static_cast<std::size_t>(perm[i])];
    std::memcpy(out.data.data() + n * size, data.data.data() + from * size, size);
  });
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(squeeze) {
  if (auto counted = expect_inputs(node, inputs, 1, 2); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  auto axes = axes_of(node, inputs, 1, opset);
  if (!axes) return axes.error();
  std::vector<bool> drop(data.shape.size(), false);
  if (!*axes) {
    for (std::size_t i = 0; i < data.shape.size(); ++i)
      drop[i] = data.shape[i] == 1;
  } else {
    for (const std::int64_t requested : **axes) {
      const auto axis = normalize_axis(requested, data.shape.size());
      if (!axis || data.shape[*axis] != 1) {
        return node_error(node, "axis " + std::to_string(requested) + " is not of size 1");
      }
      drop[*axis] = true;
    }
  }
  std::vector<std::uint64_t> shape;
  for (std::size_t i = 0; i < data.shape.size(); ++i) {
    if (!drop[i]) shape.push_back(data.shape[i]);
  }
  return std::vector<Tensor>{reshaped(data, std::move(shape))};
}

FAULTLINE_ONNX_KERNEL(unsqueeze) {
  if (auto counted = expect_inputs(node, inputs, 1, 2); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  auto axes = axes_of(node, inputs, 1, opset);
  if (!axes) return axes.error();
  if (!*axes) return node_error(node, "needs axes");
  const std::size_t rank = data.shape.size() + (*axes)->size();
  std::vector<bool> inserted(rank, false);
  for (const std::int64_t requested : **axes) {
    const auto axis = normalize_axis(requested, rank);
    if (!axis || inserted[*axis]) {
      return node_error(node, "axis " + std::to_string(requested) + " is out of range or repeated");
    }
    inserted[*axis] = true;
  }
  std::vector<std::uint64_t> shape;
  std::size_t from = 0;
  for (std::size_t i = 0; i < rank; ++i)
    shape.push_back(inserted[i] ? 1 : data.shape[from++]);
  return std::vector<Tensor>{reshaped(data, std::move(shape))};
}

FAULTLINE_ONNX_KERNEL(concat) {
  if (inputs.empty() || std::ranges::any_of(inputs, [](const Tensor* t) { return !t; })) {
    return node_error(node, "needs at least one input, none left out");
  }
  if (auto valid = valid_inputs(node, inputs); !valid) return valid.error();
  const Tensor& first = *inputs[0];
  const auto axis = normalize_axis(int_attribute(node, "axis", 0), first.shape.size());
  if (!axis || (opset < 11 && int_attribute(node, "axis", 0) < 0)) {
    return node_error(node, "axis out of range");
  }
  std::vector<std::uint64_t> shape = first.shape;
  shape[*axis] = 0;
  for (const Tensor* input : inputs) {
    if (input->type != first.type || input->shape.size() != first.shape.size()) {
      return node_error(node, "inputs of different element types or ranks");
    }
    for (std::size_t i = 0; i < shape.size(); ++i) {
      if (i != *axis && input->shape[i] != first.shape[i]) {
        return node_error(node, "inputs differ outside the axis");
      }
    }
    shape[*axis] += input->shape[*axis];
    if (auto fits = check_output(node, shape, first.type); !fits) return fits.error();
  }
  const std::size_t size = *element_size(first.type);
  const std::uint64_t outer = product(shape, 0, *axis),
                      inner = product(shape, *axis + 1, shape.size());
  Tensor out;
  out.type = first.type;
  out.shape = shape;
  out.data.reserve(count_of(shape) * size);
  for (std::uint64_t o = 0; o < outer; ++o) {
    for (const Tensor* input : inputs) {
      const std::uint64_t block = input->shape[*axis] * inner * size;
      const auto begin = input->data.begin() + static_cast<std::ptrdiff_t>(o * block);
      out.data.insert(out.data.end(), begin, begin + static_cast<std::ptrdiff_t>(block));
    }
  }
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(expand) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  const auto requested = integers(*inputs[1]);
  if (!requested) return node_error(node, "the shape must be int64");
  std::vector<std::uint64_t> target;
  for (const std::int64_t dimension : *requested) {
    if (dimension < 0) return node_error(node, "a negative dimension");
    target.push_back(static_cast<std::uint64_t>(dimension));
  }
  const auto shape = broadcast_shape(data.shape, target);
  if (!shape) return node_error(node, "the shapes do not broadcast");
  if (auto fits = check_output(node, *shape, data.type); !fits) return fits.error();
  const std::size_t size = *element_size(data.type);
  BroadcastWalk at(data.shape, *shape);
  Tensor out;
  out.type = data.type;
  out.shape = *shape;
  const std::uint64_t count = count_of(*shape);
  out.data.resize(count * size);
  for (std::uint64_t i = 0; i < count; ++i, at.next())
    std::memcpy(out.data.data() + i * size, data.data.data() + at.index() * size, size);
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(shape) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const auto rank = static_cast<std::int64_t>(inputs[0]->shape.size());
  std::int64_t start = opset >= 15 ? int_attribute(node, "start", 0) : 0;
  std::int64_t end = opset >= 15 ? int_attribute(node, "end", rank) : rank;
  start = std::clamp(start < 0 ? start + rank : start, std::int64_t{0}, rank);
  end = std::clamp(end < 0 ? end + rank : end, std::int64_t{0}, rank);
  std::vector<std::int64_t> dims;
  for (std::int64_t i = start; i < end; ++i)
    dims.push_back(static_cast<std::int64_t>(inputs[0]->shape[static_cast<std::size_t>(i)]));
  const std::uint64_t count = dims.size();
  return std::vector<Tensor>{int64_tensor({count}, dims)};
}

FAULTLINE_ONNX_KERNEL(size) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  return std::vector<Tensor>{
      int64_tensor({}, {static_cast<std::int64_t>(count_of(inputs[0]->shape))})};
}

FAULTLINE_ONNX_KERNEL(constant) {
  if (!inputs.empty()) return node_error(node, "takes no inputs");
  if (node.attributes.size() != 1) return node_error(node, "needs exactly one value attribute");
  const auto& [name, value] = *node.attributes.begin();
  if (const auto* tensor = std::get_if<Tensor>(&value); tensor && name == "value") {
    return std::vector<Tensor>{*tensor};
  }
  if (const auto* number = std::get_if<float>(&value); number && name == "value_float") {
    return std::vector<Tensor>{make_tensor(ElementType::float32, {}, std::vector<float>{*number})};
  }
  if (const auto* numbers = std::get_if<std::vector<float>>(&value);
      numbers && name == "value_floats") {
    return std::vector<Tensor>{make_tensor(ElementType::float32, {numbers->size()}, *numbers)};
  }
  if (const auto* number = std::get_if<std::int64_t>(&value); number && name == "value_int") {
    return std::vector<Tensor>{int64_tensor({}, {*number})};
  }
  if (const auto* numbers = std::get_if<std::vector<std::int64_t>>(&value);
      numbers && name == "value_ints") {
    return std::vector<Tensor>{int64_tensor({numbers->size()}, *numbers)};
  }
  return node_error(node, "the value attribute " + name + " is not supported");
}

}  // namespace faultline::onnx::detail

namespace faultline::onnx::detail {

FAULTLINE_ONNX_KERNEL(gather) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  const auto indices = integers(*inputs[1]);
  if (!indices) return node_error(node, "indices must be int32 or int64");
  const auto axis = normalize_axis(int_attribute(node, "axis", 0), data.shape.size());
  if (!axis) return node_error(node, "axis out of range");
  const std::uint64_t dimension = data.shape[*axis];
  std::vector<std::uint64_t> shape(data.shape.begin(), data.shape.begin() + *axis);
  shape.insert(shape.end(), inputs[1]->shape.begin(), inputs[1]->shape.end());
  shape.insert(shape.end(), data.shape.begin() + *axis + 1, data.shape.end());
  if (auto fits = check_output(node, shape, data.type); !fits) return fits.error();
  const std::size_t size = *element_size(data.type);
  const std::uint64_t outer = product(data.shape, 0, *axis);
  const std::uint64_t inner = product(data.shape, *axis + 1, data.shape.size()) * size;
  Tensor out;
  out.type = data.type;
  out.shape = shape;
  out.data.reserve(count_of(shape) * size);
  for (std::uint64_t o = 0; o < outer; ++o) {
    for (const std::int64_t requested : *indices) {
      const std::int64_t index =
          requested < 0 ? requested + static_cast<std::int64_t>(dimension) : requested;
      if (index < 0 || static_cast<std::uint64_t>(index) >= dimension) {
        return node_error(node, "index " + std::to_string(requested) + " is out of range [0, " +
                                    std::to_string(dimension) + ")");
      }
      const auto begin =
          data.data.begin() +
          static_cast<std::ptrdiff_t>((o * dimension + static_cast<std::uint64_t>(index)) * inner);
      out.data.insert(out.data.end(), begin, begin + static_cast<std::ptrdiff_t>(inner));
    }
  }
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(slice) {
  if (inputs.empty() || inputs[0] == nullptr) return node_error(node, "needs its data");
  const Tensor& data = *inputs[0];
  const std::size_t rank = data.shape.size();
  std::vector<std::int64_t> starts, ends, axes, steps;
  if (opset < 10) {
    if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
    starts = ints_attribute(node, "starts").value_or(std::vector<std::int64_t>{});
    ends = ints_attribute(node, "ends").value_or(std::vector<std::int64_t>{});
    axes = ints_attribute(node, "axes").value_or(std::vector<std::int64_t>{});
  } else {
    if (auto counted = expect_inputs(node, inputs, 3, 5); !counted) return counted.error();
    const auto read = [&](std::size_t i, std::vector<std::int64_t>& into) -> Result<void> {
      if (inputs.size() <= i || inputs[i] == nullptr) return {};
      auto given = integers(*inputs[i]);
      if (!given) return node_error(node, "starts, ends, axes and steps must be int64");
      into = std::move(*given);
      return {};
    };
    for (const auto& [i, into] :
         {std::pair{std::size_t{1}, &starts}, std::pair{std::size_t{2}, &ends},
          std::pair{std::size_t{3}, &axes}, std::pair{std::size_t{4}, &steps}}) {
      if (auto ok = read(i, *into); !ok) return ok.error();
    }
  }
  if (axes.empty()) {
    for (std::size_t i = 0; i < starts.size(); ++i)
      axes.push_back(static_cast<std::int64_t>(i));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (starts.size() != ends.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    return node_error(node, "starts, ends, axes and steps differ in length");
  }
  std::vector<std::int64_t> first(rank, 0), step(rank, 1);
  std::vector<std::uint64_t> shape = data.shape;
  std::vector<bool> seen(rank, false);
  for (std::size_t k = 0; k < starts.size(); ++k) {
    const auto axis = normalize_axis(axes[k], rank);
    if (!axis || seen[*axis]) return node_error(node, "axes out of range or repeated");
    seen[*axis] = true;
    if (steps[k] == 0) return node_error(node, "a step of 0");
    const auto dimension = static_cast<std::int64_t>(data.shape[*axis]);
    std::int64_t start = starts[k], end = ends[k];
    // Steps past ±2^62 act as ±2^62 (one element at most either way): no overflow below.
    const std::int64_t s = std::clamp(steps[k], -(std::int64_t{1} << 62), std::int64_t{1} << 62);
    // Starts and ends far outside the axis clamp the same as any outside it.
    start = std::clamp(start, -(std::int64_t{1} << 62), std::int64_t{1} << 62);
    end = std::clamp(end, -(std::int64_t{1} << 62), std::int64_t{1} << 62);
    if (start < 0) start += dimension;
    if (end < 0) end += dimension;
    std::int64_t count = 0;
    if (dimension > 0) {
      if (s > 0) {
        start = std::clamp(start, std::int64_t{0}, dimension);
        end = std::clamp(end, std::int64_t{0}, dimension);
      } else {
        start = std::clamp(start, std::int64_t{0}, dimension - 1);
        end = std::clamp(end, std::int64_t{-1}, dimension - 1);
      }
      const std::int64_t span = s > 0 ? end - start : start - end;
      const std::int64_t magnitude = s > 0 ? s : -s;
      count = span <= 0 ? 0 : 1 + (span - 1) / magnitude;
    }
    first[*axis] = start;
    step[*axis] = s;
    shape[*axis] = static_cast<std::uint64_t>(count);
  }
  const std::size_t size = *element_size(data.type);
  const std::vector<std::uint64_t> strides = strides_of(data.shape);
  Tensor out;
  out.type = data.type;
  out.shape = shape;
  const std::uint64_t count = count_of(shape);
  out.data.resize(count * size);
  for_each_index(shape, [&](const std::vector<std::uint64_t>& at, std::uint64_t n) {
    std::uint64_t from = 0;
    for (std::size_t i = 0; i < rank; ++i) {
      from += static_cast<std::uint64_t>(first[i] + static_cast<std::int64_t>(at[i]) * step[i]) *
              strides[i];
    }
    std::memcpy(out.data.data() + n * size, data.data.data() + from * size, size);
  });
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(constant_of_shape) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const auto requested = integers(*inputs[0]);
  if (!requested) return node_error(node, "the shape must be int64");
  std::vector<std::uint64_t> shape;
  for (const std::int64_t dimension : *requested) {
    if (dimension < 0) return node_error(node, "a negative dimension");
    shape.push_back(static_cast<std::uint64_t>(dimension));
  }
  Tensor value = make_tensor(ElementType::float32, {1}, std::vector<float>{0.0F});
  if (const auto found = node.attributes.find("value"); found != node.attributes.end()) {
    const auto* given = std::get_if<Tensor>(&found->second);
    if (given == nullptr || count_of(given->shape) != 1) {
      return node_error(node, "value must be a one-element tensor");
    }
    value = *given;
  }
  if (auto fits = check_output(node, shape, value.type); !fits) return fits.error();
  Tensor out;
  out.type = value.type;
  out.shape = shape;
  const std::uint64_t count = count_of(shape);
  out.data.reserve(count * value.data.size());
  for (std::uint64_t i = 0; i < count; ++i)
    out.data.insert(out.data.end(), value.data.begin(), value.data.end());
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(dropout) {
  if (auto counted = expect_inputs(node, inputs, 1, 3); !counted) return counted.error();
  if (inputs.size() > 2 && inputs[2] != nullptr && !inputs[2]->data.empty() &&
      inputs[2]->data[0] != 0) {
    return feature_unsupported(node, "training mode");
  }
  std::vector<Tensor> out{*inputs[0]};
  if (node.outputs.size() > 1) {
    out.push_back(make_tensor(ElementType::boolean, inputs[0]->shape,
                              std::vector<std::uint8_t>(count_of(inputs[0]->shape), 1)));
  }
  return out;
}

FAULTLINE_ONNX_KERNEL(tile) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  const auto repeats = integers(*inputs[1]);
  if (!repeats || repeats->size() != data.shape.size()) {
    return node_error(node, "repeats must be int64, one per axis");
  }
  std::vector<std::uint64_t> shape = data.shape;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if ((*repeats)[i] < 0 || static_cast<std::uint64_t>((*repeats)[i]) > kMaxTensorBytes) {
      return node_error(node, "repeats must lie in [0, 2^30]");
    }
    shape[i] *= static_cast<std::uint64_t>((*repeats)[i]);  // both at most 2^30: no overflow
  }
  if (auto fits = check_output(node, shape, data.type); !fits) return fits.error();
  const std::size_t size = *element_size(data.type), rank = shape.size();
  const std::vector<std::uint64_t> strides = strides_of(data.shape);
  Tensor out;
  out.type = data.type;
  out.shape = shape;
  const std::uint64_t count = count_of(shape);
  out.data.resize(count * size);
  for_each_index(shape, [&](const std::vector<std::uint64_t>& at, std::uint64_t n) {
    std::uint64_t from = 0;
    for (std::size_t i = 0; i < rank; ++i)
      from += (at[i] % data.shape[i]) * strides[i];
    std::memcpy(out.data.data() + n * size, data.data.data() + from * size, size);
  });
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(split) {
  if (auto counted = expect_inputs(node, inputs, 1, 2); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  const auto axis = normalize_axis(int_attribute(node, "axis", 0), data.shape.size());
  if (!axis) return node_error(node, "axis out of range");
  std::vector<std::int64_t> sizes;
  if (opset < 13) {
    sizes = ints_attribute(node, "split").value_or(std::vector<std::int64_t>{});
  } else if (inputs.size() > 1 && inputs[1] != nullptr) {
    auto given = integers(*inputs[1]);
    if (!given) return node_error(node, "split must be int64");
    sizes = std::move(*given);
  }
  const std::uint64_t dimension = data.shape[*axis];
  const std::size_t parts = node.outputs.size();
  if (sizes.empty()) {
    if (parts == 0 || dimension % parts != 0) return node_error(node, "cannot split evenly");
    sizes.assign(parts, static_cast<std::int64_t>(dimension / parts));
  }
  std::uint64_t total = 0;
  for (const std::int64_t part : sizes) {
    if (part < 0 || static_cast<std::uint64_t>(part) > dimension - total) {
      return node_error(node, "the split's parts are negative or exceed the axis");
    }
    total += static_cast<std::uint64_t>(part);
  }
  if (total != dimension || sizes.size() != parts) {
    return node_error(node, "the split does not cover the axis with one part per output");
  }
  const std::size_t size = *element_size(data.type);
  const std::uint64_t outer = product(data.shape, 0, *axis);
  const std::uint64_t inner = product(data.shape, *axis + 1, data.shape.size()) * size;
  std::vector<Tensor> out;
  std::uint64_t offset = 0;
  for (const std::int64_t part : sizes) {
    Tensor piece;
    piece.type = data.type;
    piece.shape = data.shape;
    piece.shape[*axis] = static_cast<std::uint64_t>(part);
    for (std::uint64_t o = 0; o < outer; ++o) {
      const auto begin =
          data.data.begin() + static_cast<std::ptrdiff_t>((o * dimension + offset) * inner);
      piece.data.insert(
          piece.data.end(), begin,
          begin + static_cast<std::ptrdiff_t>(static_cast<std::uint64_t>(part) * inner));
    }
    offset += static_cast<std::uint64_t>(part);
    out.push_back(std::move(piece));
  }
  return out;
}

FAULTLINE_ONNX_KERNEL(range) {
  if (auto counted = expect_inputs(node, inputs, 3, 3); !counted) return counted.error();
  const Tensor& start = *inputs[0];
  const std::size_t one = element_size(start.type).value_or(0);
  if (inputs[1]->type != start.type || inputs[2]->type != start.type || one == 0 ||
      start.data.size() != one || inputs[1]->data.size() != one || inputs[2]->data.size() != one) {
    return node_error(node, "start, limit and delta must be scalars of one type");
  }
  Tensor out;
  std::optional<Error> failure;
  const bool known = dispatch_numeric(start.type, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    const T first = values<T>(start)[0], limit = values<T>(*inputs[1])[0],
            delta = values<T>(*inputs[2])[0];
    if (delta == T{0}) {
      failure = node_error(node, "a delta of 0");
      return;
    }
    // ⌈(limit − start) / delta⌉ elements, at least 0: integers in exact unsigned arithmetic.
    std::uint64_t steps = 0;
    const std::uint64_t most = kMaxTensorBytes / sizeof(T);
    if constexpr (std::is_floating_point_v<T>) {
      const double count = std::ceil((static_cast<double>(limit) - static_cast<double>(first)) /
                                     static_cast<double>(delta));
      if (count > static_cast<double>(most)) {
        steps = most + 1;
      } else if (count > 0) {
        steps = static_cast<std::uint64_t>(count);
      }
    } else {
      const bool up = delta > T{0};
      if (up ? limit > first : limit < first) {
        const auto span = static_cast<std::uint64_t>(
            up ? static_cast<std::uint64_t>(limit) - static_cast<std::uint64_t>(first)
               : static_cast<std::uint64_t>(first) - static_cast<std::uint64_t>(limit));
        const auto stride =
            static_cast<std::uint64_t>(up ? static_cast<std::uint64_t>(delta)
                                          : std::uint64_t{0} - static_cast<std::uint64_t>(delta));
        steps = span / stride + (span % stride != 0 ? 1 : 0);
      }
    }
    if (steps > most) {
      failure = node_error(node, "the range is too long");
      return;
    }
    std::vector<T> z(static_cast<std::size_t>(steps));
    for (std::size_t i = 0; i < z.size(); ++i)
      z[i] = canonical(add_of(first, mul_of(static_cast<T>(i), delta)));
    out = make_tensor(E, {z.size()}, z);
  });
  if (!known) return type_unsupported(node, start.type);
  if (failure) return *failure;
  return std::vector<Tensor>{std::move(out)};
}

}  // namespace faultline::onnx::detail
