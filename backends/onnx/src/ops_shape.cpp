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
  std::vector<std::uint64_t> shape(rank), in_strides(rank, 1);
  for (std::size_t i = rank; i-- > 1;)
    in_strides[i - 1] = in_strides[i] * data.shape[i];
  for (std::size_t i = 0; i < rank; ++i)
    shape[i] = data.shape[static_cast<std::size_t>(perm[i])];
  const std::size_t size = *element_size(data.type);
  const std::uint64_t count = count_of(shape);
  Tensor out;
  out.type = data.type;
  out.shape = shape;
  out.data.resize(data.data.size());
  std::vector<std::uint64_t> at(rank, 0);
  for (std::uint64_t n = 0; n < count; ++n) {
    std::uint64_t from = 0;
    for (std::size_t i = 0; i < rank; ++i)
      from += at[i] * in_strides[static_cast<std::size_t>(perm[i])];
    std::memcpy(out.data.data() + n * size, data.data.data() + from * size, size);
    for (std::size_t i = rank; i-- > 0;) {
      if (++at[i] < shape[i]) break;
      at[i] = 0;
    }
  }
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
