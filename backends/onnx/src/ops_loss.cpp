// Losses: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (float32), their sums in the
// canonical order.
#include <algorithm>

#include "faultline/onnx/elementary.hpp"
#include "kernel_support.hpp"
#include "kernels.hpp"

namespace faultline::onnx::detail {
namespace {

float canonical_total(const std::vector<float>& terms) {
  CanonicalSum<float> sum;
  for (const float term : terms)
    sum.add(term);
  return sum.total();
}

/// The loss of log-probabilities `log_p` [N, C, d…] against `targets` [N, d…]: each term
/// −log_p[n, t, d] · weight[t] (0 for ignore_index), reduced by none, sum or mean (the sum
/// divided by the sum of the weights taken).
Result<Tensor> nll(const Node& node, const std::vector<std::uint64_t>& shape,
                   const std::vector<float>& log_p, const Tensor& targets, const Tensor* weights) {
  if (shape.size() < 2) return node_error(node, "the input needs N and C axes");
  const auto labels = integers(targets);
  if (!labels) return node_error(node, "the target must be int32 or int64");
  std::vector<std::uint64_t> target_shape = {shape[0]};
  target_shape.insert(target_shape.end(), shape.begin() + 2, shape.end());
  if (targets.shape != target_shape) return node_error(node, "the target's shape does not fit");
  const std::uint64_t classes = shape[1],
                      inner = count_of(shape) / std::max<std::uint64_t>(shape[0] * classes, 1);
  std::vector<float> weight;
  if (weights) {
    if (weights->type != ElementType::float32 || count_of(weights->shape) != classes) {
      return node_error(node, "the weight needs one float per class");
    }
    weight = values<float>(*weights);
  }
  const bool has_ignore = node.attributes.contains("ignore_index");
  const std::int64_t ignore = int_attribute(node, "ignore_index", 0);
  const std::string reduction = string_attribute(node, "reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean") {
    return node_error(node, "reduction " + reduction + " is not known");
  }
  std::vector<float> losses(labels->size()), taken(labels->size());
  for (std::uint64_t n = 0; n < shape[0]; ++n) {
    for (std::uint64_t d = 0; d < inner; ++d) {
      const std::uint64_t at = n * inner + d;
      const std::int64_t label = (*labels)[at];
      if (has_ignore && label == ignore) continue;
      if (label < 0 || static_cast<std::uint64_t>(label) >= classes) {
        return node_error(node, "target " + std::to_string(label) + " is not a class");
      }
      const auto c = static_cast<std::uint64_t>(label);
      const float w = weights ? weight[c] : 1.0F;
      losses[at] = canonical(-log_p[(n * classes + c) * inner + d] * w);
      taken[at] = w;
    }
  }
  if (reduction == "none") return make_tensor(ElementType::float32, target_shape, losses);
  float total = canonical_total(losses);
  if (reduction == "mean") total = total / canonical_total(taken);
  return make_tensor(ElementType::float32, {}, std::vector<float>{canonical(total)});
}

}  // namespace

FAULTLINE_ONNX_KERNEL(negative_log_likelihood_loss) {
  if (auto counted = expect_inputs(node, inputs, 2, 3); !counted) return counted.error();
  const Tensor& input = *inputs[0];
  if (input.type != ElementType::float32) return type_unsupported(node, input.type);
  auto loss = nll(node, input.shape, values<float>(input), *inputs[1],
                  inputs.size() > 2 ? inputs[2] : nullptr);
  if (!loss) return loss.error();
  return std::vector<Tensor>{std::move(*loss)};
}

FAULTLINE_ONNX_KERNEL(softmax_cross_entropy_loss) {
  if (auto counted = expect_inputs(node, inputs, 2, 3); !counted) return counted.error();
  const Tensor& scores = *inputs[0];
  if (scores.type != ElementType::float32) return type_unsupported(node, scores.type);
  if (scores.shape.size() < 2) return node_error(node, "the scores need N and C axes");
  // log_softmax over the classes (axis 1) of each (n, d…): x − max − ln Σ e^(x − max).
  const std::uint64_t classes = scores.shape[1];
  const std::uint64_t inner =
      count_of(scores.shape) / std::max<std::uint64_t>(scores.shape[0] * classes, 1);
  std::vector<float> log_p = values<float>(scores);
  for (std::uint64_t n = 0; n < scores.shape[0]; ++n) {
    for (std::uint64_t d = 0; d < inner; ++d) {
      const auto at = [&](std::uint64_t c) -> float& {
        return log_p[(n * classes + c) * inner + d];
      };
      float largest = -std::numeric_limits<float>::infinity();
      for (std::uint64_t c = 0; c < classes; ++c)
        largest = at(c) > largest ? at(c) : largest;
      std::vector<float> terms(classes);
      for (std::uint64_t c = 0; c < classes; ++c)
        terms[c] = elementary::exp(at(c) - largest);
      const float log_sum = elementary::log(canonical_total(terms));
      for (std::uint64_t c = 0; c < classes; ++c)
        at(c) = canonical((at(c) - largest) - log_sum);
    }
  }
  auto loss = nll(node, scores.shape, log_p, *inputs[1], inputs.size() > 2 ? inputs[2] : nullptr);
  if (!loss) return loss.error();
  return std::vector<Tensor>{std::move(*loss),
                             make_tensor(ElementType::float32, scores.shape, log_p)};
}

}  // namespace faultline::onnx::detail
