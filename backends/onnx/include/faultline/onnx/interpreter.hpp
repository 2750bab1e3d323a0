// Runs a model's operators in order over concrete input tensors: fast inference, the reference
// the trace's steps will be checked against.
#pragma once

#include <map>
#include <string>

#include "faultline/error.hpp"
#include "faultline/onnx/model.hpp"

namespace faultline::onnx {

/// The graph's outputs, by name, from its inputs by name. invalid_argument for a missing or
/// extra input or one of the wrong element type or shape; unsupported for an operator not in
/// the registry; a kernel's error names its node.
[[nodiscard]] Result<std::map<std::string, Tensor>> run(
    const Model& model, const std::map<std::string, Tensor>& inputs);

}  // namespace faultline::onnx
