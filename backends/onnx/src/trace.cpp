// A model's inference as a trace of operators (trace.hpp): the program, the machine, the
// witness and the step verifier. The machine and the verifier run one operation through the
// same code (Operation, load_inputs, run_operation); they differ only in where values come
// from (the machine's slots, or the witness's preimages checked against the state).
#include "faultline/onnx/trace.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <filesystem>
#include <mutex>
#include <new>
#include <optional>
#include <span>

#include "encoding.hpp"
#include "faultline/file.hpp"
#include "faultline/keccak.hpp"
#include "faultline/merkle_tree.hpp"
#include "faultline/onnx/operators.hpp"
#include "kernel_support.hpp"
#include "node_execution.hpp"
#include "tensor_access.hpp"

namespace faultline::onnx {
namespace {

using detail::Reader;
using detail::Writer;

// ---- The state ---------------------------------------------------------------------------

constexpr std::array<StateField, 7> kStateFields{{
    {"graph_root", 0, 32, "Merkle root of the operations' encodings (the program)"},
    {"values_root", 32, 32, "Merkle root of the slots: each live value's tensor commitment"},
    {"operation_count", 64, 8, "operations: 1 (loading the inputs) + the graph's nodes"},
    {"slot_count", 72, 8, "slots: graph inputs, initializers, node outputs"},
    {"operators_per_step", 80, 8, "operations one step runs"},
    {"step", 88, 8, "steps run so far"},
    {"status", 96, 1, "VmStatus: running until the last operation, faulted if one failed"},
}};
constexpr StateLayout kStateLayout{kStateFields, "status", {}};
static_assert(kStateLayout.size() == kStateSize);

/// Sizes a state may declare: far past any real graph, small enough that no product of two
/// overflows and no tree is taller than 40.
constexpr std::uint64_t kMaxCount = std::uint64_t{1} << 40;

struct State {
  Hash graph_root{};
  Hash values_root{};
  std::uint64_t operation_count = 0;
  std::uint64_t slot_count = 0;
  std::uint64_t operators_per_step = 1;
  std::uint64_t step = 0;
  VmStatus status = VmStatus::running;

  [[nodiscard]] Bytes encode() const {
    Writer out;
    out.raw(graph_root);
    out.raw(values_root);
    out.u64(operation_count);
    out.u64(slot_count);
    out.u64(operators_per_step);
    out.u64(step);
    out.u8(static_cast<std::uint8_t>(status));
    return out.take();
  }

  /// The operations step `step` runs: [first, end).
  [[nodiscard]] std::uint64_t first() const noexcept { return step * operators_per_step; }
  [[nodiscard]] std::uint64_t end() const noexcept {
    return std::min(first() + operators_per_step, operation_count);
  }
};

Result<State> decode_state(ByteView bytes) {
  if (bytes.size() != kStateSize) {
    return Error{Errc::malformed_input, "an ONNX trace state has " + std::to_string(kStateSize) +
                                            " bytes, not " + std::to_string(bytes.size())};
  }
  Reader in(bytes, "the state");
  State state;
  state.graph_root = in.hash();
  state.values_root = in.hash();
  state.operation_count = in.u64();
  state.slot_count = in.u64();
  state.operators_per_step = in.u64();
  state.step = in.u64();
  const std::uint8_t status = in.u8();
  if (status > static_cast<std::uint8_t>(VmStatus::running)) {
    return Error{Errc::malformed_input, "state status byte " + std::to_string(status)};
  }
  state.status = static_cast<VmStatus>(status);
  if (state.operation_count == 0 || state.operation_count > kMaxCount ||
      state.slot_count > kMaxCount || state.operators_per_step == 0 ||
      state.operators_per_step > kMaxCount) {
    return Error{Errc::malformed_input, "state counts out of range"};
  }
  const std::uint64_t steps =
      (state.operation_count + state.operators_per_step - 1) / state.operators_per_step;
  if (state.status == VmStatus::running && state.step >= steps) {
    return Error{Errc::malformed_input, "a running state past its last operation"};
  }
  return state;
}

/// Height of the smallest tree holding `leaves` leaves (MerkleTree's rule).
unsigned tree_height(std::uint64_t leaves) {
  unsigned height = 0;
  while ((std::uint64_t{1} << height) < leaves)
    ++height;
  return height;
}

// ---- Operations --------------------------------------------------------------------------

constexpr std::uint8_t kLoadInputs = 0;
constexpr std::uint8_t kRunNode = 1;

/// One position of the trace, as its encoding (a leaf of the graph tree) gives it.
struct Operation {
  bool loads_inputs = false;
  /// Loading: the graph's inputs, and the slot each goes to.
  std::vector<ValueInfo> inputs;
  std::vector<std::uint64_t> input_slots;
  /// A node: its inputs, outputs and attributes; value names are the slots' ("s3"), "" for
  /// an input or output left out.
  Node node;
  std::int64_t opset = 0;
  std::vector<std::optional<std::uint64_t>> reads;
  std::vector<std::optional<std::uint64_t>> writes;
  /// Slots no later operation reads, cleared once the node has run (graph outputs stay).
  std::vector<std::uint64_t> frees;
};

void put_slot(Writer& out, const std::optional<std::uint64_t>& slot) {
  out.u8(slot ? 1 : 0);
  out.u64(slot.value_or(0));
}

void put_value_info(Writer& out, const ValueInfo& info) {
  out.text(info.name);
  out.u8(info.type ? static_cast<std::uint8_t>(*info.type) : 0);
  out.u8(info.has_shape ? 1 : 0);
  out.u64(info.shape.size());
  for (const auto& dimension : info.shape)
    put_slot(out, dimension);
}

void put_attributes(Writer& out, const std::map<std::string, AttributeValue>& attributes);

// Attributes in a self-contained form: tensors by their bytes, subgraphs whole (a step has
// nothing else).
void put_attribute(Writer& out, float value) {
  out.u64(std::bit_cast<std::uint32_t>(value));
}
void put_attribute(Writer& out, std::int64_t value) {
  out.u64(static_cast<std::uint64_t>(value));
}
void put_attribute(Writer& out, const std::string& value) {
  out.text(value);
}
void put_attribute(Writer& out, const Tensor& value) {
  out.blob(encode_tensor(value));
}
void put_attribute(Writer& out, const std::shared_ptr<const Graph>& graph) {
  out.u64(graph->inputs.size());
  for (const ValueInfo& input : graph->inputs)
    put_value_info(out, input);
  out.u64(graph->outputs.size());
  for (const ValueInfo& output : graph->outputs)
    put_value_info(out, output);
  out.u64(graph->initializers.size());
  for (const auto& [name, tensor] : graph->initializers) {
    out.text(name);
    out.blob(encode_tensor(tensor));
  }
  out.u64(graph->nodes.size());
  for (const Node& node : graph->nodes) {
    out.text(node.op_type);
    for (const std::vector<std::string>* names : {&node.inputs, &node.outputs}) {
      out.u64(names->size());
      for (const std::string& name : *names)
        out.text(name);
    }
    put_attributes(out, node.attributes);
  }
}
template <class T>
void put_attribute(Writer& out, const std::vector<T>& values) {
  out.u64(values.size());
  for (const T& value : values)
    put_attribute(out, value);
}

void put_attributes(Writer& out, const std::map<std::string, AttributeValue>& attributes) {
  out.u64(attributes.size());
  for (const auto& [name, value] : attributes) {
    out.text(name);
    out.u8(static_cast<std::uint8_t>(value.index()));
    std::visit([&out](const auto& held) { put_attribute(out, held); }, value);
  }
}

Bytes encode_operation(const Operation& operation) {
  Writer out;
  if (operation.loads_inputs) {
    out.u8(kLoadInputs);
    out.u64(operation.inputs.size());
    for (std::size_t i = 0; i < operation.inputs.size(); ++i) {
      out.u64(operation.input_slots[i]);
      put_value_info(out, operation.inputs[i]);
    }
    return out.take();
  }
  out.u8(kRunNode);
  out.u64(static_cast<std::uint64_t>(operation.opset));
  out.text(operation.node.op_type);
  out.u64(operation.reads.size());
  for (const auto& slot : operation.reads)
    put_slot(out, slot);
  out.u64(operation.writes.size());
  for (const auto& slot : operation.writes)
    put_slot(out, slot);
  out.u64(operation.frees.size());
  for (const std::uint64_t slot : operation.frees)
    out.u64(slot);
  put_attributes(out, operation.node.attributes);
  return out.take();
}

std::string slot_name(std::uint64_t slot) {
  return "s" + std::to_string(slot);
}

/// A count read from an encoding, bounded by the bytes left (each item takes at least one).
bool plausible(const Reader& in, std::uint64_t count) {
  return in.ok() && count <= in.remaining();
}

Result<std::optional<std::uint64_t>> get_slot(Reader& in, std::uint64_t slot_count) {
  const std::uint8_t present = in.u8();
  const std::uint64_t slot = in.u64();
  if (present > 1 || (present == 1 && slot >= slot_count)) {
    return Error{Errc::malformed_input, "an operation names slot " + std::to_string(slot) + " of " +
                                            std::to_string(slot_count)};
  }
  return present == 1 ? std::optional<std::uint64_t>(slot) : std::nullopt;
}

Result<ValueInfo> get_value_info(Reader& in) {
  ValueInfo info;
  info.name = in.text();
  const std::uint8_t type = in.u8();
  if (type != 0) {
    if (!element_size(static_cast<ElementType>(type))) {
      return Error{Errc::malformed_input, "element type " + std::to_string(type)};
    }
    info.type = static_cast<ElementType>(type);
  }
  info.has_shape = in.u8() != 0;
  const std::uint64_t rank = in.u64();
  if (!plausible(in, rank)) return in.cut();
  for (std::uint64_t d = 0; d < rank; ++d) {
    auto dimension = get_slot(in, ~std::uint64_t{0});
    if (!dimension) return dimension.error();
    info.shape.push_back(*dimension);
  }
  return info;
}

/// `depth`: how deep the node holding the attributes lies (0 for an operation's own node).
Result<std::map<std::string, AttributeValue>> get_attributes(Reader& in, std::size_t depth);
Result<AttributeValue> get_attribute(Reader& in, std::uint8_t kind, std::size_t depth);

Result<std::shared_ptr<const Graph>> get_graph(Reader& in, std::size_t depth) {
  if (depth > kMaxGraphDepth) {
    return Error{Errc::malformed_input,
                 "subgraphs nest more than " + std::to_string(kMaxGraphDepth) + " deep"};
  }
  auto graph = std::make_shared<Graph>();
  for (std::vector<ValueInfo>* infos : {&graph->inputs, &graph->outputs}) {
    const std::uint64_t count = in.u64();
    if (!plausible(in, count)) return in.cut();
    for (std::uint64_t i = 0; i < count; ++i) {
      auto info = get_value_info(in);
      if (!info) return info.error();
      infos->push_back(std::move(*info));
    }
  }
  const std::uint64_t initializers = in.u64();
  if (!plausible(in, initializers)) return in.cut();
  for (std::uint64_t i = 0; i < initializers; ++i) {
    std::string name = in.text();
    auto tensor = decode_tensor(in.blob());
    if (!tensor) return tensor.error();
    if (!graph->initializers.emplace(std::move(name), std::move(*tensor)).second) {
      return Error{Errc::malformed_input, "a subgraph names an initializer twice"};
    }
  }
  const std::uint64_t nodes = in.u64();
  if (!plausible(in, nodes)) return in.cut();
  for (std::uint64_t i = 0; i < nodes; ++i) {
    Node node;
    node.op_type = in.text();
    for (std::vector<std::string>* names : {&node.inputs, &node.outputs}) {
      const std::uint64_t count = in.u64();
      if (!plausible(in, count)) return in.cut();
      for (std::uint64_t n = 0; n < count; ++n)
        names->push_back(in.text());
    }
    auto attributes = get_attributes(in, depth);
    if (!attributes) return attributes.error();
    node.attributes = std::move(*attributes);
    node.captured = captured_names(node);
    graph->nodes.push_back(std::move(node));
  }
  if (!in.ok()) return in.cut();
  return std::shared_ptr<const Graph>(std::move(graph));
}

template <class T>
Result<AttributeValue> get_list(Reader& in, std::uint8_t element_kind, std::size_t depth) {
  const std::uint64_t count = in.u64();
  if (!plausible(in, count)) return Error{Errc::malformed_input, "an attribute list is cut"};
  std::vector<T> values;
  for (std::uint64_t i = 0; i < count; ++i) {
    auto value = get_attribute(in, element_kind, depth);
    if (!value) return value.error();
    values.push_back(std::get<T>(std::move(*value)));
  }
  return AttributeValue(std::move(values));
}

// Kinds are AttributeValue's variant indices: float, int, string, tensor, graph, then the
// lists of each in the same order.
Result<AttributeValue> get_attribute(Reader& in, std::uint8_t kind, std::size_t depth) {
  switch (kind) {
    case 0:
      return AttributeValue(std::bit_cast<float>(static_cast<std::uint32_t>(in.u64())));
    case 1:
      return AttributeValue(static_cast<std::int64_t>(in.u64()));
    case 2:
      return AttributeValue(in.text());
    case 3: {
      auto tensor = decode_tensor(in.blob());
      if (!tensor) return tensor.error();
      return AttributeValue(std::move(*tensor));
    }
    case 4: {
      auto graph = get_graph(in, depth + 1);
      if (!graph) return graph.error();
      return AttributeValue(std::move(*graph));
    }
    case 5:
      return get_list<float>(in, 0, depth);
    case 6:
      return get_list<std::int64_t>(in, 1, depth);
    case 7:
      return get_list<std::string>(in, 2, depth);
    case 8:
      return get_list<Tensor>(in, 3, depth);
    case 9:
      return get_list<std::shared_ptr<const Graph>>(in, 4, depth);
    default:
      return Error{Errc::malformed_input, "attribute kind " + std::to_string(kind)};
  }
}

Result<std::map<std::string, AttributeValue>> get_attributes(Reader& in, std::size_t depth) {
  std::map<std::string, AttributeValue> attributes;
  const std::uint64_t count = in.u64();
  if (!plausible(in, count)) return in.cut();
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string name = in.text();
    auto value = get_attribute(in, in.u8(), depth);
    if (!value) return value.error();
    if (!attributes.emplace(std::move(name), std::move(*value)).second) {
      return Error{Errc::malformed_input, "a node names an attribute twice"};
    }
  }
  return attributes;
}

Result<Operation> decode_operation(ByteView bytes, std::uint64_t slot_count) {
  Reader in(bytes, "an operation's encoding");
  Operation operation;
  const std::uint8_t kind = in.u8();
  if (kind == kLoadInputs) {
    operation.loads_inputs = true;
    const std::uint64_t count = in.u64();
    if (!plausible(in, count)) return in.cut();
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint64_t slot = in.u64();
      if (slot >= slot_count) return Error{Errc::malformed_input, "an input slot out of range"};
      auto info = get_value_info(in);
      if (!info) return info.error();
      operation.inputs.push_back(std::move(*info));
      operation.input_slots.push_back(slot);
    }
  } else if (kind == kRunNode) {
    operation.opset = static_cast<std::int64_t>(in.u64());
    operation.node.op_type = in.text();
    const auto slots = [&](std::vector<std::optional<std::uint64_t>>& into,
                           std::vector<std::string>& names) -> Result<void> {
      const std::uint64_t count = in.u64();
      if (!plausible(in, count)) return in.cut();
      for (std::uint64_t i = 0; i < count; ++i) {
        auto slot = get_slot(in, slot_count);
        if (!slot) return slot.error();
        into.push_back(*slot);
        names.push_back(*slot ? slot_name(**slot) : std::string());
      }
      return {};
    };
    if (auto read = slots(operation.reads, operation.node.inputs); !read) return read.error();
    if (auto written = slots(operation.writes, operation.node.outputs); !written) {
      return written.error();
    }
    const std::uint64_t frees = in.u64();
    if (!plausible(in, frees)) return in.cut();
    for (std::uint64_t i = 0; i < frees; ++i) {
      const std::uint64_t slot = in.u64();
      if (slot >= slot_count) return Error{Errc::malformed_input, "a freed slot out of range"};
      operation.frees.push_back(slot);
    }
    auto attributes = get_attributes(in, 0);
    if (!attributes) return attributes.error();
    operation.node.attributes = std::move(*attributes);
    // The reads past the node's own inputs are the values its subgraphs capture.
    operation.node.captured = captured_names(operation.node);
    const std::size_t captured = operation.node.captured.size();
    if (captured > operation.reads.size()) {
      return Error{Errc::malformed_input, "an operation reads fewer values than its node captures"};
    }
    operation.node.inputs.resize(operation.reads.size() - captured);
  } else {
    return Error{Errc::malformed_input, "operation kind " + std::to_string(kind)};
  }
  if (auto done = in.finish(); !done) return done.error();
  return operation;
}

// ---- Running one operation ----------------------------------------------------------------

/// A live value: a tensor and its commitment, computed once when first needed (a fast run
/// never hashes). Shared between a machine and its snapshots.
class Value {
 public:
  explicit Value(Tensor held) : tensor(std::move(held)) {}
  const Tensor tensor;

  [[nodiscard]] const Hash& commitment() const {
    std::call_once(once_, [this] { hash_ = tensor.commitment().hash(); });
    return hash_;
  }

 private:
  mutable std::once_flag once_;
  mutable Hash hash_{};
};

using ValuePtr = std::shared_ptr<const Value>;

/// What one operation did: its outputs (by slot), or the fault that stopped the trace.
struct Effect {
  std::vector<std::pair<std::uint64_t, ValuePtr>> writes;
  std::optional<std::string> fault;
};

/// Operation 0: the graph's inputs from the program input. Errors are faults (the agreed input
/// does not fit the model), except a preimage the oracle lacks (not_found: the host's).
Result<Effect> load_inputs(const Operation& operation, const PreimageOracle& oracle) {
  auto key_bytes = oracle.get(local_preimage_key(kProgramInputSlot));
  if (!key_bytes) return key_bytes.error();
  Effect effect;
  if (key_bytes->size() != 32) {
    effect.fault = "the program input slot holds " + std::to_string(key_bytes->size()) +
                   " bytes, not a 32-byte preimage key";
    return effect;
  }
  PreimageKey key;
  std::copy(key_bytes->begin(), key_bytes->end(), key.begin());
  auto data = oracle.get(key);
  if (!data) return data.error();
  Reader in(*data, "the program input");
  const std::uint64_t count = in.u64();
  if (!in.ok() || count != operation.inputs.size()) {
    effect.fault = "the program input holds " + std::to_string(count) + " tensors; the model has " +
                   std::to_string(operation.inputs.size()) + " inputs";
    return effect;
  }
  for (std::size_t i = 0; i < operation.inputs.size(); ++i) {
    const ByteView encoded = in.blob();
    if (!in.ok()) break;
    auto tensor = decode_tensor(encoded);
    if (!tensor) {
      effect.fault = "input \"" + operation.inputs[i].name + "\": " + tensor.error().message;
      return effect;
    }
    if (auto fits = detail::check_graph_input(operation.inputs[i], *tensor); !fits) {
      effect.fault = fits.error().message;
      return effect;
    }
    effect.writes.emplace_back(operation.input_slots[i],
                               std::make_shared<Value>(std::move(*tensor)));
  }
  if (auto done = in.finish(); !done) {
    effect.writes.clear();
    effect.fault = done.error().message;
  }
  return effect;
}

/// A node: its kernel over `inputs` (as the node lists them). A kernel's error is a fault;
/// running out of memory is the host's error.
Result<Effect> run_operation(const Operation& operation, std::span<const Tensor* const> inputs) {
  Effect effect;
  Result<std::vector<Tensor>> outputs = Error{Errc::io_error, ""};
  try {
    outputs = detail::run_node(operation.node, inputs, operation.opset);
  } catch (const std::bad_alloc&) {
    return Error{Errc::out_of_range,
                 operation.node.op_type + ": the host has no memory for its outputs"};
  }
  if (!outputs) {
    effect.fault = outputs.error().message;
    return effect;
  }
  for (std::size_t i = 0; i < operation.writes.size(); ++i) {
    if (!operation.writes[i]) continue;
    if (i >= outputs->size()) {
      effect.writes.clear();
      effect.fault = operation.node.op_type + " made no output " + std::to_string(i);
      return effect;
    }
    effect.writes.emplace_back(*operation.writes[i],
                               std::make_shared<Value>(std::move((*outputs)[i])));
  }
  return effect;
}

// ---- The program -------------------------------------------------------------------------

/// A model compiled into its trace: the operations, their encodings and tree, the slots.
/// Shared by the program and every machine it starts.
struct Plan {
  TraceOptions options;
  std::vector<Operation> operations;
  std::vector<Bytes> encodings;
  MerkleTree graph_tree = MerkleTree::of_leaves({});
  std::map<std::string, std::uint64_t, std::less<>> slots;
  std::vector<std::pair<std::string, std::uint64_t>> outputs;  ///< the graph's, by name
  std::vector<ValuePtr> initial;  ///< by slot: the initializers, nullptr elsewhere

  [[nodiscard]] std::optional<std::uint64_t> slot_of(std::string_view name) const {
    const auto found = slots.find(name);
    return found == slots.end() ? std::nullopt : std::optional(found->second);
  }
};

Result<Plan> make_plan(const Model& model, TraceOptions options) {
  const Graph& graph = model.graph();
  Plan plan;
  plan.options = options;
  std::vector<Operation>& operations = plan.operations;
  std::map<std::string, std::uint64_t, std::less<>>& slots = plan.slots;
  const auto add_slot = [&](const std::string& name) {
    slots.emplace(name, slots.size());
    return slots.size() - 1;
  };
  Operation load;
  load.loads_inputs = true;
  for (const ValueInfo& input : graph.inputs) {
    if (slots.contains(input.name)) {
      return Error{Errc::malformed_input, "the graph has two inputs \"" + input.name + "\""};
    }
    load.inputs.push_back(input);
    load.input_slots.push_back(add_slot(input.name));
  }
  for (const auto& [name, tensor] : graph.initializers) {
    if (auto fits = detail::check_initializer(name, tensor); !fits) return fits.error();
    const std::uint64_t slot = add_slot(name);
    plan.initial.resize(slot + 1);
    plan.initial[slot] = std::make_shared<Value>(tensor);
  }
  operations.push_back(std::move(load));
  // The last operation that reads each slot; graph outputs are read "after the end".
  std::map<std::uint64_t, std::uint64_t> last_read;
  if (auto known = detail::check_operators(graph, model.opset()); !known) return known.error();
  for (const Node& node : graph.nodes) {
    Operation operation;  // its node's value names come from decoding it, below
    operation.node.op_type = node.op_type;
    operation.node.attributes = node.attributes;
    operation.opset = model.opset();
    // The node's inputs, then the values its subgraphs capture from the main graph.
    std::vector<std::string> reads = node.inputs;
    reads.insert(reads.end(), node.captured.begin(), node.captured.end());
    for (const std::string& name : reads) {
      if (name.empty()) {
        operation.reads.emplace_back();
        continue;
      }
      const auto found = slots.find(name);
      if (found == slots.end()) {
        return Error{Errc::malformed_input,
                     "node \"" + node.name + "\": no value \"" + name + "\""};
      }
      operation.reads.emplace_back(found->second);
      last_read[found->second] = operations.size();
    }
    for (const std::string& name : node.outputs) {
      if (name.empty()) {
        operation.writes.emplace_back();
        continue;
      }
      if (slots.contains(name)) {
        return Error{Errc::malformed_input,
                     "node \"" + node.name + "\": the value \"" + name + "\" is made twice"};
      }
      const std::uint64_t slot = add_slot(name);
      operation.writes.emplace_back(slot);
      last_read[slot] = operations.size();  // freed at once if nothing reads it
    }
    operations.push_back(std::move(operation));
  }
  for (const ValueInfo& output : graph.outputs) {
    const auto found = slots.find(output.name);
    if (found == slots.end()) {
      return Error{Errc::malformed_input,
                   "the graph's output \"" + output.name + "\" is never computed"};
    }
    last_read[found->second] = operations.size();
    plan.outputs.emplace_back(output.name, found->second);
  }
  // Graph inputs and initializers no node reads stay, as do graph outputs.
  for (const auto& [slot, operation] : last_read) {
    if (operation > 0 && operation < operations.size()) operations[operation].frees.push_back(slot);
  }
  plan.initial.resize(slots.size());
  // The machine runs each operation as the verifier will see it: decoded from its encoding.
  std::vector<Hash> leaves;
  for (Operation& operation : operations) {
    plan.encodings.push_back(encode_operation(operation));
    leaves.push_back(keccak256(plan.encodings.back()));
    auto decoded = decode_operation(plan.encodings.back(), slots.size());
    if (!decoded) return decoded.error();
    operation = std::move(*decoded);
  }
  plan.graph_tree = MerkleTree::of_leaves(std::move(leaves));
  return plan;
}

class Program final : public TraceProgram {
 public:
  Program(Model model, const Hash& artifact_hash, std::shared_ptr<const Plan> plan)
      : model_(std::move(model)), artifact_hash_(artifact_hash), plan_(std::move(plan)) {}

  std::string_view backend_name() const noexcept override { return "onnx"; }
  const Hash& artifact_hash() const noexcept override { return artifact_hash_; }
  std::unique_ptr<faultline::Machine> start(
      std::shared_ptr<const PreimageOracle> oracle) const override;

  const Model& model() const noexcept override { return model_; }
  const TraceOptions& options() const noexcept override { return plan_->options; }
  std::uint64_t operation_count() const noexcept override { return plan_->operations.size(); }

 private:
  Model model_;
  Hash artifact_hash_;
  std::shared_ptr<const Plan> plan_;
};

// ---- The machine -------------------------------------------------------------------------

/// The values tree's leaves: each live value's commitment, zero for an empty slot.
std::vector<Hash> value_leaves(const std::vector<ValuePtr>& values) {
  std::vector<Hash> leaves(values.size());
  for (std::size_t slot = 0; slot < values.size(); ++slot) {
    if (values[slot]) leaves[slot] = values[slot]->commitment();
  }
  return leaves;
}

/// Proofs of a step, recorded as the machine runs it: the values tree is updated leaf by leaf,
/// each proof taken just before the read or write it proves.
class Recorder {
 public:
  Recorder(const Plan& plan, const std::vector<ValuePtr>& values)
      : plan_(plan), values_(MerkleTree::of_leaves(value_leaves(values))) {}

  void operation(std::uint64_t index) {
    append(plan_.graph_tree.proof(index)->encode());
    const Bytes& encoding = plan_.encodings[index];
    supply(encoding);
  }
  void read(std::uint64_t slot, const Value& value) {
    Bytes encoded = encode_tensor(value.tensor);
    const PreimageKey key = keccak_preimage_key(encoded);
    witness.proof.insert(witness.proof.end(), key.begin(), key.end());
    append(values_.proof(slot)->encode());
    witness.preimages.push_back({key, 8});
    witness.supplied_preimages.push_back(std::move(encoded));
  }
  void write(std::uint64_t slot, const Hash& leaf) {
    append(values_.proof(slot)->encode());
    (void)values_.set_leaf(slot, leaf);
  }
  void read_input(const PreimageKey& key) { witness.preimages.push_back({key, 8}); }
  /// The values root as the step has left it so far (before it: the pre-state's).
  [[nodiscard]] const Hash& values_root() const noexcept { return values_.root(); }

  StepWitness witness;

 private:
  void append(const Bytes& bytes) {
    witness.proof.insert(witness.proof.end(), bytes.begin(), bytes.end());
  }
  void supply(const Bytes& encoding) {
    witness.preimages.push_back({keccak_preimage_key(encoding), 8});
    witness.supplied_preimages.push_back(encoding);
  }

  const Plan& plan_;
  MerkleTree values_;
};

class Machine final : public TraceMachine {
 public:
  Machine(std::shared_ptr<const Plan> plan, std::shared_ptr<const PreimageOracle> oracle)
      : plan_(std::move(plan)), oracle_(std::move(oracle)), values_(plan_->initial) {}

  VmStatus status() const noexcept override { return status_; }
  std::uint64_t step_count() const noexcept override { return step_; }
  std::string fault_description() const override { return fault_; }

  Result<std::uint64_t> run(std::uint64_t max_steps) override {
    std::uint64_t ran = 0;
    while (ran < max_steps && status_ == VmStatus::running) {
      if (auto stepped = step(nullptr); !stepped) return stepped.error();
      ++ran;
    }
    return ran;
  }

  Result<StepWitness> step_with_witness() override {
    Recorder recorder(*plan_, values_);
    recorder.witness.step = step_;
    recorder.witness.state = state(recorder.values_root()).encode();  // the tree built once
    if (status_ != VmStatus::running) return std::move(recorder.witness);
    if (auto stepped = step(&recorder); !stepped) return stepped.error();
    return std::move(recorder.witness);
  }

  Bytes encode_state() override { return state(values_root()).encode(); }

  std::unique_ptr<faultline::Machine> snapshot() override {
    return std::make_unique<Machine>(*this);
  }

  const Tensor* value(std::string_view name) const override {
    const auto slot = plan_->slot_of(name);
    return slot && values_[*slot] ? &values_[*slot]->tensor : nullptr;
  }

  Result<std::map<std::string, Tensor>> outputs() const override {
    if (status_ != VmStatus::exited_ok) {
      return Error{Errc::invalid_argument, "the trace has not run to its end (" +
                                               std::string(vm_status_name(status_)) + ")"};
    }
    std::map<std::string, Tensor> out;
    for (const auto& [name, slot] : plan_->outputs)
      out.emplace(name, values_[slot]->tensor);
    return out;
  }

 private:
  Hash values_root() const { return MerkleTree::of_leaves(value_leaves(values_)).root(); }

  State state(const Hash& values_root) const {
    State state;
    state.graph_root = plan_->graph_tree.root();
    state.values_root = values_root;
    state.operation_count = plan_->operations.size();
    state.slot_count = values_.size();
    state.operators_per_step = plan_->options.operators_per_step;
    state.step = step_;
    state.status = status_;
    return state;
  }

  /// One step, on a copy of the values: a host error leaves the machine as it was.
  Result<void> step(Recorder* recorder) {
    const std::uint64_t per_step = plan_->options.operators_per_step;
    const std::uint64_t first = step_ * per_step;
    const std::uint64_t end = std::min(first + per_step, std::uint64_t{plan_->operations.size()});
    std::vector<ValuePtr> values = values_;
    std::optional<std::string> fault;
    for (std::uint64_t index = first; index < end && !fault; ++index) {
      const Operation& operation = plan_->operations[index];
      if (recorder != nullptr) recorder->operation(index);
      Result<Effect> effect = Error{Errc::io_error, ""};
      if (operation.loads_inputs) {
        effect = load_inputs(operation, *oracle_);
        if (recorder != nullptr && effect) {
          recorder->read_input(local_preimage_key(kProgramInputSlot));
          auto key = oracle_->get(local_preimage_key(kProgramInputSlot));
          if (key && key->size() == 32) {
            PreimageKey input;
            std::copy(key->begin(), key->end(), input.begin());
            recorder->read_input(input);
          }
        }
      } else {
        std::vector<const Tensor*> inputs;
        for (const auto& slot : operation.reads) {
          const Value* held = slot ? values[*slot].get() : nullptr;
          if (recorder != nullptr && held != nullptr) recorder->read(*slot, *held);
          inputs.push_back(held == nullptr ? nullptr : &held->tensor);
        }
        effect = run_operation(operation, inputs);
      }
      if (!effect) return effect.error();
      fault = effect->fault;
      if (fault) break;
      for (auto& [slot, value] : effect->writes) {
        if (recorder != nullptr) recorder->write(slot, value->commitment());
        values[slot] = std::move(value);
      }
      for (const std::uint64_t slot : operation.frees) {
        if (recorder != nullptr) recorder->write(slot, Hash{});
        values[slot] = nullptr;
      }
    }
    values_ = std::move(values);
    ++step_;
    if (fault) {
      status_ = VmStatus::faulted;
      fault_ = "step " + std::to_string(step_ - 1) + ": " + *fault;
    } else if (end == plan_->operations.size()) {
      status_ = VmStatus::exited_ok;
    }
    return {};
  }

  std::shared_ptr<const Plan> plan_;
  std::shared_ptr<const PreimageOracle> oracle_;
  std::vector<ValuePtr> values_;  // by slot; nullptr for a value not live
  std::uint64_t step_ = 0;
  VmStatus status_ = VmStatus::running;
  std::string fault_;
};

std::unique_ptr<faultline::Machine> Program::start(
    std::shared_ptr<const PreimageOracle> oracle) const {
  return std::make_unique<Machine>(plan_, std::move(oracle));
}

// ---- The step verifier -------------------------------------------------------------------

/// Reads a step's proof bytes in order.
class ProofReader {
 public:
  explicit ProofReader(ByteView proof) : proof_(proof) {}

  Result<ByteView> take(std::uint64_t size, const char* what) {
    if (size > proof_.size() - at_) {
      return Error{Errc::malformed_input, std::string("the proof ends before ") + what};
    }
    at_ += size;
    return proof_.subspan(at_ - size, size);
  }
  [[nodiscard]] std::uint64_t left() const noexcept { return proof_.size() - at_; }

 private:
  ByteView proof_;
  std::size_t at_ = 0;
};

/// Checks a leaf proof against `root` and returns the root with the leaf replaced.
Result<Hash> rewrite_leaf(ByteView encoded, unsigned height, std::uint64_t index, const Hash& root,
                          const Hash& leaf) {
  if (auto old = verify_leaf_proof(encoded, height, index, root); !old) return old.error();
  std::vector<Hash> siblings(height);
  for (unsigned level = 0; level < height; ++level)
    std::copy_n(encoded.subspan(std::size_t{32} * (1 + level)).begin(), 32,
                siblings[level].begin());
  return merkle_root_from_proof(index, leaf, siblings);
}

class StepVerifier final : public faultline::StepVerifier {
 public:
  Result<Hash> state_commitment(ByteView state) const override {
    auto decoded = decode_state(state);
    if (!decoded) return decoded.error();
    return faultline::state_commitment(state, decoded->status);
  }

  Result<Hash> step(ByteView encoded_state, ByteView proof,
                    const PreimageOracle& oracle) const override {
    auto decoded = decode_state(encoded_state);
    if (!decoded) return decoded.error();
    State state = *decoded;
    ProofReader in(proof);
    if (state.status == VmStatus::running) {
      const unsigned graph_height = tree_height(state.operation_count);
      const unsigned values_height = tree_height(state.slot_count);
      const std::uint64_t leaf_bytes = 32 * std::uint64_t{1 + values_height};
      std::optional<std::string> fault;
      for (std::uint64_t index = state.first(); index < state.end() && !fault; ++index) {
        // The operation, proven against the program's root, its encoding from the oracle.
        auto graph_proof = in.take(32 * std::uint64_t{1 + graph_height}, "an operation");
        if (!graph_proof) return graph_proof.error();
        auto leaf = verify_leaf_proof(*graph_proof, graph_height, index, state.graph_root);
        if (!leaf) return leaf.error();
        PreimageKey key = *leaf;
        key[0] = static_cast<std::uint8_t>(PreimageKeyType::keccak256);
        auto encoding = oracle.get(key);
        if (!encoding) return encoding.error();
        if (keccak256(*encoding) != *leaf) {
          return Error{Errc::invalid_proof, "the oracle's encoding of operation " +
                                                std::to_string(index) + " is not the program's"};
        }
        auto operation = decode_operation(*encoding, state.slot_count);
        if (!operation) return operation.error();
        Result<Effect> effect = Error{Errc::io_error, ""};
        if (operation->loads_inputs) {
          effect = load_inputs(*operation, oracle);
        } else {
          std::vector<Tensor> held;
          held.reserve(operation->reads.size());
          std::vector<const Tensor*> inputs;
          for (std::size_t i = 0; i < operation->reads.size(); ++i) {
            const auto& slot = operation->reads[i];
            if (!slot) {
              inputs.push_back(nullptr);
              continue;
            }
            auto tensor = read_value(in, oracle, *slot, values_height, state.values_root, i);
            if (!tensor) return tensor.error();
            held.push_back(std::move(*tensor));
            inputs.push_back(&held.back());
          }
          effect = run_operation(*operation, inputs);
        }
        if (!effect) return effect.error();
        fault = effect->fault;
        if (fault) break;
        const auto write = [&](std::uint64_t slot, const Hash& value) -> Result<void> {
          auto slot_proof = in.take(leaf_bytes, "a written value");
          if (!slot_proof) return slot_proof.error();
          auto root = rewrite_leaf(*slot_proof, values_height, slot, state.values_root, value);
          if (!root) return root.error();
          state.values_root = *root;
          return {};
        };
        for (const auto& [slot, value] : effect->writes) {
          if (auto written = write(slot, value->commitment()); !written) return written.error();
        }
        for (const std::uint64_t slot : operation->frees) {
          if (auto written = write(slot, Hash{}); !written) return written.error();
        }
      }
      if (in.left() != 0) {
        return Error{Errc::malformed_input, "the proof has " + std::to_string(in.left()) +
                                                " bytes the step does not read"};
      }
      const std::uint64_t end = state.end();
      ++state.step;
      if (fault) {
        state.status = VmStatus::faulted;
      } else if (end == state.operation_count) {
        state.status = VmStatus::exited_ok;
      }
    } else if (in.left() != 0) {
      return Error{Errc::malformed_input, "a halted state's step reads no proof"};
    }
    return faultline::state_commitment(state.encode(), state.status);
  }

 private:
  /// A value the operation reads: its preimage key, its leaf proof, and the preimage, which
  /// must commit to the leaf.
  static Result<Tensor> read_value(ProofReader& in, const PreimageOracle& oracle,
                                   std::uint64_t slot, unsigned height, const Hash& root,
                                   std::size_t position) {
    auto key_bytes = in.take(32, "an input's preimage key");
    if (!key_bytes) return key_bytes.error();
    PreimageKey key;
    std::copy(key_bytes->begin(), key_bytes->end(), key.begin());
    auto slot_proof = in.take(32 * std::uint64_t{1 + height}, "an input's proof");
    if (!slot_proof) return slot_proof.error();
    auto leaf = verify_leaf_proof(*slot_proof, height, slot, root);
    if (!leaf) return leaf.error();
    auto data = oracle.get(key);
    if (!data) return data.error();
    auto tensor = decode_tensor(*data);
    if (!tensor) return tensor.error();
    if (tensor->commitment().hash() != *leaf) {
      return Error{Errc::invalid_proof, "input " + std::to_string(position) +
                                            ": the preimage is not the value the state holds in "
                                            "slot " +
                                            std::to_string(slot)};
    }
    return tensor;
  }
};

// ---- The backend -------------------------------------------------------------------------

class Backend final : public faultline::Backend {
 public:
  explicit Backend(TraceOptions options) : options_(options) {}

  std::string_view name() const noexcept override { return "onnx"; }
  std::string_view description() const noexcept override {
    return "ONNX models (opsets 1 to 17), one step per operator";
  }

  Result<std::unique_ptr<faultline::Program>> load(ByteView artifact) const override {
    auto model = Model::load(artifact);
    if (!model) return model.error();
    return as_program(make_program(std::move(*model), keccak256(artifact), options_));
  }

  Result<std::unique_ptr<faultline::Program>> load_file(const std::string& path) const override {
    auto artifact = read_file(path);
    if (!artifact) return artifact.error();
    const std::filesystem::path file(path);
    auto model = Model::load(*artifact, file.parent_path().empty() ? "." : file.parent_path());
    if (!model) return model.error();
    return as_program(make_program(std::move(*model), keccak256(*artifact), options_));
  }

  const faultline::StepVerifier& step_verifier() const noexcept override { return verifier_; }
  std::optional<StateLayout> state_layout() const noexcept override { return kStateLayout; }

 private:
  static Result<std::unique_ptr<faultline::Program>> as_program(
      Result<std::unique_ptr<TraceProgram>> program) {
    if (!program) return program.error();
    return std::unique_ptr<faultline::Program>(std::move(*program));
  }

  TraceOptions options_;
  StepVerifier verifier_;
};

}  // namespace

Bytes encode_tensor(const Tensor& tensor) {
  Writer out;
  out.u8(static_cast<std::uint8_t>(tensor.type));
  out.u64(tensor.shape.size());
  for (const std::uint64_t dimension : tensor.shape)
    out.u64(dimension);
  out.raw(tensor.data);
  return out.take();
}

Result<Tensor> decode_tensor(ByteView bytes) {
  Reader in(bytes, "a tensor's encoding");
  Tensor tensor;
  const std::uint8_t type = in.u8();
  if (!in.ok() || !element_size(static_cast<ElementType>(type))) {
    return Error{Errc::malformed_input,
                 "a tensor's encoding has element type " + std::to_string(type)};
  }
  tensor.type = static_cast<ElementType>(type);
  const std::uint64_t rank = in.u64();
  if (!in.ok() || rank > in.remaining() / 8) {
    return Error{Errc::malformed_input, "a tensor's encoding is cut in its shape"};
  }
  for (std::uint64_t i = 0; i < rank; ++i)
    tensor.shape.push_back(in.u64());
  if (!detail::fits_volume(tensor.shape, tensor.type)) {
    return Error{Errc::out_of_range, "a tensor of shape " + detail::shape_text(tensor.shape) +
                                         " exceeds " + std::to_string(kMaxTensorBytes >> 20) +
                                         " MiB"};
  }
  const std::uint64_t size = *element_count(tensor.shape) * *element_size(tensor.type);
  const ByteView data = in.raw(size);
  if (auto done = in.finish(); !done) return done.error();
  tensor.data.assign(data.begin(), data.end());
  return tensor;
}

Result<Bytes> encode_inputs(const Model& model, const std::map<std::string, Tensor>& inputs) {
  const Graph& graph = model.graph();
  if (auto names = detail::check_input_names(graph, inputs); !names) return names.error();
  Writer out;
  out.u64(graph.inputs.size());
  for (const ValueInfo& input : graph.inputs) {
    const auto given = inputs.find(input.name);
    if (given == inputs.end()) {
      return Error{Errc::invalid_argument, "the model's input \"" + input.name + "\" is not given"};
    }
    out.blob(encode_tensor(given->second));
  }
  return out.take();
}

const StateLayout& state_layout() noexcept {
  return kStateLayout;
}

Result<std::unique_ptr<TraceProgram>> make_program(Model model, const Hash& artifact_hash,
                                                   TraceOptions options) {
  if (options.operators_per_step == 0 || options.operators_per_step > kMaxCount) {
    return Error{Errc::invalid_argument, "operators per step must be from 1 to 2^40"};
  }
  auto plan = make_plan(model, options);
  if (!plan) return plan.error();
  return std::unique_ptr<TraceProgram>(std::make_unique<Program>(
      std::move(model), artifact_hash, std::make_shared<const Plan>(std::move(*plan))));
}

std::unique_ptr<faultline::Backend> make_backend(TraceOptions options) {
  return std::make_unique<Backend>(options);
}

}  // namespace faultline::onnx
