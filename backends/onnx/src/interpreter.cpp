// Running a model's operators in order (interpreter.hpp).
#include "faultline/onnx/interpreter.hpp"

#include <algorithm>
#include <deque>
#include <new>

#include "faultline/onnx/operators.hpp"
#include "kernel_support.hpp"
#include "node_execution.hpp"
#include "tensor_access.hpp"

namespace faultline::onnx {
namespace detail {

Result<void> check_graph_input(const ValueInfo& input, const Tensor& tensor) {
  if (input.type && *input.type != tensor.type) {
    return Error{Errc::invalid_argument, "input \"" + input.name + "\" must be " +
                                             std::string(element_type_name(*input.type)) +
                                             ", not " +
                                             std::string(element_type_name(tensor.type))};
  }
  bool fits = !input.has_shape || input.shape.size() == tensor.shape.size();
  for (std::size_t i = 0; fits && input.has_shape && i < input.shape.size(); ++i)
    fits = !input.shape[i] || *input.shape[i] == tensor.shape[i];
  if (!fits) {
    return Error{Errc::invalid_argument, "input \"" + input.name + "\" of shape " +
                                             shape_text(tensor.shape) +
                                             " does not fit the model's"};
  }
  if (!fits_volume(tensor.shape, tensor.type)) {
    return Error{Errc::out_of_range, "input \"" + input.name + "\" of shape " +
                                         shape_text(tensor.shape) + " exceeds " +
                                         std::to_string(kMaxTensorBytes >> 20) + " MiB"};
  }
  // Its bytes only: hashing them (commit_tensor) here would cost a Merkle tree per run.
  if (!bytes_fit(tensor)) {
    return Error{Errc::malformed_input, "input \"" + input.name + "\" holds " +
                                            std::to_string(tensor.data.size()) +
                                            " bytes, not its shape's"};
  }
  return {};
}

Result<void> check_initializer(const std::string& name, const Tensor& tensor) {
  if (!fits_volume(tensor.shape, tensor.type)) {
    return Error{Errc::out_of_range, "initializer \"" + name + "\" of shape " +
                                         shape_text(tensor.shape) + " exceeds " +
                                         std::to_string(kMaxTensorBytes >> 20) + " MiB"};
  }
  return {};
}

Result<void> check_input_names(const Graph& graph, const std::map<std::string, Tensor>& inputs) {
  for (const auto& given : inputs) {
    const bool known =
        std::any_of(graph.inputs.begin(), graph.inputs.end(),
                    [&](const ValueInfo& input) { return input.name == given.first; });
    if (!known) {
      return Error{Errc::invalid_argument, "the model has no input \"" + given.first + "\""};
    }
  }
  return {};
}

Result<void> check_operator(const Node& node, std::int64_t opset) {
  const OperatorInfo* info = find_operator(node.op_type);
  if (info == nullptr) {
    return Error{Errc::unsupported, "node \"" + node.name + "\": the operator " + node.op_type +
                                        " is not implemented"};
  }
  if (opset < info->since) {
    return Error{Errc::unsupported, "node \"" + node.name + "\": " + node.op_type +
                                        " is implemented from opset " +
                                        std::to_string(info->since) + ", the model uses opset " +
                                        std::to_string(opset)};
  }
  return {};
}

Result<std::vector<Tensor>> run_node(const Node& node, std::span<const Tensor* const> inputs,
                                     std::int64_t opset) {
  if (auto known = check_operator(node, opset); !known) return known.error();
  auto outputs = find_operator(node.op_type)->kernel(node, inputs, opset);
  if (!outputs) return outputs.error();
  // Every output a later kernel reads is whole: its bytes are its shape's, within the cap.
  for (const Tensor& output : *outputs) {
    if (!bytes_fit(output) || !fits_volume(output.shape, output.type)) {
      return Error{Errc::malformed_input, "node \"" + node.name + "\" (" + node.op_type +
                                              "): an output's bytes do not fit its shape " +
                                              shape_text(output.shape)};
    }
  }
  return outputs;
}

}  // namespace detail

Result<std::map<std::string, Tensor>> run(const Model& model,
                                          const std::map<std::string, Tensor>& inputs) {
  const Graph& graph = model.graph();
  std::map<std::string, const Tensor*> live;
  std::deque<Tensor> computed;  // stable addresses
  for (const auto& [name, tensor] : graph.initializers) {
    if (auto fits = detail::check_initializer(name, tensor); !fits) return fits.error();
    live[name] = &tensor;
  }
  for (const ValueInfo& input : graph.inputs) {
    const auto given = inputs.find(input.name);
    if (given == inputs.end()) {
      return Error{Errc::invalid_argument, "the model's input \"" + input.name + "\" is not given"};
    }
    if (auto checked = detail::check_graph_input(input, given->second); !checked) {
      return checked.error();
    }
    live[input.name] = &given->second;
  }
  if (auto names = detail::check_input_names(graph, inputs); !names) return names.error();
  for (const Node& node : graph.nodes) {
    std::vector<const Tensor*> arguments;
    for (const std::string& name : node.inputs) {
      if (name.empty()) {
        arguments.push_back(nullptr);
        continue;
      }
      const auto found = live.find(name);
      if (found == live.end()) {
        // The checker guarantees every input is produced before use.
        return Error{Errc::malformed_input,
                     "node \"" + node.name + "\": no value \"" + name + "\""};
      }
      arguments.push_back(found->second);
    }
    Result<std::vector<Tensor>> outputs = Error{Errc::io_error, ""};
    try {
      outputs = detail::run_node(node, arguments, model.opset());
    } catch (const std::bad_alloc&) {
      return Error{Errc::out_of_range, "node \"" + node.name + "\" (" + node.op_type +
                                           "): the host has no memory for its outputs"};
    }
    if (!outputs) return outputs.error();
    for (std::size_t i = 0; i < node.outputs.size() && i < outputs->size(); ++i) {
      if (node.outputs[i].empty()) continue;
      computed.push_back(std::move((*outputs)[i]));
      live[node.outputs[i]] = &computed.back();
    }
  }
  std::map<std::string, Tensor> out;
  for (const ValueInfo& output : graph.outputs) {
    const auto found = live.find(output.name);
    if (found == live.end()) {
      return Error{Errc::malformed_input,
                   "the graph's output \"" + output.name + "\" is never computed"};
    }
    out.emplace(output.name, *found->second);
  }
  return out;
}

}  // namespace faultline::onnx
