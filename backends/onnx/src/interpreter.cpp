// Running a model's operators in order (interpreter.hpp).
#include "faultline/onnx/interpreter.hpp"

#include <algorithm>
#include <new>

#include "faultline/onnx/operators.hpp"
#include "kernel_support.hpp"
#include "kernels.hpp"
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

Result<void> check_operators(const Graph& graph, std::int64_t opset) {
  for (const Node& node : graph.nodes) {
    if (auto known = check_operator(node, opset); !known) return known.error();
    for (const Graph* subgraph : subgraphs(node)) {
      if (auto known = check_operators(*subgraph, opset); !known) return known.error();
    }
  }
  return {};
}

Error SubgraphBudget::exceeded(const Node& node) {
  return Error{Errc::invalid_argument,
               "node \"" + node.name + "\" (" + node.op_type + "): its subgraphs run more than " +
                   std::to_string(kMaxRuns) + " nodes and iterations or make more than " +
                   std::to_string(kMaxBytes >> 30) + " GiB of tensors"};
}

Result<std::vector<Tensor>> run_node(const Node& node, std::span<const Tensor* const> inputs,
                                     std::int64_t opset, SubgraphBudget* budget) {
  if (auto known = check_operator(node, opset); !known) return known.error();
  auto outputs = budget != nullptr && runs_subgraphs(node.op_type)
                     ? run_control_flow(node, inputs, opset, *budget)
                     : find_operator(node.op_type)->kernel(node, inputs, opset);
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

Result<std::vector<Tensor>> run_graph(const Graph& graph, std::span<const Tensor* const> inputs,
                                      const std::map<std::string, const Tensor*>& captured,
                                      std::int64_t opset, SubgraphBudget* budget) {
  if (inputs.size() != graph.inputs.size()) {
    return Error{Errc::invalid_argument, "a graph of " + std::to_string(graph.inputs.size()) +
                                             " inputs is given " + std::to_string(inputs.size())};
  }
  std::map<std::string, const Tensor*> live;
  std::map<std::string, Tensor> computed;  // stable addresses; each freed after its last reader
  // The last node that reads each value; the graph's outputs are read after the last node.
  std::map<std::string, std::size_t> last_read;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    for (const std::string& name : graph.nodes[i].inputs)
      last_read[name] = i;
    for (const std::string& name : graph.nodes[i].captured)
      last_read[name] = i;
  }
  for (const ValueInfo& output : graph.outputs)
    last_read[output.name] = graph.nodes.size();
  const auto find = [&](const std::string& name) -> const Tensor* {
    if (const auto found = live.find(name); found != live.end()) return found->second;
    const auto outer = captured.find(name);
    return outer == captured.end() ? nullptr : outer->second;
  };
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i] == nullptr) {
      return Error{Errc::invalid_argument,
                   "the graph's input \"" + graph.inputs[i].name + "\" is not given"};
    }
    if (auto checked = check_graph_input(graph.inputs[i], *inputs[i]); !checked) {
      return checked.error();
    }
    live[graph.inputs[i].name] = inputs[i];
  }
  for (const auto& [name, tensor] : graph.initializers) {
    if (auto fits = check_initializer(name, tensor); !fits) return fits.error();
    live[name] = &tensor;
  }
  for (std::size_t index = 0; index < graph.nodes.size(); ++index) {
    const Node& node = graph.nodes[index];
    if (budget != nullptr && !budget->spend_run()) return SubgraphBudget::exceeded(node);
    std::vector<const Tensor*> arguments;
    const auto argument = [&](const std::string& name) -> Result<void> {
      const Tensor* value = name.empty() ? nullptr : find(name);
      // The checker guarantees every input is produced before use.
      if (!name.empty() && value == nullptr) {
        return Error{Errc::malformed_input,
                     "node \"" + node.name + "\": no value \"" + name + "\""};
      }
      arguments.push_back(value);
      return {};
    };
    for (const std::string& name : node.inputs) {
      if (auto found = argument(name); !found) return found.error();
    }
    for (const std::string& name : node.captured) {
      if (auto found = argument(name); !found) return found.error();
    }
    auto outputs = run_node(node, arguments, opset, budget);
    if (!outputs) return outputs.error();
    for (const Tensor& output : *outputs) {
      if (budget != nullptr && !budget->spend_bytes(output.data.size())) {
        return SubgraphBudget::exceeded(node);
      }
    }
    for (std::size_t i = 0; i < node.outputs.size() && i < outputs->size(); ++i) {
      if (node.outputs[i].empty()) continue;
      const std::string& name = node.outputs[i];
      const auto read = last_read.find(name);
      if (read == last_read.end() || read->second <= index) continue;  // nothing reads it
      Tensor& stored = computed[name];
      stored = std::move((*outputs)[i]);
      live[name] = &stored;
    }
    for (const std::vector<std::string>* names : {&node.inputs, &node.captured}) {
      for (const std::string& name : *names) {
        const auto read = last_read.find(name);
        if (read == last_read.end() || read->second != index) continue;
        live.erase(name);
        computed.erase(name);
      }
    }
  }
  std::vector<Tensor> out;
  for (const ValueInfo& output : graph.outputs) {
    const Tensor* value = find(output.name);
    if (value == nullptr) {
      return Error{Errc::malformed_input,
                   "the graph's output \"" + output.name + "\" is never computed"};
    }
    out.push_back(*value);
  }
  return out;
}

}  // namespace detail

Result<std::map<std::string, Tensor>> run(const Model& model,
                                          const std::map<std::string, Tensor>& inputs) {
  const Graph& graph = model.graph();
  std::vector<const Tensor*> given;
  for (const ValueInfo& input : graph.inputs) {
    const auto found = inputs.find(input.name);
    if (found == inputs.end()) {
      return Error{Errc::invalid_argument, "the model's input \"" + input.name + "\" is not given"};
    }
    given.push_back(&found->second);
  }
  if (auto names = detail::check_input_names(graph, inputs); !names) return names.error();
  if (auto known = detail::check_operators(graph, model.opset()); !known) return known.error();
  Result<std::vector<Tensor>> outputs = Error{Errc::io_error, ""};
  try {
    outputs = detail::run_graph(graph, given, {}, model.opset(), nullptr);
  } catch (const std::bad_alloc&) {
    return Error{Errc::out_of_range, "the host has no memory for a node's outputs"};
  }
  if (!outputs) return outputs.error();
  std::map<std::string, Tensor> out;
  for (std::size_t i = 0; i < graph.outputs.size(); ++i)
    out.emplace(graph.outputs[i].name, std::move((*outputs)[i]));
  return out;
}

}  // namespace faultline::onnx
