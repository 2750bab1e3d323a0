// Kernels that rearrange or select elements: Compress, DepthToSpace, SpaceToDepth, OneHot,
// EyeLike, GatherND, ScatterND.
#include <algorithm>

#include "kernel_support.hpp"
#include "kernels.hpp"

namespace faultline::onnx::detail {
namespace {

/// Copies element `from` of `in` to element `to` of `out` (same element size).
void copy_element(const Tensor& in, std::uint64_t from, Tensor& out, std::uint64_t to) {
  const std::size_t size = *element_size(in.type);
  std::memcpy(out.data.data() + to * size, in.data.data() + from * size, size);
}

Tensor empty_like(const Tensor& like, std::vector<std::uint64_t> shape) {
  Tensor out;
  out.type = like.type;
  out.shape = std::move(shape);
  out.data.assign(count_of(out.shape) * *element_size(like.type), 0);
  return out;
}

}  // namespace

FAULTLINE_ONNX_KERNEL(compress) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  const Tensor& condition = *inputs[1];
  if (condition.type != ElementType::boolean) return node_error(node, "the condition is not bool");
  const bool has_axis = node.attributes.contains("axis");
  if (!has_axis) {
    // Over the flattened data.
    std::vector<std::uint64_t> chosen;
    for (std::uint64_t i = 0; i < condition.data.size() && i < count_of(data.shape); ++i) {
      if (condition.data[i] != 0) chosen.push_back(i);
    }
    Tensor out = empty_like(data, {chosen.size()});
    for (std::size_t i = 0; i < chosen.size(); ++i)
      copy_element(data, chosen[i], out, i);
    return std::vector<Tensor>{std::move(out)};
  }
  const auto axis = normalize_axis(int_attribute(node, "axis", 0), data.shape.size());
  if (!axis) return node_error(node, "axis out of range");
  std::vector<std::uint64_t> chosen;
  for (std::uint64_t i = 0; i < condition.data.size() && i < data.shape[*axis]; ++i) {
    if (condition.data[i] != 0) chosen.push_back(i);
  }
  std::uint64_t outer = 1, inner = 1;
  for (std::size_t i = 0; i < *axis; ++i)
    outer *= data.shape[i];
  for (std::size_t i = *axis + 1; i < data.shape.size(); ++i)
    inner *= data.shape[i];
  std::vector<std::uint64_t> shape = data.shape;
  shape[*axis] = chosen.size();
  Tensor out = empty_like(data, shape);
  std::uint64_t to = 0;
  for (std::uint64_t o = 0; o < outer; ++o) {
    for (const std::uint64_t c : chosen) {
      for (std::uint64_t i = 0; i < inner; ++i)
        copy_element(data, (o * data.shape[*axis] + c) * inner + i, out, to++);
    }
  }
  return std::vector<Tensor>{std::move(out)};
}

namespace {

/// DepthToSpace (to_space) or SpaceToDepth over NCHW with a block size; DCR or CRD order.
Result<std::vector<Tensor>> rearrange(const Node& node, std::span<const Tensor* const> inputs,
                                      bool to_space) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  if (x.shape.size() != 4) return node_error(node, "needs NCHW input");
  const auto block = static_cast<std::uint64_t>(int_attribute(node, "blocksize", 0));
  if (block == 0 || block > 65536) return node_error(node, "blocksize must lie in [1, 2^16]");
  const bool crd = to_space && string_attribute(node, "mode", "DCR") == "CRD";
  const std::uint64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
  if (to_space && c % (block * block) != 0)
    return node_error(node, "channels are not a multiple of blocksize²");
  if (!to_space && (h % block != 0 || w % block != 0))
    return node_error(node, "H and W are not multiples of blocksize");
  const std::vector<std::uint64_t> shape =
      to_space ? std::vector<std::uint64_t>{n, c / (block * block), h * block, w * block}
               : std::vector<std::uint64_t>{n, c * block * block, h / block, w / block};
  Tensor out = empty_like(x, shape);
  const std::uint64_t oc = shape[1], oh = shape[2], ow = shape[3];
  for (std::uint64_t b = 0; b < n; ++b) {
    for (std::uint64_t k = 0; k < oc; ++k) {
      for (std::uint64_t i = 0; i < oh; ++i) {
        for (std::uint64_t j = 0; j < ow; ++j) {
          std::uint64_t from_c = 0, from_i = 0, from_j = 0;
          if (to_space) {
            const std::uint64_t bi = i % block, bj = j % block;
            from_c = crd ? k * block * block + bi * block + bj : (bi * block + bj) * oc + k;
            from_i = i / block;
            from_j = j / block;
          } else {
            const std::uint64_t channel = k % c, offset = k / c;
            from_c = channel;
            from_i = i * block + offset / block;
            from_j = j * block + offset % block;
          }
          copy_element(x, ((b * c + from_c) * h + from_i) * w + from_j, out,
                       ((b * oc + k) * oh + i) * ow + j);
        }
      }
    }
  }
  return std::vector<Tensor>{std::move(out)};
}

}  // namespace

FAULTLINE_ONNX_KERNEL(depth_to_space) {
  return rearrange(node, inputs, true);
}
FAULTLINE_ONNX_KERNEL(space_to_depth) {
  return rearrange(node, inputs, false);
}

FAULTLINE_ONNX_KERNEL(one_hot) {
  if (auto counted = expect_inputs(node, inputs, 3, 3); !counted) return counted.error();
  const Tensor& indices_tensor = *inputs[0];
  const Tensor& values_tensor = *inputs[2];
  std::vector<double> indices;
  if (auto whole = integers(indices_tensor)) {
    indices.assign(whole->begin(), whole->end());
  } else if (indices_tensor.type == ElementType::float32) {
    for (const float v : values<float>(indices_tensor))
      indices.push_back(v);
  } else {
    return type_unsupported(node, indices_tensor.type);
  }
  double depth_value = 0;
  if (auto whole = integers(*inputs[1]); whole && !whole->empty()) {
    depth_value = static_cast<double>((*whole)[0]);
  } else if (inputs[1]->type == ElementType::float32 && !inputs[1]->data.empty()) {
    depth_value = values<float>(*inputs[1])[0];
  } else {
    return node_error(node, "depth must be one number");
  }
  if (!(depth_value >= 1) || depth_value > 1e9) return node_error(node, "depth out of range");
  const auto depth = static_cast<std::uint64_t>(depth_value);
  if (count_of(values_tensor.shape) != 2) return node_error(node, "values must hold [off, on]");
  const std::size_t rank = indices_tensor.shape.size();
  const auto axis = normalize_axis(int_attribute(node, "axis", -1), rank + 1);
  if (!axis) return node_error(node, "axis out of range");
  std::vector<std::uint64_t> shape = indices_tensor.shape;
  shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(*axis), depth);
  if (auto fits = check_output(node, shape, values_tensor.type); !fits) return fits.error();
  std::uint64_t outer = 1, inner = 1;
  for (std::size_t i = 0; i < *axis; ++i)
    outer *= indices_tensor.shape[i];
  for (std::size_t i = *axis; i < rank; ++i)
    inner *= indices_tensor.shape[i];
  Tensor out = empty_like(values_tensor, shape);
  for (std::uint64_t o = 0; o < outer; ++o) {
    for (std::uint64_t d = 0; d < depth; ++d) {
      for (std::uint64_t i = 0; i < inner; ++i) {
        // Indices truncate toward zero; negative ones count from the end.
        const double given = indices[o * inner + i];
        bool hot = false;
        if (given > -4e18 && given < 4e18) {
          auto index = static_cast<std::int64_t>(given);
          if (index < 0) index += static_cast<std::int64_t>(depth);
          hot = index >= 0 && static_cast<std::uint64_t>(index) == d;
        }
        copy_element(values_tensor, hot ? 1 : 0, out, (o * depth + d) * inner + i);
      }
    }
  }
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(eye_like) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  if (x.shape.size() != 2) return node_error(node, "needs a 2-D input");
  const auto type = node.attributes.contains("dtype")
                        ? static_cast<ElementType>(int_attribute(node, "dtype", 1))
                        : x.type;
  if (!element_size(type)) return type_unsupported(node, type);
  const std::int64_t k =
      std::clamp(int_attribute(node, "k", 0), -(std::int64_t{1} << 40), std::int64_t{1} << 40);
  if (auto fits = check_output(node, x.shape, type); !fits) return fits.error();
  Tensor out;
  out.type = type;
  out.shape = x.shape;
  out.data.assign(count_of(x.shape) * *element_size(type), 0);
  Tensor one;
  const bool known = dispatch_numeric(type, [&]<ElementType E>() {
    one = make_tensor(E, {1}, std::vector<typename Element<E>::type>{1});
  });
  if (!known && type != ElementType::boolean) return type_unsupported(node, type);
  if (type == ElementType::boolean) one = make_tensor(type, {1}, std::vector<std::uint8_t>{1});
  for (std::uint64_t i = 0; i < x.shape[0]; ++i) {
    const std::int64_t j = static_cast<std::int64_t>(i) + k;
    if (j >= 0 && static_cast<std::uint64_t>(j) < x.shape[1]) {
      copy_element(one, 0, out, i * x.shape[1] + static_cast<std::uint64_t>(j));
    }
  }
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(gather_nd) {
  if (auto counted = expect_inputs(node, inputs, 2, 2); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  const auto indices = integers(*inputs[1]);
  if (!indices) return node_error(node, "indices must be int64");
  const std::vector<std::uint64_t>& index_shape = inputs[1]->shape;
  const auto batch = static_cast<std::size_t>(int_attribute(node, "batch_dims", 0));
  if (index_shape.empty() || batch >= index_shape.size() || batch > data.shape.size()) {
    return node_error(node, "indices or batch_dims out of range");
  }
  const std::size_t depth = index_shape.back();
  if (depth == 0 || batch + depth > data.shape.size()) {
    return node_error(node, "the indices' last axis must lie in [1, rank − batch_dims]");
  }
  for (std::size_t i = 0; i < batch; ++i) {
    if (index_shape[i] != data.shape[i]) return node_error(node, "batch dimensions differ");
  }
  std::vector<std::uint64_t> shape(index_shape.begin(), index_shape.end() - 1);
  shape.insert(shape.end(), data.shape.begin() + static_cast<std::ptrdiff_t>(batch + depth),
               data.shape.end());
  if (auto fits = check_output(node, shape, data.type); !fits) return fits.error();
  std::uint64_t slice = 1;
  for (std::size_t i = batch + depth; i < data.shape.size(); ++i)
    slice *= data.shape[i];
  const std::vector<std::uint64_t> strides = strides_of(data.shape);
  std::uint64_t batch_count = 1;
  for (std::size_t i = 0; i < batch; ++i)
    batch_count *= data.shape[i];
  const std::uint64_t lookups = count_of(index_shape) / std::max<std::size_t>(depth, 1) /
                                std::max<std::uint64_t>(batch_count, 1);
  Tensor out = empty_like(data, shape);
  std::uint64_t to = 0;
  for (std::uint64_t b = 0; b < batch_count; ++b) {
    for (std::uint64_t l = 0; l < lookups; ++l) {
      std::uint64_t from = b * (batch > 0 ? strides[batch - 1] : 0);
      for (std::size_t d = 0; d < depth; ++d) {
        std::int64_t index = (*indices)[(b * lookups + l) * depth + d];
        const auto dimension = static_cast<std::int64_t>(data.shape[batch + d]);
        if (index < 0) index += dimension;
        if (index < 0 || index >= dimension) return node_error(node, "an index is out of range");
        from += static_cast<std::uint64_t>(index) * strides[batch + d];
      }
      for (std::uint64_t s = 0; s < slice; ++s)
        copy_element(data, from + s, out, to++);
    }
  }
  return std::vector<Tensor>{std::move(out)};
}

FAULTLINE_ONNX_KERNEL(scatter_nd) {
  if (auto counted = expect_inputs(node, inputs, 3, 3); !counted) return counted.error();
  const Tensor& data = *inputs[0];
  const auto indices = integers(*inputs[1]);
  const Tensor& updates = *inputs[2];
  if (!indices) return node_error(node, "indices must be int64");
  if (updates.type != data.type) return node_error(node, "updates of another element type");
  const std::string reduction = string_attribute(node, "reduction", "none");
  if (reduction != "none" && reduction != "add" && reduction != "mul") {
    return feature_unsupported(node, "reduction " + reduction);
  }
  const std::vector<std::uint64_t>& index_shape = inputs[1]->shape;
  if (index_shape.empty()) return node_error(node, "indices need a last axis");
  const std::size_t depth = index_shape.back();
  if (depth == 0 || depth > data.shape.size()) {
    return node_error(node, "the indices' last axis must lie in [1, rank]");
  }
  const std::vector<std::uint64_t> strides = strides_of(data.shape);
  std::uint64_t slice = 1;
  for (std::size_t i = depth; i < data.shape.size(); ++i)
    slice *= data.shape[i];
  const std::uint64_t lookups = count_of(index_shape) / std::max<std::size_t>(depth, 1);
  if (count_of(updates.shape) != lookups * slice)
    return node_error(node, "updates do not fit the indices");
  Tensor out = data;
  std::optional<Error> failure;
  const bool known = dispatch_numeric(data.type, [&]<ElementType E>() {
    using T = typename Element<E>::type;
    std::vector<T> z = values<T>(data);
    const std::vector<T> u = values<T>(updates);
    for (std::uint64_t l = 0; l < lookups && !failure; ++l) {
      std::uint64_t to = 0;
      for (std::size_t d = 0; d < depth; ++d) {
        std::int64_t index = (*indices)[l * depth + d];
        const auto dimension = static_cast<std::int64_t>(data.shape[d]);
        if (index < 0) index += dimension;
        if (index < 0 || index >= dimension) {
          failure = node_error(node, "an index is out of range");
          return;
        }
        to += static_cast<std::uint64_t>(index) * strides[d];
      }
      for (std::uint64_t s = 0; s < slice; ++s) {
        T& target = z[to + s];
        const T update = u[l * slice + s];
        target = reduction == "add"   ? canonical(add_of(target, update))
                 : reduction == "mul" ? canonical(mul_of(target, update))
                                      : update;
      }
    }
    out = make_tensor(E, data.shape, z);
  });
  if (!known) return type_unsupported(node, data.type);
  if (failure) return *failure;
  return std::vector<Tensor>{std::move(out)};
}

}  // namespace faultline::onnx::detail
