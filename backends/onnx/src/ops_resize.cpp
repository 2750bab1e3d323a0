// Resize (opset 11 on): nearest, (multi)linear and cubic interpolation along every axis, with
// ONNX's coordinate transformation modes (and tf_half_pixel_for_nn, the node tests' older name for
// tf_half_pixel_for_nearest). Taps of weight 0 are left out (an axis that is not resized reads one
// input), and a resize may sum at most 2^31 terms in all. Coordinates are computed in binary64 from
// the output index (exact rules below, the same on every host); each output is the canonical sum,
// over its taps in row-major order, of input · (the product of the taps' per-axis weights,
// rounded to float32 axis by axis).
#include <array>
#include <cmath>
#include <string>

#include "kernel_support.hpp"
#include "kernels.hpp"

namespace faultline::onnx::detail {
namespace {

/// One axis's taps for one output index: input indices and weights (taps of weight 0 are left
/// out); `outside` when tf_crop_and_resize puts the coordinate outside the input (the
/// extrapolation value).
struct Taps {
  std::array<std::uint64_t, 4> index{};
  std::array<float, 4> weight{};
  std::size_t count = 0;
  bool outside = false;

  void add(std::uint64_t at, float w) {
    if (w == 0.0F) return;
    index[count] = at;
    weight[count++] = w;
  }
};

/// The most terms one Resize may sum over all its outputs (each output sums the product over
/// the axes of their taps): a 1 GiB output of one tap each, or a 4-D cubic resize to 2^23
/// elements, fit; a rank-30 cubic resize (4^30 terms for one output) does not.
constexpr std::uint64_t kMaxTerms = std::uint64_t{1} << 31;

struct Axis {
  std::uint64_t in = 0, out = 0;
  double scale = 1;
  double length = 0;  ///< the resized length the formulas use: in · scale (unfloored), or out
  double roi_start = 0, roi_end = 1;
};

}  // namespace

FAULTLINE_ONNX_KERNEL(resize) {
  if (auto counted = expect_inputs(node, inputs, 1, 4); !counted) return counted.error();
  const Tensor& x = *inputs[0];
  if (x.type != ElementType::float32) return type_unsupported(node, x.type);
  const std::size_t rank = x.shape.size();
  const auto input = [&inputs](std::size_t i) -> const Tensor* {
    return i < inputs.size() && inputs[i] != nullptr && !inputs[i]->data.empty() ? inputs[i]
                                                                                 : nullptr;
  };
  const std::string mode = string_attribute(node, "mode", "nearest");
  const std::string transform =
      string_attribute(node, "coordinate_transformation_mode", "half_pixel");
  const std::string nearest_mode = string_attribute(node, "nearest_mode", "round_prefer_floor");
  if (mode != "nearest" && mode != "linear" && mode != "cubic") {
    return node_error(node, "mode " + mode);
  }
  if (transform != "half_pixel" && transform != "pytorch_half_pixel" &&
      transform != "align_corners" && transform != "asymmetric" &&
      transform != "tf_half_pixel_for_nearest" && transform != "tf_half_pixel_for_nn" &&
      transform != "tf_crop_and_resize") {
    return node_error(node, "coordinate_transformation_mode " + transform);
  }
  if (nearest_mode != "round_prefer_floor" && nearest_mode != "round_prefer_ceil" &&
      nearest_mode != "floor" && nearest_mode != "ceil") {
    return node_error(node, "nearest_mode " + nearest_mode);
  }
  const float cubic_a = float_attribute(node, "cubic_coeff_a", -0.75F);
  const bool exclude_outside = int_attribute(node, "exclude_outside", 0) != 0;
  const float extrapolation = float_attribute(node, "extrapolation_value", 0.0F);

  std::vector<Axis> axes(rank);
  for (std::size_t i = 0; i < rank; ++i)
    axes[i].in = x.shape[i];
  const Tensor* scales = input(2);
  const Tensor* sizes = input(3);
  if ((scales == nullptr) == (sizes == nullptr)) {
    return node_error(node, "needs exactly one of scales and sizes");
  }
  if (scales != nullptr) {
    if (scales->type != ElementType::float32 || count_of(scales->shape) != rank) {
      return node_error(node, "scales must hold one float per axis");
    }
    const auto given = values<float>(*scales);
    for (std::size_t i = 0; i < rank; ++i) {
      if (!(given[i] > 0.0F) || !std::isfinite(given[i])) {
        return node_error(node, "scales must be positive");
      }
      axes[i].scale = given[i];
      const double out = std::floor(static_cast<double>(axes[i].in) * given[i]);
      if (out > static_cast<double>(kMaxExtent)) return node_error(node, "an output past 2^30");
      axes[i].out = static_cast<std::uint64_t>(out);
      axes[i].length = static_cast<double>(axes[i].in) * given[i];
    }
  } else {
    const auto given = integers(*sizes);
    if (!given || given->size() != rank) return node_error(node, "sizes: one per axis");
    for (std::size_t i = 0; i < rank; ++i) {
      if ((*given)[i] < 0 || (*given)[i] > kMaxExtent) {
        return node_error(node, "sizes must lie in [0, 2^30]");
      }
      axes[i].out = static_cast<std::uint64_t>((*given)[i]);
      axes[i].length = static_cast<double>(axes[i].out);
      axes[i].scale = axes[i].in == 0
                          ? 1.0
                          : static_cast<double>(axes[i].out) / static_cast<double>(axes[i].in);
    }
  }
  if (transform == "tf_crop_and_resize") {
    const Tensor* roi = input(1);
    if (roi == nullptr || roi->type != ElementType::float32 || count_of(roi->shape) != 2 * rank) {
      return node_error(node, "tf_crop_and_resize needs roi: starts then ends, per axis");
    }
    const auto bounds = values<float>(*roi);
    for (const float bound : bounds) {
      if (!std::isfinite(bound)) return node_error(node, "roi must be finite");
    }
    for (std::size_t i = 0; i < rank; ++i) {
      axes[i].roi_start = bounds[i];
      axes[i].roi_end = bounds[rank + i];
    }
  }
  std::vector<std::uint64_t> shape(rank);
  for (std::size_t i = 0; i < rank; ++i)
    shape[i] = axes[i].out;
  if (auto fits = check_output(node, shape, x.type); !fits) return fits.error();
  for (const Axis& axis : axes) {
    if (axis.in == 0 && axis.out != 0) return node_error(node, "resizes an empty axis");
  }
  if (count_of(shape) == 0)
    return std::vector<Tensor>{make_tensor(x.type, shape, std::vector<float>{})};

  // One axis's taps for output index `o`, computed where needed (a table per axis would take
  // more memory than the output).
  const auto taps_of = [&](const Axis& axis, std::uint64_t o) {
    const auto in = static_cast<double>(axis.in), out = axis.length;
    const auto at = static_cast<double>(o);
    double original = 0;
    if (transform == "half_pixel") {
      original = (at + 0.5) / axis.scale - 0.5;
    } else if (transform == "pytorch_half_pixel") {
      original = out > 1 ? (at + 0.5) / axis.scale - 0.5 : 0.0;
    } else if (transform == "align_corners") {
      original = out == 1 ? 0.0 : at * (in - 1) / (out - 1);
    } else if (transform == "asymmetric") {
      original = at / axis.scale;
    } else if (transform == "tf_half_pixel_for_nearest" || transform == "tf_half_pixel_for_nn") {
      original = (at + 0.5) / axis.scale;
    } else {  // tf_crop_and_resize
      original = out > 1 ? axis.roi_start * (in - 1) +
                               at * (axis.roi_end - axis.roi_start) * (in - 1) / (out - 1)
                         : 0.5 * (axis.roi_start + axis.roi_end) * (in - 1);
    }
    Taps t;
    if (transform == "tf_crop_and_resize" && !(original >= 0 && original <= in - 1)) {
      t.outside = true;
      return t;
    }
    // Past the input every tap clamps to its edge: bounding the coordinate first keeps every
    // conversion to an integer in range (a tiny scale puts it near 2^64).
    original = std::min(std::max(original, -4.0), in + 4.0);
    const auto last = static_cast<std::int64_t>(axis.in) - 1;
    const auto clamp = [last](std::int64_t v) {
      return static_cast<std::uint64_t>(std::min(std::max<std::int64_t>(v, 0), last));
    };
    if (mode == "nearest") {
      const double floor = std::floor(original);
      double picked = std::floor(original + 0.5);
      if (nearest_mode == "floor") {
        picked = floor;
      } else if (nearest_mode == "ceil") {
        picked = std::ceil(original);
      } else if (original - floor == 0.5) {
        picked = nearest_mode == "round_prefer_floor" ? floor : floor + 1;
      }
      t.add(clamp(static_cast<std::int64_t>(picked)), 1.0F);
    } else if (mode == "linear") {
      const double clamped = std::min(std::max(original, 0.0), in - 1);
      const auto low = static_cast<std::int64_t>(std::floor(clamped));
      const double fraction = clamped - static_cast<double>(low);
      t.add(clamp(low), static_cast<float>(1.0 - fraction));
      t.add(clamp(low + 1), static_cast<float>(fraction));
    } else {  // cubic: Keys' kernel with coefficient a, edge taps replicated
      const auto low = static_cast<std::int64_t>(std::floor(original));
      const double fraction = original - static_cast<double>(low), a = cubic_a;
      const std::array<double, 4> distance = {fraction + 1, fraction, 1 - fraction, 2 - fraction};
      std::array<double, 4> w{};
      double total = 0;
      for (std::size_t k = 0; k < 4; ++k) {
        const double v = distance[k];
        w[k] = v <= 1 ? ((a + 2) * v - (a + 3)) * v * v + 1
                      : ((a * v - 5 * a) * v + 8 * a) * v - 4 * a;
        const std::int64_t index = low - 1 + static_cast<std::int64_t>(k);
        if (exclude_outside && (index < 0 || index > last)) w[k] = 0;
        total += w[k];
      }
      for (std::size_t k = 0; k < 4; ++k) {
        t.add(clamp(low - 1 + static_cast<std::int64_t>(k)),
              static_cast<float>(exclude_outside ? w[k] / total : w[k]));
      }
    }
    return t;
  };

  const std::vector<float> in = values<float>(x);
  const std::vector<std::uint64_t> strides = strides_of(x.shape);
  std::vector<float> out(count_of(shape));
  std::uint64_t position = 0, terms = 0;
  bool too_much = false;
  std::vector<Taps> taps(rank);
  std::vector<std::size_t> tap(rank);
  for_each_index(shape, [&](const std::vector<std::uint64_t>& at) {
    if (too_much) return;
    bool outside = false;
    std::uint64_t combinations = 1;
    for (std::size_t i = 0; i < rank; ++i) {
      taps[i] = taps_of(axes[i], at[i]);
      outside = outside || taps[i].outside;
      combinations *= std::max<std::size_t>(taps[i].count, 1);
      if (combinations > kMaxTerms) break;
    }
    terms += combinations;
    if (terms > kMaxTerms) {
      too_much = true;
      return;
    }
    if (outside) {
      out[position++] = extrapolation;
      return;
    }
    // Every combination of the axes' taps, row-major (an axis whose taps all weigh 0 adds 0).
    CanonicalSum<float> sum;
    bool empty = false;
    for (const Taps& t : taps)
      empty = empty || t.count == 0;
    std::fill(tap.begin(), tap.end(), 0);
    while (!empty) {
      std::uint64_t offset = 0;
      float weight = 1.0F;
      for (std::size_t i = 0; i < rank; ++i) {
        offset += taps[i].index[tap[i]] * strides[i];
        weight = weight * taps[i].weight[tap[i]];
      }
      sum.add(in[offset] * weight);
      std::size_t i = rank;
      while (i > 0 && ++tap[i - 1] == taps[i - 1].count)
        tap[--i] = 0;
      if (i == 0) break;
    }
    out[position++] = canonical(sum.total());
  });
  if (too_much) {
    return node_error(node, "would sum more than 2^31 interpolation terms");
  }
  return std::vector<Tensor>{make_tensor(x.type, shape, out)};
}

}  // namespace faultline::onnx::detail
