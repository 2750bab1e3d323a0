// Control flow: If, Loop and Scan run their subgraphs (docs/backends/onnx.md, "Subgraphs").
// A subgraph sees the values of the graphs around it only through the node's captured inputs
// (Node::captured), so one step of the trace holds everything its subgraphs read.
#include <cstring>

#include "kernel_support.hpp"
#include "kernels.hpp"
#include "node_execution.hpp"

namespace faultline::onnx::detail {
namespace {

using GraphPtr = std::shared_ptr<const Graph>;

const Graph* graph_attribute(const Node& node, const std::string& name) {
  const auto found = node.attributes.find(name);
  if (found == node.attributes.end()) return nullptr;
  const auto* graph = std::get_if<GraphPtr>(&found->second);
  return graph != nullptr ? graph->get() : nullptr;
}

/// The node's own inputs and, by name, the values its subgraphs capture.
struct Arguments {
  std::span<const Tensor* const> own;
  std::map<std::string, const Tensor*> captured;
};

Result<Arguments> split_arguments(const Node& node, std::span<const Tensor* const> inputs) {
  const std::vector<std::string>& names = node.captured;
  if (inputs.size() != node.inputs.size() + names.size()) {
    return node_error(node, "takes its " + std::to_string(node.inputs.size()) + " inputs and " +
                                std::to_string(names.size()) + " captured values, not " +
                                std::to_string(inputs.size()) + " tensors");
  }
  if (auto valid = valid_inputs(node, inputs); !valid) return valid.error();
  Arguments arguments;
  arguments.own = inputs.first(node.inputs.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const Tensor* value = inputs[node.inputs.size() + i];
    if (value == nullptr)
      return node_error(node, "the captured value \"" + names[i] + "\" is missing");
    arguments.captured.emplace(names[i], value);
  }
  return arguments;
}

/// A one-element tensor's value: a bool's, or an int64's.
std::optional<bool> flag(const Tensor* tensor) {
  if (tensor == nullptr || tensor->type != ElementType::boolean || tensor->data.size() != 1) {
    return std::nullopt;
  }
  return tensor->data[0] != 0;
}
std::optional<std::int64_t> count(const Tensor* tensor) {
  if (tensor == nullptr || tensor->type != ElementType::int64 || tensor->data.size() != 8) {
    return std::nullopt;
  }
  return values<std::int64_t>(*tensor)[0];
}

/// The slice at `index` of `tensor` along `axis`, that axis removed.
Tensor slice_at(const Tensor& tensor, std::size_t axis, std::uint64_t index) {
  const std::uint64_t size = *element_size(tensor.type);
  std::uint64_t outer = 1, inner = size;
  for (std::size_t d = 0; d < axis; ++d)
    outer *= tensor.shape[d];
  for (std::size_t d = axis + 1; d < tensor.shape.size(); ++d)
    inner *= tensor.shape[d];
  Tensor out;
  out.type = tensor.type;
  out.shape = tensor.shape;
  out.shape.erase(out.shape.begin() + static_cast<std::ptrdiff_t>(axis));
  out.data.resize(outer * inner);
  const std::uint64_t extent = tensor.shape[axis];
  for (std::uint64_t o = 0; o < outer; ++o) {
    std::memcpy(out.data.data() + o * inner, tensor.data.data() + (o * extent + index) * inner,
                inner);
  }
  return out;
}

/// The tensors a scan output collects, one per iteration (each checked against the first),
/// stacked along a new axis.
class Stack {
 public:
  Result<void> add(const Node& node, Tensor slice) {
    if (!slices_.empty() && (slice.type != slices_[0].type || slice.shape != slices_[0].shape)) {
      return node_error(node, "iteration " + std::to_string(slices_.size()) +
                                  " gives a scan output of shape " + shape_text(slice.shape) +
                                  ", the first gave " + shape_text(slices_[0].shape));
    }
    bytes_ += slice.data.size();
    if (bytes_ > kMaxTensorBytes) {
      return node_error(
          node, "a scan output would exceed " + std::to_string(kMaxTensorBytes >> 20) + " MiB");
    }
    slices_.push_back(std::move(slice));
    return {};
  }

  /// The rank of the slices, once there is one.
  [[nodiscard]] std::optional<std::size_t> slice_rank() const {
    return slices_.empty() ? std::nullopt : std::optional(slices_[0].shape.size());
  }

  /// The slices along `axis` (at most their rank), in order or reversed. With no slices, the
  /// declared element type and shape must be known.
  Result<Tensor> stacked(const Node& node, const ValueInfo& declared, std::size_t axis,
                         bool reversed) const {
    Tensor out;
    if (slices_.empty()) {
      bool known = declared.type.has_value() && declared.has_shape;
      for (const auto& dimension : declared.shape)
        known = known && dimension.has_value();
      if (!known) {
        return node_error(node, "no iteration ran, and the scan output \"" + declared.name +
                                    "\" declares no element type and shape");
      }
      out.type = *declared.type;
      for (const auto& dimension : declared.shape)
        out.shape.push_back(*dimension);
    } else {
      out.type = slices_[0].type;
      out.shape = slices_[0].shape;
    }
    if (axis > out.shape.size()) {
      return node_error(node, "scan output axis " + std::to_string(axis) + " is past rank " +
                                  std::to_string(out.shape.size() + 1));
    }
    out.shape.insert(out.shape.begin() + static_cast<std::ptrdiff_t>(axis), slices_.size());
    if (auto fits = check_output(node, out.shape, out.type); !fits) return fits.error();
    std::uint64_t outer = 1, inner = *element_size(out.type);
    for (std::size_t d = 0; d < axis; ++d)
      outer *= out.shape[d];
    for (std::size_t d = axis + 1; d < out.shape.size(); ++d)
      inner *= out.shape[d];
    out.data.resize(outer * slices_.size() * inner);
    std::uint8_t* at = out.data.data();
    for (std::uint64_t o = 0; o < outer; ++o) {
      for (std::size_t t = 0; t < slices_.size(); ++t) {
        const Tensor& slice = slices_[reversed ? slices_.size() - 1 - t : t];
        std::memcpy(at, slice.data.data() + o * inner, inner);
        at += inner;
      }
    }
    return out;
  }

 private:
  std::vector<Tensor> slices_;
  std::uint64_t bytes_ = 0;
};

Tensor scalar_of(std::int64_t value) {
  return make_tensor(ElementType::int64, {}, std::vector<std::int64_t>{value});
}
Tensor scalar_of(bool value) {
  return make_tensor(ElementType::boolean, {},
                     std::vector<std::uint8_t>{static_cast<std::uint8_t>(value ? 1 : 0)});
}

Result<std::vector<Tensor>> run_if(const Node& node, const Arguments& arguments, std::int64_t opset,
                                   SubgraphBudget& budget) {
  if (arguments.own.size() != 1) return node_error(node, "takes one input, the condition");
  const std::optional<bool> condition = flag(arguments.own[0]);
  if (!condition) return node_error(node, "the condition must be one bool");
  const Graph* branch = graph_attribute(node, *condition ? "then_branch" : "else_branch");
  if (branch == nullptr) return node_error(node, "has no then_branch and else_branch graphs");
  if (!branch->inputs.empty()) return node_error(node, "a branch takes no inputs");
  if (branch->outputs.size() != node.outputs.size()) {
    return node_error(node, "the branch taken has " + std::to_string(branch->outputs.size()) +
                                " outputs, the node " + std::to_string(node.outputs.size()));
  }
  return run_graph(*branch, {}, arguments.captured, opset, &budget);
}

// Loop: the body runs while the trip count (M) and the condition allow, on the iteration
// number, the condition and the loop-carried values; its scan outputs stack along axis 0.
Result<std::vector<Tensor>> run_loop(const Node& node, const Arguments& arguments,
                                     std::int64_t opset, SubgraphBudget& budget) {
  const auto& own = arguments.own;
  if (own.size() < 2) return node_error(node, "takes a trip count and a condition, both optional");
  const Graph* body = graph_attribute(node, "body");
  if (body == nullptr) return node_error(node, "has no body graph");
  const std::size_t carried_count = own.size() - 2;
  if (body->inputs.size() != carried_count + 2 || body->outputs.size() < carried_count + 1) {
    return node_error(node, "its body must take 2 + " + std::to_string(carried_count) +
                                " inputs and give at least 1 + " + std::to_string(carried_count) +
                                " outputs");
  }
  const std::size_t scan_count = body->outputs.size() - 1 - carried_count;
  const std::optional<std::int64_t> trips = count(own[0]);
  if (own[0] != nullptr && !trips) return node_error(node, "the trip count must be one int64");
  bool condition = true;
  if (own[1] != nullptr) {
    const std::optional<bool> given = flag(own[1]);
    if (!given) return node_error(node, "the condition must be one bool");
    condition = *given;
  }
  std::vector<Tensor> carried;
  for (std::size_t i = 0; i < carried_count; ++i) {
    if (own[2 + i] == nullptr)
      return node_error(node, "loop-carried value " + std::to_string(i) + " is missing");
    carried.push_back(*own[2 + i]);
  }
  std::vector<Stack> scans(scan_count);
  for (std::int64_t i = 0; (!trips || i < *trips) && (own[1] == nullptr || condition); ++i) {
    if (!budget.spend_run()) return SubgraphBudget::exceeded(node);
    const Tensor iteration = scalar_of(i), condition_in = scalar_of(condition);
    std::vector<const Tensor*> inputs{&iteration, &condition_in};
    for (const Tensor& value : carried)
      inputs.push_back(&value);
    auto outputs = run_graph(*body, inputs, arguments.captured, opset, &budget);
    if (!outputs) return outputs.error();
    const std::optional<bool> next = flag(&(*outputs)[0]);
    if (!next) return node_error(node, "the body's condition must be one bool");
    condition = *next;
    for (std::size_t c = 0; c < carried_count; ++c)
      carried[c] = std::move((*outputs)[1 + c]);
    for (std::size_t s = 0; s < scan_count; ++s) {
      if (auto added = scans[s].add(node, std::move((*outputs)[1 + carried_count + s])); !added) {
        return added.error();
      }
    }
  }
  std::vector<Tensor> out = std::move(carried);
  for (std::size_t s = 0; s < scan_count; ++s) {
    auto stacked = scans[s].stacked(node, body->outputs[1 + carried_count + s], 0, false);
    if (!stacked) return stacked.error();
    out.push_back(std::move(*stacked));
  }
  return out;
}

/// An axis attribute's entries (each in [−rank, rank) made non-negative), `count` of them,
/// zeros if it is absent.
Result<std::vector<std::size_t>> axes_of(const Node& node, const std::string& name,
                                         std::size_t count, const std::vector<std::size_t>& ranks) {
  const std::optional<std::vector<std::int64_t>> given = ints_attribute(node, name);
  if (given && given->size() != count) {
    return node_error(node, name + " has " + std::to_string(given->size()) + " entries, not " +
                                std::to_string(count));
  }
  std::vector<std::size_t> axes(count, 0);
  for (std::size_t i = 0; given && i < count; ++i) {
    const auto rank = static_cast<std::int64_t>(ranks[i]);
    const std::int64_t axis = (*given)[i] < 0 ? (*given)[i] + rank : (*given)[i];
    if (axis < 0 || axis >= rank) {
      return node_error(node, name + " " + std::to_string((*given)[i]) + " is outside rank " +
                                  std::to_string(rank));
    }
    axes[i] = static_cast<std::size_t>(axis);
  }
  return axes;
}

/// A direction attribute's entries (0 forward, 1 reverse), `count` of them, 0 if absent.
Result<std::vector<bool>> directions_of(const Node& node, const std::string& name,
                                        std::size_t count) {
  const std::optional<std::vector<std::int64_t>> given = ints_attribute(node, name);
  if (given && given->size() != count) {
    return node_error(node, name + " has " + std::to_string(given->size()) + " entries, not " +
                                std::to_string(count));
  }
  std::vector<bool> reversed(count, false);
  for (std::size_t i = 0; given && i < count; ++i) {
    if ((*given)[i] != 0 && (*given)[i] != 1) return node_error(node, name + " holds 0 or 1");
    reversed[i] = (*given)[i] == 1;
  }
  return reversed;
}

// Scan (opset 9 on): the body runs once per slice of the scan inputs along their axes, on the
// state values and the slices; its scan outputs stack along their axes.
Result<std::vector<Tensor>> run_scan(const Node& node, const Arguments& arguments,
                                     std::int64_t opset, SubgraphBudget& budget) {
  const auto& own = arguments.own;
  const Graph* body = graph_attribute(node, "body");
  if (body == nullptr) return node_error(node, "has no body graph");
  const std::int64_t scan_inputs = int_attribute(node, "num_scan_inputs", 0);
  if (scan_inputs < 1 || static_cast<std::uint64_t>(scan_inputs) > own.size()) {
    return node_error(
        node, "num_scan_inputs must be from 1 to its " + std::to_string(own.size()) + " inputs");
  }
  const std::size_t input_count = static_cast<std::size_t>(scan_inputs);
  const std::size_t state_count = own.size() - input_count;
  if (body->inputs.size() != own.size() || body->outputs.size() < state_count) {
    return node_error(node, "its body must take " + std::to_string(own.size()) +
                                " inputs and give at least " + std::to_string(state_count));
  }
  const std::size_t output_count = body->outputs.size() - state_count;
  std::vector<std::size_t> input_ranks;
  for (std::size_t i = 0; i < own.size(); ++i) {
    if (own[i] == nullptr) return node_error(node, "input " + std::to_string(i) + " is missing");
    if (i >= state_count) input_ranks.push_back(own[i]->shape.size());
  }
  auto input_axes = axes_of(node, "scan_input_axes", input_count, input_ranks);
  if (!input_axes) return input_axes.error();
  auto input_reversed = directions_of(node, "scan_input_directions", input_count);
  if (!input_reversed) return input_reversed.error();
  auto output_reversed = directions_of(node, "scan_output_directions", output_count);
  if (!output_reversed) return output_reversed.error();
  std::uint64_t length = 0;
  for (std::size_t i = 0; i < input_count; ++i) {
    const Tensor& input = *own[state_count + i];
    const std::uint64_t extent = input.shape[(*input_axes)[i]];
    if (i > 0 && extent != length) {
      return node_error(node, "scan inputs of " + std::to_string(length) + " and " +
                                  std::to_string(extent) + " slices");
    }
    length = extent;
  }
  std::vector<Tensor> states;
  for (std::size_t i = 0; i < state_count; ++i)
    states.push_back(*own[i]);
  std::vector<Stack> scans(output_count);
  for (std::uint64_t t = 0; t < length; ++t) {
    if (!budget.spend_run()) return SubgraphBudget::exceeded(node);
    std::vector<Tensor> slices;
    slices.reserve(input_count);
    for (std::size_t i = 0; i < input_count; ++i) {
      slices.push_back(slice_at(*own[state_count + i], (*input_axes)[i],
                                (*input_reversed)[i] ? length - 1 - t : t));
    }
    std::vector<const Tensor*> inputs;
    inputs.reserve(states.size() + slices.size());
    for (const Tensor& state : states)
      inputs.push_back(&state);
    for (const Tensor& slice : slices)
      inputs.push_back(&slice);
    auto outputs = run_graph(*body, inputs, arguments.captured, opset, &budget);
    if (!outputs) return outputs.error();
    for (std::size_t s = 0; s < state_count; ++s)
      states[s] = std::move((*outputs)[s]);
    for (std::size_t k = 0; k < output_count; ++k) {
      if (auto added = scans[k].add(node, std::move((*outputs)[state_count + k])); !added) {
        return added.error();
      }
    }
  }
  // An output's axis counts in its stacked rank: the slice's rank + 1.
  std::vector<std::size_t> output_ranks;
  for (std::size_t k = 0; k < output_count; ++k) {
    output_ranks.push_back(
        scans[k].slice_rank().value_or(body->outputs[state_count + k].shape.size()) + 1);
  }
  auto output_axes = axes_of(node, "scan_output_axes", output_count, output_ranks);
  if (!output_axes) return output_axes.error();
  std::vector<Tensor> out = std::move(states);
  for (std::size_t k = 0; k < output_count; ++k) {
    auto stacked = scans[k].stacked(node, body->outputs[state_count + k], (*output_axes)[k],
                                    (*output_reversed)[k]);
    if (!stacked) return stacked.error();
    out.push_back(std::move(*stacked));
  }
  return out;
}

}  // namespace

bool runs_subgraphs(std::string_view op_type) {
  return op_type == "If" || op_type == "Loop" || op_type == "Scan";
}

Result<std::vector<Tensor>> run_control_flow(const Node& node,
                                             std::span<const Tensor* const> inputs,
                                             std::int64_t opset, SubgraphBudget& budget) {
  auto arguments = split_arguments(node, inputs);
  if (!arguments) return arguments.error();
  if (node.op_type == "If") return run_if(node, *arguments, opset, budget);
  if (node.op_type == "Loop") return run_loop(node, *arguments, opset, budget);
  return run_scan(node, *arguments, opset, budget);
}

FAULTLINE_ONNX_KERNEL(if_op) {
  SubgraphBudget budget;
  return run_control_flow(node, inputs, opset, budget);
}

FAULTLINE_ONNX_KERNEL(loop) {
  SubgraphBudget budget;
  return run_control_flow(node, inputs, opset, budget);
}

FAULTLINE_ONNX_KERNEL(scan) {
  SubgraphBudget budget;
  return run_control_flow(node, inputs, opset, budget);
}

}  // namespace faultline::onnx::detail
