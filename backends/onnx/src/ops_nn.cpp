// Convolution, pooling and batch normalisation (float32), each sum in the canonical order.
#include <algorithm>

#include "kernel_support.hpp"
#include "kernels.hpp"

namespace faultline::onnx::detail {
namespace {

/// Spatial geometry shared by Conv and the pools: kernel, strides, dilations and pads per
/// spatial axis, and the output's spatial size.
struct Window {
  std::vector<std::uint64_t> kernel, strides, dilations, output;
  std::vector<std::int64_t> pads_begin, pads_end;
};

Result<Window> window(const Node& node, const std::vector<std::uint64_t>& input,
                      std::vector<std::uint64_t> kernel, bool ceil_mode) {
  const std::size_t spatial = input.size() - 2;
  Window w;
  w.kernel = std::move(kernel);
  w.strides.assign(spatial, 1);
  w.dilations.assign(spatial, 1);
  w.pads_begin.assign(spatial, 0);
  w.pads_end.assign(spatial, 0);
  const auto positive = [&](const char* name, std::vector<std::uint64_t>& into) -> Result<void> {
    if (auto given = ints_attribute(node, name)) {
      if (given->size() != spatial)
        return node_error(node, std::string(name) + " per spatial axis");
      for (std::size_t i = 0; i < spatial; ++i) {
        if ((*given)[i] < 1 || (*given)[i] > kMaxExtent) {
          return node_error(node, std::string(name) + " must lie in [1, 2^30]");
        }
        into[i] = static_cast<std::uint64_t>((*given)[i]);
      }
    }
    return {};
  };
  if (auto ok = positive("strides", w.strides); !ok) return ok.error();
  if (auto ok = positive("dilations", w.dilations); !ok) return ok.error();
  const std::string auto_pad = string_attribute(node, "auto_pad", "NOTSET");
  if (auto pads = ints_attribute(node, "pads")) {
    if (pads->size() != 2 * spatial) return node_error(node, "pads needs two per spatial axis");
    for (std::size_t i = 0; i < spatial; ++i) {
      if ((*pads)[i] < 0 || (*pads)[i + spatial] < 0 || (*pads)[i] > kMaxExtent ||
          (*pads)[i + spatial] > kMaxExtent) {
        return node_error(node, "pads must lie in [0, 2^30]");
      }
      w.pads_begin[i] = (*pads)[i];
      w.pads_end[i] = (*pads)[i + spatial];
    }
  }
  for (std::size_t i = 0; i < spatial; ++i) {
    const std::uint64_t size = input[i + 2];
    const std::uint64_t extent = (w.kernel[i] - 1) * w.dilations[i] + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const std::uint64_t out = (size + w.strides[i] - 1) / w.strides[i];
      const std::uint64_t needed = (out - 1) * w.strides[i] + extent;
      const std::int64_t total =
          needed > size ? static_cast<std::int64_t>(needed - size) : std::int64_t{0};
      w.pads_begin[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      w.pads_end[i] = total - w.pads_begin[i];
    } else if (auto_pad == "VALID") {
      w.pads_begin[i] = w.pads_end[i] = 0;
    } else if (auto_pad != "NOTSET") {
      return node_error(node, "auto_pad " + auto_pad + " is not known");
    }
    const auto padded = static_cast<std::int64_t>(size) + w.pads_begin[i] + w.pads_end[i];
    if (padded < static_cast<std::int64_t>(extent)) {
      return node_error(node, "the window is larger than the padded input");
    }
    const std::uint64_t span = static_cast<std::uint64_t>(padded) - extent;
    std::uint64_t out = span / w.strides[i] + 1;
    if (ceil_mode && span % w.strides[i] != 0) {
      // The last window must start inside the input or its begin padding.
      if ((out * w.strides[i]) < size + static_cast<std::uint64_t>(w.pads_begin[i])) ++out;
    }
    w.output.push_back(out);
  }
  return w;
}

/// The row-major offset of a spatial position in an input of spatial `size`, or nullopt in the
/// padding.
std::optional<std::uint64_t> input_offset(const Window& w, const std::vector<std::uint64_t>& size,
                                          const std::vector<std::uint64_t>& out_at,
                                          const std::vector<std::uint64_t>& kernel_at) {
  std::uint64_t offset = 0;
  for (std::size_t i = 0; i < size.size(); ++i) {
    const std::int64_t x =
        static_cast<std::int64_t>(out_at[i] * w.strides[i] + kernel_at[i] * w.dilations[i]) -
        w.pads_begin[i];
    if (x < 0 || x >= static_cast<std::int64_t>(size[i])) return std::nullopt;
    offset = offset * size[i] + static_cast<std::uint64_t>(x);
  }
  return offset;
}

/// Where each window reads: entry p · K + q is the plane offset of output position p's term at
/// kernel position q (both row-major, K = the kernel's size), kPadding for a term in the
/// padding, kOutside for one past it (ceil_mode's last windows). Computed once per call, so the
/// loops over images and channels only look offsets up.
constexpr std::int32_t kPadding = -1;
constexpr std::int32_t kOutside = -2;
std::vector<std::int32_t> window_table(const Window& w, const std::vector<std::uint64_t>& spatial) {
  std::vector<std::int32_t> table;
  table.reserve(count_of(w.output) * count_of(w.kernel));
  for_each_index(w.output, [&](const std::vector<std::uint64_t>& out_at) {
    for_each_index(w.kernel, [&](const std::vector<std::uint64_t>& kernel_at) {
      if (const auto offset = input_offset(w, spatial, out_at, kernel_at)) {
        table.push_back(static_cast<std::int32_t>(*offset));
        return;
      }
      bool inside = true;  // within the padded input
      for (std::size_t i = 0; i < spatial.size(); ++i) {
        const std::uint64_t at = out_at[i] * w.strides[i] + kernel_at[i] * w.dilations[i];
        inside =
            inside && at < spatial[i] + static_cast<std::uint64_t>(w.pads_begin[i] + w.pads_end[i]);
      }
      table.push_back(inside ? kPadding : kOutside);
    });
  });
  return table;
}

Result<void> float_input(const Node& node, const Tensor& x, std::size_t least_rank) {
  if (x.type != ElementType::float32) return type_unsupported(node, x.type);
  if (x.shape.size() < least_rank) return node_error(node, "the input's rank is too small");
  return {};
}

}  // namespace

/// The most terms Conv copies out to compute with contiguous dot products (256 MiB of floats,
/// as much again of 4-byte window offsets);
/// a larger convolution takes the direct loop, slower but in the same order.
constexpr std::uint64_t kMaxLoweredTerms = std::uint64_t{1} << 26;

FAULTLINE_ONNX_KERNEL(conv) {
  if (auto counted = expect_inputs(node, inputs, 2, 3); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  const Tensor& weights = *inputs[1];
  const Tensor* bias = inputs.size() > 2 ? inputs[2] : nullptr;
  if (auto ok = float_input(node, x, 3); !ok) return ok.error();
  if (weights.type != x.type || weights.shape.size() != x.shape.size()) {
    return node_error(node, "W must match X's type and rank");
  }
  const std::uint64_t batch = x.shape[0], channels = x.shape[1], filters = weights.shape[0];
  const auto group = static_cast<std::uint64_t>(int_attribute(node, "group", 1));
  if (group == 0 || channels % group != 0 || filters % group != 0 ||
      weights.shape[1] != channels / group) {
    return node_error(node, "group does not divide the channels and filters");
  }
  if (bias && (bias->type != x.type || bias->shape != std::vector<std::uint64_t>{filters})) {
    return node_error(node, "B must hold one value per filter");
  }
  std::vector<std::uint64_t> kernel(weights.shape.begin() + 2, weights.shape.end());
  if (auto given = ints_attribute(node, "kernel_shape")) {
    if (given->size() != kernel.size() || !std::equal(given->begin(), given->end(), kernel.begin(),
                                                      [](std::int64_t a, std::uint64_t b) {
                                                        return a >= 0 &&
                                                               static_cast<std::uint64_t>(a) == b;
                                                      })) {
      return node_error(node, "kernel_shape does not match W");
    }
  }
  auto w = window(node, x.shape, kernel, false);
  if (!w) return w.error();
  std::vector<std::uint64_t> shape = {batch, filters};
  shape.insert(shape.end(), w->output.begin(), w->output.end());
  if (auto fits = check_output(node, shape, x.type); !fits) return fits.error();
  const std::vector<float> in = values<float>(x), kw = values<float>(weights);
  const std::vector<float> b = bias ? values<float>(*bias) : std::vector<float>{};
  const std::vector<std::uint64_t> spatial(x.shape.begin() + 2, x.shape.end());
  const std::uint64_t plane = count_of(spatial), out_plane = count_of(w->output);
  const std::uint64_t kernel_size = count_of(kernel), per_group = channels / group;
  std::vector<float> out(count_of(shape));
  const std::uint64_t depth = per_group * kernel_size;  // one dot product's terms
  if (out_plane * depth <= kMaxLoweredTerms && out_plane * kernel_size <= kMaxLoweredTerms) {
    // Lowered to dot products over contiguous memory: each output position's window, in the
    // canonical order (channel of the group, then kernel position row-major; padding as 0), is
    // copied out once per image and group, and every filter of the group reads it in order.
    // The same terms in the same order as the loop below: the same bytes, much faster.
    // by_term[q · out_plane + p]: where output position p's term at kernel position q reads,
    // padding pointing one past the plane, at a zero.
    const std::vector<std::int32_t> table = window_table(*w, spatial);
    std::vector<std::int32_t> by_term(out_plane * kernel_size);
    for (std::uint64_t p = 0; p < out_plane; ++p) {
      for (std::uint64_t q = 0; q < kernel_size; ++q) {
        const std::int32_t offset = table[p * kernel_size + q];
        by_term[q * out_plane + p] = offset < 0 ? static_cast<std::int32_t>(plane) : offset;
      }
    }
    std::vector<float> padded(plane + 1, 0.0F);  // a channel's plane, then the zero
    // windows[t · out_plane + p]: term t of output position p.
    std::vector<float> windows(out_plane * depth);
    const std::uint64_t filters_per_group = filters / group;
    for (std::uint64_t n = 0; n < batch; ++n) {
      for (std::uint64_t g = 0; g < group; ++g) {
        for (std::uint64_t c = 0; c < per_group; ++c) {
          const float* plane_in = in.data() + (n * channels + g * per_group + c) * plane;
          std::copy(plane_in, plane_in + plane, padded.begin());
          for (std::uint64_t q = 0; q < kernel_size; ++q) {
            const std::int32_t* offsets = by_term.data() + q * out_plane;
            float* term = windows.data() + (c * kernel_size + q) * out_plane;
            for (std::uint64_t p = 0; p < out_plane; ++p)
              term[p] = padded[static_cast<std::size_t>(offsets[p])];
          }
        }
        for (std::uint64_t f = g * filters_per_group; f < (g + 1) * filters_per_group; ++f) {
          float* plane_out = out.data() + (n * filters + f) * out_plane;
          canonical_dots(kw.data() + f * depth, windows.data(), out_plane, depth, out_plane,
                         plane_out);
          for (std::uint64_t p = 0; p < out_plane; ++p) {
            float value = plane_out[p];
            if (bias) value = value + b[f];
            plane_out[p] = canonical(value);
          }
        }
      }
    }
    return std::vector<Tensor>{make_tensor(x.type, shape, out)};
  }
  for (std::uint64_t n = 0; n < batch; ++n) {
    for (std::uint64_t f = 0; f < filters; ++f) {
      const std::uint64_t g = f / (filters / group);
      std::uint64_t position = 0;
      for_each_index(w->output, [&](const std::vector<std::uint64_t>& out_at) {
        // Σ over (channel of the group, kernel position) in row-major order: padding reads 0.
        CanonicalSum<float> sum;
        for (std::uint64_t c = 0; c < per_group; ++c) {
          const float* plane_in = in.data() + (n * channels + g * per_group + c) * plane;
          const float* plane_w = kw.data() + (f * per_group + c) * kernel_size;
          std::uint64_t k = 0;
          for_each_index(kernel, [&](const std::vector<std::uint64_t>& kernel_at) {
            const auto offset = input_offset(*w, spatial, out_at, kernel_at);
            sum.add((offset ? plane_in[*offset] : 0.0F) * plane_w[k++]);
          });
        }
        float value = sum.total();
        if (bias) value = value + b[f];
        out[(n * filters + f) * out_plane + position++] = canonical(value);
      });
    }
  }
  return std::vector<Tensor>{make_tensor(x.type, shape, out)};
}

Result<Tensor> integer_conv(const Node& node, const Tensor& x, const Tensor& weights,
                            std::int32_t x_zero, const std::vector<std::int32_t>& w_zero) {
  const auto small = [](ElementType type) {
    return type == ElementType::uint8 || type == ElementType::int8;
  };
  if (!small(x.type)) return type_unsupported(node, x.type);
  if (!small(weights.type)) return type_unsupported(node, weights.type);
  if (x.shape.size() < 3 || weights.shape.size() != x.shape.size()) {
    return node_error(node, "X and W must have one rank, at least 3");
  }
  const std::uint64_t batch = x.shape[0], channels = x.shape[1], filters = weights.shape[0];
  const auto group = static_cast<std::uint64_t>(int_attribute(node, "group", 1));
  if (group == 0 || channels % group != 0 || filters % group != 0 ||
      weights.shape[1] != channels / group) {
    return node_error(node, "group does not divide the channels and filters");
  }
  if (w_zero.size() != 1 && w_zero.size() != filters) {
    return node_error(node, "the weights' zero point: one, or one per filter");
  }
  std::vector<std::uint64_t> kernel(weights.shape.begin() + 2, weights.shape.end());
  auto w = window(node, x.shape, kernel, false);
  if (!w) return w.error();
  std::vector<std::uint64_t> shape = {batch, filters};
  shape.insert(shape.end(), w->output.begin(), w->output.end());
  if (auto fits = check_output(node, shape, ElementType::int32); !fits) return fits.error();
  const std::vector<std::uint64_t> spatial(x.shape.begin() + 2, x.shape.end());
  const std::uint64_t plane = count_of(spatial), out_plane = count_of(w->output);
  const std::uint64_t kernel_size = count_of(kernel), per_group = channels / group;
  if (out_plane * kernel_size > kMaxLoweredTerms) {
    return feature_unsupported(node, "a quantized convolution of over 2^26 window terms");
  }
  const auto widened = [](const Tensor& t) {
    std::vector<std::int32_t> out(t.data.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i] = t.type == ElementType::int8 ? static_cast<std::int8_t>(t.data[i]) : t.data[i];
    }
    return out;
  };
  const std::vector<std::int32_t> in = widened(x), kw = widened(weights);
  std::vector<std::int32_t> offsets(out_plane * kernel_size);  // -1: padding (x_zero: adds 0)
  std::uint64_t at = 0;
  for_each_index(w->output, [&](const std::vector<std::uint64_t>& out_at) {
    for_each_index(kernel, [&](const std::vector<std::uint64_t>& kernel_at) {
      const auto offset = input_offset(*w, spatial, out_at, kernel_at);
      offsets[at++] = offset ? static_cast<std::int32_t>(*offset) : -1;
    });
  });
  std::vector<std::int32_t> out(count_of(shape));
  for (std::uint64_t n = 0; n < batch; ++n) {
    for (std::uint64_t f = 0; f < filters; ++f) {
      const std::uint64_t g = f / (filters / group);
      const std::int32_t zero = w_zero.size() == 1 ? w_zero[0] : w_zero[f];
      for (std::uint64_t p = 0; p < out_plane; ++p) {
        // Σ (x − x_zero)(w − w_zero), wrapping in int32 as the integer kernels do.
        std::int32_t sum = 0;
        for (std::uint64_t c = 0; c < per_group; ++c) {
          const std::int32_t* plane_in = in.data() + (n * channels + g * per_group + c) * plane;
          const std::int32_t* row = kw.data() + (f * per_group + c) * kernel_size;
          for (std::uint64_t q = 0; q < kernel_size; ++q) {
            const std::int32_t offset = offsets[p * kernel_size + q];
            if (offset < 0) continue;
            sum = wrap_add(sum, wrap_mul(plane_in[offset] - x_zero, row[q] - zero));
          }
        }
        out[(n * filters + f) * out_plane + p] = sum;
      }
    }
  }
  return make_tensor(ElementType::int32, shape, out);
}

namespace {

Result<std::vector<Tensor>> pool(const Node& node, std::span<const Tensor* const> inputs, bool max,
                                 bool global) {
  if (auto counted = expect_inputs(node, inputs, 1, 1); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  if (auto ok = float_input(node, x, 3); !ok) return ok.error();
  const std::vector<std::uint64_t> spatial(x.shape.begin() + 2, x.shape.end());
  std::vector<std::uint64_t> kernel = spatial;
  if (!global) {
    const auto given = ints_attribute(node, "kernel_shape");
    if (!given || given->size() != spatial.size()) return node_error(node, "needs kernel_shape");
    for (std::size_t i = 0; i < spatial.size(); ++i) {
      if ((*given)[i] < 1) return node_error(node, "kernel_shape must be positive");
      kernel[i] = static_cast<std::uint64_t>((*given)[i]);
    }
  }
  if (!global && ints_attribute(node, "storage_order") && int_attribute(node, "storage_order", 0)) {
    return feature_unsupported(node, "storage_order 1");
  }
  auto w = global ? window(Node{}, x.shape, kernel, false)
                  : window(node, x.shape, kernel, int_attribute(node, "ceil_mode", 0) != 0);
  if (!w) return w.error();
  const bool include_pad = int_attribute(node, "count_include_pad", 0) != 0;
  std::vector<std::uint64_t> shape = {x.shape[0], x.shape[1]};
  shape.insert(shape.end(), w->output.begin(), w->output.end());
  if (auto fits = check_output(node, shape, x.type); !fits) return fits.error();
  const std::vector<float> in = values<float>(x);
  const std::uint64_t plane = count_of(spatial), out_plane = count_of(w->output);
  const std::uint64_t kernel_size = count_of(kernel);
  std::vector<float> out(count_of(shape));
  if (out_plane * kernel_size <= kMaxLoweredTerms) {
    // The windows' offsets looked up from a table: the same terms in the same order as the
    // loop below, so the same bytes.
    const std::vector<std::int32_t> table = window_table(*w, spatial);
    for (std::uint64_t nc = 0; nc < x.shape[0] * x.shape[1]; ++nc) {
      const float* plane_in = in.data() + nc * plane;
      float* plane_out = out.data() + nc * out_plane;
      for (std::uint64_t p = 0; p < out_plane; ++p) {
        const std::int32_t* offsets = table.data() + p * kernel_size;
        if (max) {
          float best = -std::numeric_limits<float>::infinity();
          bool nan = false;
          for (std::uint64_t q = 0; q < kernel_size; ++q) {
            if (offsets[q] < 0) continue;
            const float v = plane_in[offsets[q]];
            nan = nan || std::isnan(v);
            best = v > best ? v : best;
          }
          plane_out[p] = nan ? std::numeric_limits<float>::quiet_NaN() : best;
        } else {
          CanonicalSum<float> sum;
          for (std::uint64_t q = 0; q < kernel_size; ++q) {
            if (offsets[q] >= 0) {
              sum.add(plane_in[offsets[q]]);
            } else if (offsets[q] == kPadding && include_pad) {
              sum.add(0.0F);  // padding inside the padded input counts, past it does not
            }
          }
          const std::size_t counted = sum.count();
          plane_out[p] = canonical(counted == 0 ? 0.0F : sum.total() / static_cast<float>(counted));
        }
      }
    }
    return std::vector<Tensor>{make_tensor(x.type, shape, out)};
  }
  for (std::uint64_t nc = 0; nc < x.shape[0] * x.shape[1]; ++nc) {
    const float* plane_in = in.data() + nc * plane;
    std::uint64_t position = 0;
    for_each_index(w->output, [&](const std::vector<std::uint64_t>& out_at) {
      CanonicalSum<float> sum;
      float best = -std::numeric_limits<float>::infinity();
      bool nan = false;
      std::uint64_t counted = 0;
      for_each_index(kernel, [&](const std::vector<std::uint64_t>& kernel_at) {
        const auto offset = input_offset(*w, spatial, out_at, kernel_at);
        if (include_pad && !offset) {
          // Padding inside the padded input counts (as 0); past it (ceil_mode) does not.
          bool inside = true;
          for (std::size_t i = 0; i < spatial.size(); ++i) {
            const std::uint64_t p = out_at[i] * w->strides[i] + kernel_at[i] * w->dilations[i];
            inside = inside &&
                     p < spatial[i] + static_cast<std::uint64_t>(w->pads_begin[i] + w->pads_end[i]);
          }
          if (inside) {
            sum.add(0.0F);
            ++counted;
          }
        }
        if (!offset) return;
        const float v = plane_in[*offset];
        nan = nan || std::isnan(v);
        best = v > best ? v : best;
        sum.add(v);
        ++counted;
      });
      float value = 0;
      if (max) {
        value = nan ? std::numeric_limits<float>::quiet_NaN() : best;
      } else {
        value = counted == 0 ? 0.0F : sum.total() / static_cast<float>(counted);
      }
      out[nc * out_plane + position++] = canonical(value);
    });
  }
  return std::vector<Tensor>{make_tensor(x.type, shape, out)};
}

}  // namespace

FAULTLINE_ONNX_KERNEL(max_pool) {
  if (node.outputs.size() > 1 && !node.outputs[1].empty()) {
    return feature_unsupported(node, "the Indices output");
  }
  return pool(node, inputs, true, false);
}
FAULTLINE_ONNX_KERNEL(average_pool) {
  return pool(node, inputs, false, false);
}
FAULTLINE_ONNX_KERNEL(global_max_pool) {
  return pool(node, inputs, true, true);
}
FAULTLINE_ONNX_KERNEL(global_average_pool) {
  return pool(node, inputs, false, true);
}

FAULTLINE_ONNX_KERNEL(conv_transpose) {
  if (auto counted = expect_inputs(node, inputs, 2, 3); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  const Tensor& weights = *inputs[1];
  const Tensor* bias = inputs.size() > 2 ? inputs[2] : nullptr;
  if (auto ok = float_input(node, x, 3); !ok) return ok.error();
  const std::size_t spatial = x.shape.size() - 2;
  if (weights.type != x.type || weights.shape.size() != x.shape.size()) {
    return node_error(node, "W must match X's type and rank");
  }
  const auto group = static_cast<std::uint64_t>(int_attribute(node, "group", 1));
  const std::uint64_t batch = x.shape[0], channels = x.shape[1];
  if (group == 0 || channels % group != 0 || weights.shape[0] != channels) {
    return node_error(node, "W's first axis must be the input channels, divisible by group");
  }
  const std::uint64_t per_group_out = weights.shape[1], filters = per_group_out * group;
  if (bias && count_of(bias->shape) != filters)
    return node_error(node, "B needs one value per output channel");
  const std::vector<std::uint64_t> kernel(weights.shape.begin() + 2, weights.shape.end());
  std::vector<std::uint64_t> strides(spatial, 1), dilations(spatial, 1);
  std::vector<std::int64_t> output_padding(spatial, 0), begin(spatial, 0), end(spatial, 0);
  const auto read = [&](const char* name, auto& into, std::size_t count) -> Result<void> {
    if (auto given = ints_attribute(node, name)) {
      if (given->size() != count)
        return node_error(node, std::string(name) + " has the wrong length");
      for (std::size_t i = 0; i < count; ++i) {
        if ((*given)[i] < 0 || (*given)[i] > kMaxExtent) {
          return node_error(node, std::string(name) + " must lie in [0, 2^30]");
        }
        into[i] = static_cast<std::remove_reference_t<decltype(into[i])>>((*given)[i]);
      }
    }
    return {};
  };
  if (auto ok = read("strides", strides, spatial); !ok) return ok.error();
  if (auto ok = read("dilations", dilations, spatial); !ok) return ok.error();
  if (auto ok = read("output_padding", output_padding, spatial); !ok) return ok.error();
  std::vector<std::int64_t> pads(2 * spatial, 0);
  if (auto ok = read("pads", pads, 2 * spatial); !ok) return ok.error();
  for (std::size_t i = 0; i < spatial; ++i) {
    if (strides[i] == 0 || dilations[i] == 0)
      return node_error(node, "strides and dilations must be positive");
    begin[i] = pads[i];
    end[i] = pads[i + spatial];
  }
  const std::string auto_pad = string_attribute(node, "auto_pad", "NOTSET");
  const auto output_shape = ints_attribute(node, "output_shape");
  if (output_shape &&
      (output_shape->size() < spatial || std::ranges::any_of(*output_shape, [](std::int64_t d) {
         return d < 0 || d > kMaxExtent;
       }))) {
    return node_error(node, "output_shape needs one size in [0, 2^30] per spatial axis");
  }
  for (const std::uint64_t d : weights.shape) {
    if (d > kMaxTensorBytes) return node_error(node, "W's shape is out of range");
  }
  std::vector<std::uint64_t> out_spatial(spatial);
  for (std::size_t i = 0; i < spatial; ++i) {
    const auto extent = static_cast<std::int64_t>((kernel[i] - 1) * dilations[i] + 1);
    const auto full =
        static_cast<std::int64_t>(strides[i] * (x.shape[i + 2] - 1)) + output_padding[i] + extent;
    if (output_shape || auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const std::int64_t wanted = output_shape
                                      ? (*output_shape)[output_shape->size() - spatial + i]
                                      : static_cast<std::int64_t>(x.shape[i + 2] * strides[i]);
      // A negative total makes the output larger than the convolution reaches: zeros (+ B).
      const std::int64_t total = full - wanted;
      const std::int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);  // ⌊total / 2⌋
      const bool upper = auto_pad == "SAME_UPPER";  // the spec's else-branch otherwise
      begin[i] = upper ? half : total - half;
      end[i] = total - begin[i];
    }
    const std::int64_t size = full - begin[i] - end[i];
    if (size < 0) return node_error(node, "pads exceed the output");
    out_spatial[i] = static_cast<std::uint64_t>(size);
  }
  std::vector<std::uint64_t> shape = {batch, filters};
  shape.insert(shape.end(), out_spatial.begin(), out_spatial.end());
  if (auto fits = check_output(node, shape, x.type); !fits) return fits.error();
  const std::vector<float> in = values<float>(x), kw = values<float>(weights);
  const std::vector<float> b = bias ? values<float>(*bias) : std::vector<float>{};
  const std::vector<std::uint64_t> in_spatial(x.shape.begin() + 2, x.shape.end());
  const std::uint64_t plane = count_of(in_spatial), out_plane = count_of(out_spatial),
                      kernel_size = count_of(kernel), per_group = channels / group;
  std::vector<float> out(count_of(shape));
  for (std::uint64_t n = 0; n < batch; ++n) {
    for (std::uint64_t f = 0; f < filters; ++f) {
      const std::uint64_t g = f / per_group_out, m = f % per_group_out;
      std::uint64_t position = 0;
      for_each_index(out_spatial, [&](const std::vector<std::uint64_t>& out_at) {
        // Σ over (input channel of the group, kernel position) in row-major order of the terms
        // that land on this output: o + pad − k·d = i·stride.
        CanonicalSum<float> sum;
        for (std::uint64_t c = 0; c < per_group; ++c) {
          const std::uint64_t channel = g * per_group + c;
          const float* plane_in = in.data() + (n * channels + channel) * plane;
          const float* plane_w = kw.data() + (channel * per_group_out + m) * kernel_size;
          std::uint64_t k = 0;
          for_each_index(kernel, [&](const std::vector<std::uint64_t>& kernel_at) {
            std::uint64_t offset = 0;
            bool lands = true;
            for (std::size_t i = 0; i < spatial && lands; ++i) {
              const std::int64_t p = static_cast<std::int64_t>(out_at[i]) + begin[i] -
                                     static_cast<std::int64_t>(kernel_at[i] * dilations[i]);
              lands = p >= 0 && p % static_cast<std::int64_t>(strides[i]) == 0 &&
                      p / static_cast<std::int64_t>(strides[i]) <
                          static_cast<std::int64_t>(in_spatial[i]);
              if (lands)
                offset = offset * in_spatial[i] + static_cast<std::uint64_t>(p) / strides[i];
            }
            if (lands) sum.add(plane_in[offset] * plane_w[k]);
            ++k;
          });
        }
        float value = sum.total();
        if (bias) value = value + b[f];
        out[(n * filters + f) * out_plane + position++] = canonical(value);
      });
    }
  }
  return std::vector<Tensor>{make_tensor(x.type, shape, out)};
}

FAULTLINE_ONNX_KERNEL(batch_normalization) {
  if (auto counted = expect_inputs(node, inputs, 5, 5); !counted) return counted.error();
  if (node.outputs.size() > 1) return feature_unsupported(node, "training mode");
  const Tensor& x = *inputs[0];
  if (auto ok = float_input(node, x, 2); !ok) return ok.error();
  const std::uint64_t channels = x.shape[1];
  if (count_of(x.shape) == 0) return std::vector<Tensor>{x};
  std::vector<std::vector<float>> parameters;
  for (std::size_t i = 1; i < 5; ++i) {
    if (inputs[i]->type != x.type || count_of(inputs[i]->shape) != channels) {
      return node_error(node, "scale, B, mean and var need one float per channel");
    }
    parameters.push_back(values<float>(*inputs[i]));
  }
  const float epsilon = float_attribute(node, "epsilon", 1e-5F);
  std::vector<float> y = values<float>(x);
  const std::uint64_t inner = count_of(x.shape) / (x.shape[0] * channels);
  for (std::uint64_t block = 0; block < y.size() / inner; ++block) {
    const std::uint64_t c = block % channels;
    // ((x − mean) / √(var + ε)) · scale + B, each step rounded.
    const float mean = parameters[2][c], scale = parameters[0][c], shift = parameters[1][c];
    const float deviation = std::sqrt(parameters[3][c] + epsilon);
    float* row = y.data() + block * inner;
    for (std::uint64_t i = 0; i < inner; ++i)
      row[i] = canonical((row[i] - mean) / deviation * scale + shift);
  }
  return std::vector<Tensor>{make_tensor(x.type, x.shape, y)};
}

}  // namespace faultline::onnx::detail
