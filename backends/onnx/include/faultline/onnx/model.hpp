// An ONNX model as faultline runs it: parsed with the official schema (libonnx's protobuf
// types), checked by ONNX's checker and strict shape inference, default-domain opsets 1 to 17,
// initializers (inline, or in external data files inside the model's folder) decoded to
// little-endian bytes, nodes in the model's order (the checker requires it topological: the
// step order), and a canonical commitment to the graph that does not depend on how protobuf
// happened to encode it (docs/backends/onnx.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/tensor.hpp"

namespace faultline::onnx {

/// The opsets of the default domain ("" or "ai.onnx") a model may import. The interpreter runs
/// an operator only at an opset where its kernel's semantics hold (OperatorInfo::since).
inline constexpr std::int64_t kMinOpset = 1;
inline constexpr std::int64_t kMaxOpset = 17;
/// How deep subgraphs (If's branches, Loop's and Scan's bodies) may nest: far past real models,
/// and a bound on the recursion of every reader and runner of a graph.
inline constexpr std::size_t kMaxGraphDepth = 16;

/// A constant tensor: its elements in row-major order, each little-endian.
struct Tensor {
  ElementType type = ElementType::float32;
  std::vector<std::uint64_t> shape;
  Bytes data;

  /// commit_tensor(type, shape, data), which the loader has checked.
  [[nodiscard]] TensorCommitment commitment() const;
  friend bool operator==(const Tensor&, const Tensor&) = default;
};

/// A tensor from a serialized TensorProto (a .pb file, as the ONNX node tests keep theirs),
/// with its name: malformed_input if it does not parse, the loader's errors otherwise.
[[nodiscard]] Result<std::pair<std::string, Tensor>> parse_tensor(ByteView bytes);

struct Graph;

/// An attribute's value, as ONNX types it (sparse tensors and type protos are refused).
using AttributeValue =
    std::variant<float, std::int64_t, std::string, Tensor, std::shared_ptr<const Graph>,
                 std::vector<float>, std::vector<std::int64_t>, std::vector<std::string>,
                 std::vector<Tensor>, std::vector<std::shared_ptr<const Graph>>>;

struct Node {
  std::string name;  ///< for messages only: not committed
  std::string domain;
  std::string op_type;
  std::vector<std::string> inputs;   ///< "" for an optional input left out
  std::vector<std::string> outputs;  ///< "" for an optional output left out
  std::map<std::string, AttributeValue> attributes;
  /// The values its subgraphs read from the graphs around it, sorted (captured_names): what
  /// a step running the node is given beside its inputs. Derived, not committed; the loader
  /// fills it.
  std::vector<std::string> captured;
};

/// A graph input or output: its element type and shape where the model gives them.
struct ValueInfo {
  std::string name;
  std::optional<ElementType> type;
  std::vector<std::optional<std::uint64_t>> shape;  ///< nullopt: a symbolic or unknown dimension
  bool has_shape = false;
};

struct Graph {
  std::vector<Node> nodes;  ///< topological: the order of the steps
  /// The inputs a caller supplies (an input that is also an initializer is an initializer).
  std::vector<ValueInfo> inputs;
  std::vector<ValueInfo> outputs;
  std::map<std::string, Tensor> initializers;
};

/// The node's subgraph attributes (If's branches, Loop's and Scan's bodies, lists of graphs),
/// in attribute order: the one walk every reader of nested graphs shares.
[[nodiscard]] std::vector<const Graph*> subgraphs(const Node& node);

/// The names `node`'s subgraphs read but do not define (ONNX lets a branch or a body use any
/// value in scope), sorted; the nodes inside the subgraphs count by their own `captured`, so
/// this costs one pass over the subgraphs' nodes. Empty for a node without subgraphs.
[[nodiscard]] std::vector<std::string> captured_names(const Node& node);

class Model {
 public:
  /// Parses and checks a model. External data files are read from `directory` and must lie
  /// inside it; a model with external data and no directory is refused. malformed_input for
  /// what does not parse or fails the checker or shape inference (the message names the node,
  /// tensor or input), unsupported for an opset outside [1, 17] or a value type faultline does
  /// not handle, out_of_range for shapes over 2^62 elements, not_found for a missing file.
  static Result<Model> load(ByteView bytes, const std::filesystem::path& directory = {});
  /// load() of a file, its external data beside it.
  static Result<Model> load_file(const std::filesystem::path& path);

  /// The default domain's opset version.
  [[nodiscard]] std::int64_t opset() const noexcept { return opset_; }
  /// Every imported opset, by domain ("" for the default one).
  [[nodiscard]] const std::map<std::string, std::int64_t>& opsets() const noexcept {
    return opsets_;
  }
  [[nodiscard]] const Graph& graph() const noexcept { return *graph_; }
  /// keccak256 of the graph's canonical encoding (docs/backends/onnx.md): opsets, inputs,
  /// outputs, initializer commitments, and each node's domain, op, wiring and attributes. Node
  /// names, doc strings and protobuf's field order do not enter it.
  [[nodiscard]] const Hash& commitment() const noexcept { return commitment_; }

 private:
  Model() = default;
  std::int64_t opset_ = 0;
  std::map<std::string, std::int64_t> opsets_;
  std::shared_ptr<const Graph> graph_;
  Hash commitment_{};
};

}  // namespace faultline::onnx
