// Loading an ONNX model (model.hpp): parse, resolve external data inside the model's folder,
// ONNX's checker and strict shape inference, then our own decoded graph and its canonical
// commitment.
#include "faultline/onnx/model.hpp"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>
#include <exception>
#include <fstream>
#include <set>

#include "encoding.hpp"
#include "faultline/file.hpp"
#include "faultline/keccak.hpp"

namespace pb = ::onnx;

namespace faultline::onnx {
namespace {

namespace fs = std::filesystem;

Error malformed(std::string what) {
  return Error{Errc::malformed_input, std::move(what)};
}

Error unsupported(std::string what) {
  return Error{Errc::unsupported, std::move(what)};
}

bool is_default_domain(const std::string& domain) {
  return domain.empty() || domain == "ai.onnx";
}

/// An ONNX element type number as ours; unsupported for strings, complex numbers and unknowns.
Result<ElementType> element_type(std::int32_t number, const std::string& where) {
  const auto type = static_cast<ElementType>(number);
  if (number <= 0 || number > 255 || !element_size(type)) {
    return unsupported(where + " has element type " + std::to_string(number) +
                       ", which faultline does not handle");
  }
  return type;
}

/// The bytes of a tensor kept in an external file: `location` relative to `directory` and
/// inside it, `offset` and `length` within the file.
Result<Bytes> read_external(const pb::TensorProto& tensor, const fs::path& directory,
                            std::uint64_t expected, const std::string& where) {
  if (directory.empty()) {
    return Error{Errc::invalid_argument,
                 where + " keeps its data in an external file: load the model from its file"};
  }
  std::string location;
  std::optional<std::uint64_t> offset, length;
  for (const pb::StringStringEntryProto& entry : tensor.external_data()) {
    const auto number = [&](std::optional<std::uint64_t>& out) -> Result<void> {
      try {
        std::size_t used = 0;
        const unsigned long long value = std::stoull(entry.value(), &used);
        if (used != entry.value().size() || entry.value().starts_with('-')) throw 0;
        out = value;
      } catch (...) {
        return malformed(where + ": external data " + entry.key() + " \"" + entry.value() +
                         "\" is not a number");
      }
      return {};
    };
    if (entry.key() == "location") {
      location = entry.value();
    } else if (entry.key() == "offset") {
      if (auto parsed = number(offset); !parsed) return parsed.error();
    } else if (entry.key() == "length") {
      if (auto parsed = number(length); !parsed) return parsed.error();
    }
  }
  if (location.empty()) return malformed(where + ": external data without a location");
  const fs::path relative(location);
  bool climbs = relative.is_absolute() || relative.has_root_name();
  for (const fs::path& part : relative)
    climbs = climbs || part == "..";
  // Symbolic links count too: the file's real path must lie under the folder's.
  std::error_code folder_error, file_error;
  const fs::path folder = fs::weakly_canonical(directory, folder_error);
  const fs::path file = fs::weakly_canonical(directory / relative, file_error);
  const auto [folder_end, file_at] =
      std::mismatch(folder.begin(), folder.end(), file.begin(), file.end());
  if (climbs || folder_error || file_error || folder_end != folder.end()) {
    return Error{Errc::invalid_argument,
                 where + ": external data path \"" + location + "\" leaves the model's folder"};
  }
  if (!fs::exists(file, file_error)) {
    return Error{Errc::not_found,
                 where + ": external data file " + file.string() + " does not exist"};
  }
  if (!fs::is_regular_file(file, file_error) || file_error) {
    return Error{Errc::invalid_argument,
                 where + ": external data \"" + location + "\" is not a regular file"};
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Error{Errc::not_found,
                 where + ": external data file " + file.string() + " cannot be opened"};
  }
  in.seekg(0, std::ios::end);
  const std::streamoff end = in.tellg();
  if (end < 0) return Error{Errc::io_error, where + ": cannot size " + file.string()};
  const auto size = static_cast<std::uint64_t>(end);
  const std::uint64_t from = offset.value_or(0);
  if (from > size || (length && *length > size - from)) {
    return malformed(where + ": external data [" + std::to_string(from) + ", +" +
                     std::to_string(length.value_or(0)) + ") lies past the end of " +
                     file.string() + " (" + std::to_string(size) + " bytes)");
  }
  // The tensor's own size decides before anything is allocated.
  if (length.value_or(size - from) != expected) {
    return malformed(where + ": external data of " + std::to_string(length.value_or(size - from)) +
                     " bytes, but the tensor's shape needs " + std::to_string(expected));
  }
  Bytes bytes(static_cast<std::size_t>(expected));
  in.seekg(static_cast<std::streamoff>(from));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!in) return Error{Errc::io_error, where + ": reading " + file.string() + " failed"};
  return bytes;
}

/// Little-endian bytes of `count` values taken from a typed field.
template <class Field>
Bytes pack(const Field& values, std::size_t size) {
  Bytes out(values.size() * size);
  std::size_t at = 0;
  for (const auto value : values) {
    std::uint64_t bits = 0;
    if constexpr (std::is_same_v<decltype(value), const float>) {
      bits = std::bit_cast<std::uint32_t>(value);
    } else if constexpr (std::is_same_v<decltype(value), const double>) {
      bits = std::bit_cast<std::uint64_t>(value);
    } else {
      bits = static_cast<std::uint64_t>(value);
    }
    for (std::size_t i = 0; i < size; ++i)
      out[at++] = static_cast<std::uint8_t>(bits >> (8 * i));
  }
  return out;
}

Result<Tensor> decode_tensor(const pb::TensorProto& proto, const std::string& where) {
  auto type = element_type(proto.data_type(), where);
  if (!type) return type.error();
  Tensor tensor;
  tensor.type = *type;
  for (const std::int64_t dimension : proto.dims()) {
    if (dimension < 0) {
      return malformed(where + " has the negative dimension " + std::to_string(dimension));
    }
    tensor.shape.push_back(static_cast<std::uint64_t>(dimension));
  }
  auto count = element_count(tensor.shape);
  if (!count) return Error{Errc::out_of_range, where + ": " + count.error().message};
  const std::size_t size = *element_size(tensor.type);
  if (*count > (std::uint64_t{1} << 62) / size) {
    return Error{Errc::out_of_range, where + " has more than 2^62 bytes"};
  }
  // External data was read into raw_data before the checker ran.
  if (proto.has_raw_data()) {
    tensor.data.assign(proto.raw_data().begin(), proto.raw_data().end());
  } else {
    switch (tensor.type) {
      case ElementType::float32:
        tensor.data = pack(proto.float_data(), 4);
        break;
      case ElementType::float64:
        tensor.data = pack(proto.double_data(), 8);
        break;
      case ElementType::int64:
        tensor.data = pack(proto.int64_data(), 8);
        break;
      case ElementType::uint32:
        for (const std::uint64_t value : proto.uint64_data()) {
          if (value > 0xffffffffULL) return malformed(where + " holds a uint32 value past 2^32");
        }
        tensor.data = pack(proto.uint64_data(), size);
        break;
      case ElementType::uint64:
        tensor.data = pack(proto.uint64_data(), size);
        break;
      default: {  // int32 and everything narrower, float16 and bfloat16 as their bits
        // Each value must be one of the type's own, not silently cut to its low bytes.
        std::int64_t low = std::numeric_limits<std::int32_t>::min(),
                     high = std::numeric_limits<std::int32_t>::max();
        switch (tensor.type) {
          case ElementType::int8:
            low = -128, high = 127;
            break;
          case ElementType::uint8:
            low = 0, high = 255;
            break;
          case ElementType::int16:
            low = -32768, high = 32767;
            break;
          case ElementType::uint16:
          case ElementType::float16:
          case ElementType::bfloat16:
            low = 0, high = 65535;
            break;
          case ElementType::boolean:
            low = 0, high = 1;
            break;
          default:
            break;
        }
        for (const std::int32_t value : proto.int32_data()) {
          if (value < low || value > high) {
            return malformed(where + " holds " + std::to_string(value) + ", not a " +
                             std::string(element_type_name(tensor.type)) + " value");
          }
        }
        tensor.data = pack(proto.int32_data(), size);
        break;
      }
    }
  }
  if (tensor.type == ElementType::boolean &&
      std::ranges::any_of(tensor.data, [](std::uint8_t b) { return b > 1; })) {
    return malformed(where + " holds a bool byte other than 0 or 1");
  }
  if (tensor.data.size() != *count * size) {
    return malformed(where + " holds " + std::to_string(tensor.data.size()) + " bytes, but " +
                     std::to_string(*count) + " " + std::string(element_type_name(tensor.type)) +
                     " elements need " + std::to_string(*count * size));
  }
  return tensor;
}

Result<ValueInfo> decode_value_info(const pb::ValueInfoProto& proto, const std::string& role) {
  const std::string where = role + " \"" + proto.name() + "\"";
  ValueInfo info;
  info.name = proto.name();
  if (!proto.has_type()) return info;
  if (!proto.type().has_tensor_type()) {
    return unsupported(where + " is not a tensor (sequences, maps and optionals are not run)");
  }
  const pb::TypeProto_Tensor& tensor = proto.type().tensor_type();
  if (tensor.elem_type() != 0) {
    auto type = element_type(tensor.elem_type(), where);
    if (!type) return type.error();
    info.type = *type;
  }
  if (tensor.has_shape()) {
    info.has_shape = true;
    for (const pb::TensorShapeProto_Dimension& dimension : tensor.shape().dim()) {
      if (dimension.has_dim_value() && dimension.dim_value() < 0) {
        return malformed(where + " has the negative dimension " +
                         std::to_string(dimension.dim_value()));
      }
      info.shape.push_back(dimension.has_dim_value()
                               ? std::optional(static_cast<std::uint64_t>(dimension.dim_value()))
                               : std::nullopt);
    }
  }
  return info;
}

Result<std::shared_ptr<const Graph>> decode_graph(const pb::GraphProto& proto, std::size_t depth);

/// `depth`: how deep the node holding the attribute lies (0 in the main graph).
Result<AttributeValue> decode_attribute(const pb::AttributeProto& attribute,
                                        const std::string& where, std::size_t depth) {
  using Kind = pb::AttributeProto_AttributeType;
  switch (attribute.type()) {
    case Kind::AttributeProto_AttributeType_FLOAT:
      return AttributeValue(attribute.f());
    case Kind::AttributeProto_AttributeType_INT:
      return AttributeValue(static_cast<std::int64_t>(attribute.i()));
    case Kind::AttributeProto_AttributeType_STRING:
      return AttributeValue(attribute.s());
    case Kind::AttributeProto_AttributeType_TENSOR: {
      auto tensor = decode_tensor(attribute.t(), where);
      if (!tensor) return tensor.error();
      return AttributeValue(std::move(*tensor));
    }
    case Kind::AttributeProto_AttributeType_GRAPH: {
      auto graph = decode_graph(attribute.g(), depth + 1);
      if (!graph) return graph.error();
      return AttributeValue(std::move(*graph));
    }
    case Kind::AttributeProto_AttributeType_FLOATS:
      return AttributeValue(
          std::vector<float>(attribute.floats().begin(), attribute.floats().end()));
    case Kind::AttributeProto_AttributeType_INTS:
      return AttributeValue(
          std::vector<std::int64_t>(attribute.ints().begin(), attribute.ints().end()));
    case Kind::AttributeProto_AttributeType_STRINGS:
      return AttributeValue(
          std::vector<std::string>(attribute.strings().begin(), attribute.strings().end()));
    case Kind::AttributeProto_AttributeType_TENSORS: {
      std::vector<Tensor> tensors;
      for (const pb::TensorProto& proto : attribute.tensors()) {
        auto tensor = decode_tensor(proto, where);
        if (!tensor) return tensor.error();
        tensors.push_back(std::move(*tensor));
      }
      return AttributeValue(std::move(tensors));
    }
    case Kind::AttributeProto_AttributeType_GRAPHS: {
      std::vector<std::shared_ptr<const Graph>> graphs;
      for (const pb::GraphProto& proto : attribute.graphs()) {
        auto graph = decode_graph(proto, depth + 1);
        if (!graph) return graph.error();
        graphs.push_back(std::move(*graph));
      }
      return AttributeValue(std::move(graphs));
    }
    default:
      return unsupported(where +
                         " is of a kind faultline does not run (sparse tensor, type "
                         "proto or undefined)");
  }
}

Result<std::shared_ptr<const Graph>> decode_graph(const pb::GraphProto& proto, std::size_t depth) {
  if (depth > kMaxGraphDepth) {
    return unsupported("subgraphs nest more than " + std::to_string(kMaxGraphDepth) + " deep");
  }
  auto graph = std::make_shared<Graph>();
  for (const pb::TensorProto& initializer : proto.initializer()) {
    auto tensor = decode_tensor(initializer, "initializer \"" + initializer.name() + "\"");
    if (!tensor) return tensor.error();
    if (!graph->initializers.emplace(initializer.name(), std::move(*tensor)).second) {
      return malformed("initializer \"" + initializer.name() + "\" is defined twice");
    }
  }
  if (proto.sparse_initializer_size() != 0) {
    return unsupported("sparse initializers are not run");
  }
  for (const pb::ValueInfoProto& input : proto.input()) {
    if (graph->initializers.contains(input.name())) continue;
    auto info = decode_value_info(input, "input");
    if (!info) return info.error();
    graph->inputs.push_back(std::move(*info));
  }
  for (const pb::ValueInfoProto& output : proto.output()) {
    auto info = decode_value_info(output, "output");
    if (!info) return info.error();
    graph->outputs.push_back(std::move(*info));
  }
  for (int i = 0; i < proto.node_size(); ++i) {
    const pb::NodeProto& source = proto.node(i);
    const std::string where = "node " + std::to_string(i) +
                              (source.name().empty() ? "" : " \"" + source.name() + "\"") + " (" +
                              source.op_type() + ")";
    if (!is_default_domain(source.domain())) {
      return unsupported(where + " is in the domain \"" + source.domain() +
                         "\", which faultline does not run");
    }
    Node node;
    node.name = source.name();
    node.op_type = source.op_type();
    node.inputs.assign(source.input().begin(), source.input().end());
    node.outputs.assign(source.output().begin(), source.output().end());
    for (const pb::AttributeProto& attribute : source.attribute()) {
      auto value = decode_attribute(attribute, where + " attribute " + attribute.name(), depth);
      if (!value) return value.error();
      if (!node.attributes.emplace(attribute.name(), std::move(*value)).second) {
        return malformed(where + " has the attribute " + attribute.name() + " twice");
      }
    }
    node.captured = captured_names(node);
    graph->nodes.push_back(std::move(node));
  }
  return std::shared_ptr<const Graph>(std::move(graph));
}

void free_names(const Graph& graph, std::set<std::string>& out) {
  std::set<std::string> defined;
  for (const ValueInfo& input : graph.inputs)
    defined.insert(input.name);
  for (const auto& [name, tensor] : graph.initializers)
    defined.insert(name);
  const auto use = [&](const std::string& name) {
    if (!name.empty() && !defined.contains(name)) out.insert(name);
  };
  for (const Node& node : graph.nodes) {
    for (const std::string& name : node.inputs)
      use(name);
    for (const std::string& name : node.captured)
      use(name);
    for (const std::string& name : node.outputs)
      defined.insert(name);
  }
  for (const ValueInfo& output : graph.outputs)
    use(output.name);
}

/// The canonical encoding the commitment hashes: every integer 8 bytes big-endian, every
/// string its length then its bytes, floats by their bits, tensors by their commitments and
/// subgraphs by the hash of their own encoding.
class Canonical : public detail::Writer {
 public:
  void hash(const Hash& value) { raw(value); }
  void tensor(const Tensor& value) { hash(value.commitment().hash()); }

  void graph(const Graph& graph) {
    const auto values = [this](const std::vector<ValueInfo>& infos) {
      u64(infos.size());
      for (const ValueInfo& info : infos) {
        text(info.name);
        u8(info.type ? static_cast<std::uint8_t>(*info.type) : 0);
        u8(info.has_shape ? 1 : 0);
        u64(info.shape.size());
        for (const auto& dimension : info.shape) {
          u8(dimension ? 1 : 0);
          u64(dimension.value_or(0));
        }
      }
    };
    values(graph.inputs);
    values(graph.outputs);
    u64(graph.initializers.size());
    for (const auto& [name, tensor_value] : graph.initializers) {
      text(name);
      tensor(tensor_value);
    }
    u64(graph.nodes.size());
    for (const Node& node : graph.nodes) {
      text(node.op_type);
      u64(node.inputs.size());
      for (const std::string& input : node.inputs)
        text(input);
      u64(node.outputs.size());
      for (const std::string& output : node.outputs)
        text(output);
      u64(node.attributes.size());
      for (const auto& [name, value] : node.attributes) {
        text(name);
        u8(static_cast<std::uint8_t>(value.index()));
        std::visit([this](const auto& held) { attribute(held); }, value);
      }
    }
  }

 private:
  void attribute(float value) { u64(std::bit_cast<std::uint32_t>(value)); }
  void attribute(std::int64_t value) { u64(static_cast<std::uint64_t>(value)); }
  void attribute(const std::string& value) { text(value); }
  void attribute(const Tensor& value) { tensor(value); }
  void attribute(const std::shared_ptr<const Graph>& value) {
    Canonical inner;
    inner.graph(*value);
    hash(keccak256(inner.bytes()));
  }
  template <class T>
  void attribute(const std::vector<T>& values) {
    u64(values.size());
    for (const T& value : values)
      attribute(value);
  }
};

}  // namespace

std::vector<const Graph*> subgraphs(const Node& node) {
  std::vector<const Graph*> out;
  for (const auto& [name, value] : node.attributes) {
    if (const auto* one = std::get_if<std::shared_ptr<const Graph>>(&value)) {
      out.push_back(one->get());
    } else if (const auto* list = std::get_if<std::vector<std::shared_ptr<const Graph>>>(&value)) {
      for (const auto& each : *list)
        out.push_back(each.get());
    }
  }
  return out;
}

std::vector<std::string> captured_names(const Node& node) {
  std::set<std::string> names;
  for (const Graph* graph : subgraphs(node))
    free_names(*graph, names);
  return {names.begin(), names.end()};
}

Result<std::pair<std::string, Tensor>> parse_tensor(ByteView bytes) {
  pb::TensorProto proto;
  if (bytes.size() > static_cast<std::size_t>(INT_MAX) ||
      !proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return malformed("the bytes are not a serialized ONNX tensor");
  }
  if (proto.data_location() == pb::TensorProto_DataLocation_EXTERNAL) {
    return unsupported("tensor \"" + proto.name() + "\" keeps its data in an external file");
  }
  auto tensor = decode_tensor(proto, "tensor \"" + proto.name() + "\"");
  if (!tensor) return tensor.error();
  return std::pair{proto.name(), std::move(*tensor)};
}

TensorCommitment Tensor::commitment() const {
  auto committed = commit_tensor(type, shape, data);
  return committed ? std::move(*committed) : TensorCommitment{};
}

Result<Model> Model::load(ByteView bytes, const fs::path& directory) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    return unsupported("a model of over 2 GiB in one file (keep its weights as external data)");
  }
  pb::ModelProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return malformed("the file is not an ONNX model (its protobuf does not parse)");
  }
  Model model;
  for (const pb::OperatorSetIdProto& opset : proto.opset_import()) {
    const std::string domain = is_default_domain(opset.domain()) ? "" : opset.domain();
    model.opsets_[domain] = opset.version();
  }
  const auto found = model.opsets_.find("");
  if (found == model.opsets_.end()) return malformed("the model imports no default-domain opset");
  model.opset_ = found->second;
  if (model.opset_ < kMinOpset || model.opset_ > kMaxOpset) {
    return unsupported("the model uses opset " + std::to_string(model.opset_) +
                       "; faultline runs opsets " + std::to_string(kMinOpset) + " to " +
                       std::to_string(kMaxOpset));
  }
  // External data becomes inline before the checker runs, read only from inside `directory`.
  std::vector<pb::TensorProto*> tensors;
  for (pb::TensorProto& initializer : *proto.mutable_graph()->mutable_initializer())
    tensors.push_back(&initializer);
  for (pb::TensorProto* tensor : tensors) {
    if (tensor->data_location() != pb::TensorProto_DataLocation_EXTERNAL) continue;
    const std::string where = "initializer \"" + tensor->name() + "\"";
    // The bytes its type and shape need, checked before any file is read.
    auto type = element_type(tensor->data_type(), where);
    if (!type) return type.error();
    std::vector<std::uint64_t> shape;
    for (const std::int64_t dimension : tensor->dims()) {
      if (dimension < 0) return malformed(where + " has a negative dimension");
      shape.push_back(static_cast<std::uint64_t>(dimension));
    }
    auto count = element_count(shape);
    const std::uint64_t size = *element_size(*type);
    if (!count || *count > (std::uint64_t{1} << 62) / size) {
      return Error{Errc::out_of_range, where + " has more than 2^62 bytes"};
    }
    auto data = read_external(*tensor, directory, *count * size, where);
    if (!data) return data.error();
    tensor->set_raw_data(std::string(data->begin(), data->end()));
    tensor->clear_external_data();
    tensor->set_data_location(pb::TensorProto_DataLocation_DEFAULT);
  }
  // Our own reading first (its errors name the tensor: sizes, overflowing shapes, types we do
  // not run), then ONNX's checker and strict shape inference over the whole model.
  auto graph = decode_graph(proto.graph(), 0);
  if (!graph) return graph.error();
  model.graph_ = std::move(*graph);
  try {
    pb::checker::check_model(proto);
    pb::shape_inference::InferShapes(proto, pb::OpSchemaRegistry::Instance(),
                                     pb::ShapeInferenceOptions(true, 1, false));
  } catch (const std::exception& error) {
    return malformed(std::string("the ONNX checker refuses the model: ") + error.what());
  }
  Canonical canonical;
  canonical.text("faultline.onnx.model.v1");
  canonical.u64(model.opsets_.size());
  for (const auto& [domain, version] : model.opsets_) {
    canonical.text(domain);
    canonical.u64(static_cast<std::uint64_t>(version));
  }
  canonical.graph(*model.graph_);
  model.commitment_ = keccak256(canonical.bytes());
  return model;
}

Result<Model> Model::load_file(const fs::path& path) {
  auto bytes = read_file(path.string());
  if (!bytes) return bytes.error();
  return load(*bytes, path.parent_path().empty() ? fs::path(".") : path.parent_path());
}

}  // namespace faultline::onnx
