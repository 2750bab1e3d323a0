// What the interpreter and the trace share: checking a graph input and running one node.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "faultline/onnx/model.hpp"

namespace faultline::onnx::detail {

/// invalid_argument if `tensor` is not of the input's declared element type or shape,
/// out_of_range if it exceeds kMaxTensorBytes, malformed_input if its bytes are not its
/// shape's; each message names the input.
[[nodiscard]] Result<void> check_graph_input(const ValueInfo& input, const Tensor& tensor);

/// out_of_range, naming the initializer, if it exceeds kMaxTensorBytes.
[[nodiscard]] Result<void> check_initializer(const std::string& name, const Tensor& tensor);

/// invalid_argument, naming it, for an input name the graph does not have.
[[nodiscard]] Result<void> check_input_names(const Graph& graph,
                                             const std::map<std::string, Tensor>& inputs);

/// What one operator may spend running subgraphs: at most kMaxRuns nodes run and Loop or Scan
/// iterations, and kMaxBytes of tensors made by those nodes. A Loop whose trip count and
/// condition never stop it (or a vast one, or one over vast tensors) ends in an error both
/// sides of a dispute reach, not a host that spins.
class SubgraphBudget {
 public:
  static constexpr std::uint64_t kMaxRuns = std::uint64_t{1} << 20;
  static constexpr std::uint64_t kMaxBytes = std::uint64_t{16} << 30;
  /// False once more than kMaxRuns runs have been spent.
  [[nodiscard]] bool spend_run() noexcept { return ++runs_ <= kMaxRuns; }
  /// False once more than kMaxBytes have been spent.
  [[nodiscard]] bool spend_bytes(std::uint64_t bytes) noexcept {
    bytes_ += std::min(bytes, kMaxBytes + 1);
    return bytes_ <= kMaxBytes;
  }
  /// The error of a node whose subgraphs spent more.
  [[nodiscard]] static Error exceeded(const Node& node);

 private:
  std::uint64_t runs_ = 0;
  std::uint64_t bytes_ = 0;
};

/// The node's outputs from its kernel, each checked whole and within the size cap. `inputs`
/// are the node's (nullptr for one left out), then the values of its `captured` names. A node
/// with subgraphs (If, Loop, Scan) spends `budget`, or a budget of its own if none is given (a
/// node of the main graph). unsupported for an operator the registry lacks or runs only from a
/// later opset; a kernel's error names the node. std::bad_alloc propagates: running out of
/// memory is the host's failure, not the model's.
[[nodiscard]] Result<std::vector<Tensor>> run_node(const Node& node,
                                                   std::span<const Tensor* const> inputs,
                                                   std::int64_t opset,
                                                   SubgraphBudget* budget = nullptr);

/// unsupported unless the registry runs `node` at `opset` (its subgraphs not looked into).
[[nodiscard]] Result<void> check_operator(const Node& node, std::int64_t opset);
/// check_operator of every node of `graph` and of its subgraphs, however deep: once, before a
/// run, so that a Loop does not look through its body on every iteration.
[[nodiscard]] Result<void> check_operators(const Graph& graph, std::int64_t opset);

/// Runs `graph` with its inputs bound to `inputs` (in graph.inputs' order, each checked
/// against its declaration) and the values it captures to `captured`: its outputs in
/// graph.outputs' order. Each node spends `budget` (an error past its limit); with no budget,
/// each node of `graph` is a step of its own (the main graph).
[[nodiscard]] Result<std::vector<Tensor>> run_graph(
    const Graph& graph, std::span<const Tensor* const> inputs,
    const std::map<std::string, const Tensor*>& captured, std::int64_t opset,
    SubgraphBudget* budget);

}  // namespace faultline::onnx::detail
