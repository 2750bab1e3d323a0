// What the interpreter and the trace share: checking a graph input and running one node.
#pragma once

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

/// The node's outputs from its kernel (`inputs` as the node lists them, nullptr for one left
/// out), each checked whole and within the size cap. unsupported for an operator the registry
/// lacks or runs only from a later opset; a kernel's error names the node. std::bad_alloc
/// propagates: running out of memory is the host's failure, not the model's.
[[nodiscard]] Result<std::vector<Tensor>> run_node(const Node& node,
                                                   std::span<const Tensor* const> inputs,
                                                   std::int64_t opset);

/// unsupported unless the registry runs `node` at `opset`.
[[nodiscard]] Result<void> check_operator(const Node& node, std::int64_t opset);

}  // namespace faultline::onnx::detail
