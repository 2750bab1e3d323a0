// What the ONNX tests and the ONNX fuzzer share: zero inputs of a model's declared shapes, and
// the check that a trace's every witness verifies to the machine's next state.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "faultline/file.hpp"
#include "faultline/onnx/trace.hpp"
#include "faultline/step_verifier.hpp"

namespace faultline::onnx::test {

/// A tensor file (a serialized TensorProto) that make_models.py wrote into `folder`; an empty
/// float tensor named after the error if it cannot be read (the caller's checks then fail).
inline Tensor tensor_file(const std::string& folder, const std::string& name) {
  auto bytes = read_file(folder + "/" + name);
  if (!bytes) return {};
  auto tensor = parse_tensor(*bytes);
  return tensor ? tensor->second : Tensor{};
}

/// Zeros of each graph input's declared type and shape (unknown dimensions as 1); nullopt if an
/// input declares no type or holds more than `max_elements`.
inline std::optional<std::map<std::string, Tensor>> zero_inputs(const Model& model,
                                                                std::uint64_t max_elements) {
  std::map<std::string, Tensor> inputs;
  for (const ValueInfo& input : model.graph().inputs) {
    if (!input.type || !element_size(*input.type)) return std::nullopt;
    Tensor tensor{*input.type, {}, {}};
    std::uint64_t count = 1;
    for (const auto& dimension : input.shape) {
      tensor.shape.push_back(dimension.value_or(1));
      count *= tensor.shape.back();
      if (count > max_elements) return std::nullopt;
    }
    tensor.data.assign(count * *element_size(*input.type), 0);
    inputs.emplace(input.name, std::move(tensor));
  }
  return inputs;
}

/// Runs up to `max_steps` steps of `program` with witnesses, each verified by `backend`'s step
/// verifier from the machine's commitment before it. The first disagreement in words, or
/// nullopt (also when a step fails on the host, which leaves the machine as it was).
inline std::optional<std::string> trace_disagreement(const Backend& backend, const Program& program,
                                                     std::shared_ptr<const PreimageOracle> oracle,
                                                     int max_steps) {
  auto machine = program.start(oracle);
  for (int step = 0; step < max_steps && machine->status() == VmStatus::running; ++step) {
    const Hash pre = machine->commitment();
    auto witness = machine->step_with_witness();
    if (!witness) return std::nullopt;
    const auto post = verify_step(backend.step_verifier(), pre, *witness, *oracle);
    if (!post) return "step " + std::to_string(step) + ": " + post.error().message;
    if (*post != machine->commitment()) {
      return "step " + std::to_string(step) + ": the verifier and the machine disagree";
    }
  }
  return std::nullopt;
}

}  // namespace faultline::onnx::test
