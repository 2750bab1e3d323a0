// A model's inference as a trace of operators (docs/backends/onnx.md, "The trace"): the
// program, machine and step verifier of the "onnx" backend.
//
// The trace runs a sequence of operations: operation 0 loads the graph's inputs (from the
// program input, local preimage slot 1, like a VM guest's), operation j > 0 runs node j - 1.
// A step runs `operators_per_step` operations (1 by default). Every value of the graph (input,
// initializer, node output) has a fixed slot; the state commits to the live values as a Merkle
// tree over the slots (a leaf is the value's TensorCommitment::hash(), or zero), and to the
// program as a Merkle tree over the operations' encodings, so one operation and the tensors it
// reads are proven alone against a state.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "faultline/backend.hpp"
#include "faultline/onnx/model.hpp"
#include "faultline/state_layout.hpp"

namespace faultline::onnx {

/// A tensor as a preimage: element type (1 byte), rank (8 bytes, big-endian), each dimension
/// (8), then its bytes.
[[nodiscard]] Bytes encode_tensor(const Tensor& tensor);
/// Its inverse: malformed_input for bytes that are not one tensor's encoding, out_of_range for
/// a tensor over kMaxTensorBytes.
[[nodiscard]] Result<Tensor> decode_tensor(ByteView bytes);

/// A model's program input: the number of graph inputs (8 bytes), then, in the graph's input
/// order, each one's tensor encoding as its length (8) then its bytes. invalid_argument for a
/// missing or unknown input name (the types and shapes are checked by the trace's first step).
[[nodiscard]] Result<Bytes> encode_inputs(const Model& model,
                                          const std::map<std::string, Tensor>& inputs);

struct TraceOptions {
  /// Operations per step: 1 bisects to one operator; more give shorter traces whose steps
  /// cost more to verify (the (ZK+OP)ML trade-off). At least 1.
  std::uint64_t operators_per_step = 1;
};

/// The encoded state, every integer big-endian (state_layout() names the fields).
inline constexpr std::size_t kStateSize = 97;
[[nodiscard]] const StateLayout& state_layout() noexcept;

/// A loaded model as a trace program.
class TraceProgram : public Program {
 public:
  [[nodiscard]] virtual const Model& model() const noexcept = 0;
  [[nodiscard]] virtual const TraceOptions& options() const noexcept = 0;
  /// Operations (1 + the number of nodes) and steps to run them all.
  [[nodiscard]] virtual std::uint64_t operation_count() const noexcept = 0;
  [[nodiscard]] std::uint64_t step_total() const noexcept {
    return (operation_count() + options().operators_per_step - 1) / options().operators_per_step;
  }
};

/// unsupported for an operator the registry lacks or runs only from a later opset (in the
/// graph or any subgraph); invalid_argument for operators_per_step 0; out_of_range for
/// an initializer over kMaxTensorBytes. `artifact_hash` is the keccak256 of the model's file.
[[nodiscard]] Result<std::unique_ptr<TraceProgram>> make_program(Model model,
                                                                 const Hash& artifact_hash,
                                                                 TraceOptions options = {});

/// A running trace. A step whose operator fails on its inputs (a kernel's error, inputs that
/// do not fit the graph) faults: the status is faulted and fault_description() says why.
class TraceMachine : public Machine {
 public:
  /// The live value called `name` (a graph input, initializer or node output); nullptr before
  /// it is computed or once no later operator reads it (graph outputs stay).
  [[nodiscard]] virtual const Tensor* value(std::string_view name) const = 0;
  /// The graph's outputs; invalid_argument unless the trace has run to its end.
  [[nodiscard]] virtual Result<std::map<std::string, Tensor>> outputs() const = 0;
};

/// The "onnx" backend. load() reads a model without external data; load_file() reads external
/// data from the model's folder.
[[nodiscard]] std::unique_ptr<Backend> make_backend(TraceOptions options = {});

}  // namespace faultline::onnx
