// Inputs and outputs of programs on the command line (program_input.hpp).
#include "program_input.hpp"

#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>

#include "faultline/file.hpp"
#include "faultline/onnx/npy.hpp"
#include "faultline/onnx/trace.hpp"

namespace faultline::cli {
namespace {

Result<onnx::Tensor> read_tensor(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  const auto named = [&path](const Error& error) {
    return Error{error.code, path + ": " + error.message};
  };
  if (path.ends_with(".npy")) {
    auto tensor = onnx::parse_npy(*bytes);
    if (!tensor) return named(tensor.error());
    return tensor;
  }
  auto tensor = onnx::parse_tensor(*bytes);
  if (!tensor) return named(tensor.error());
  return std::move(tensor->second);
}

/// Element i as text (floats with enough digits to round-trip).
std::string element_text(const onnx::Tensor& tensor, std::uint64_t i) {
  const auto load = [&]<class T>(T) {
    T value;
    std::memcpy(&value, tensor.data.data() + i * sizeof(T), sizeof(T));
    return value;
  };
  std::ostringstream out;
  out.precision(9);
  switch (tensor.type) {
    case ElementType::float32:
      out << load(float{});
      break;
    case ElementType::float64:
      out.precision(17);
      out << load(double{});
      break;
    case ElementType::int8:
      out << int{load(std::int8_t{})};
      break;
    case ElementType::uint8:
      out << unsigned{load(std::uint8_t{})};
      break;
    case ElementType::boolean:
      out << (load(std::uint8_t{}) != 0 ? "true" : "false");
      break;
    case ElementType::int16:
      out << load(std::int16_t{});
      break;
    case ElementType::uint16:
    case ElementType::float16:
    case ElementType::bfloat16:
      out << load(std::uint16_t{});
      break;
    case ElementType::int32:
      out << load(std::int32_t{});
      break;
    case ElementType::uint32:
      out << load(std::uint32_t{});
      break;
    case ElementType::int64:
      out << load(std::int64_t{});
      break;
    case ElementType::uint64:
      out << load(std::uint64_t{});
      break;
  }
  return out.str();
}

/// Element i as JSON, from its bits (no text round trip): a number, a bool, or for a float that
/// JSON cannot carry (NaN, ±∞) its text.
nlohmann::ordered_json element_json(const onnx::Tensor& tensor, std::uint64_t i) {
  const auto load = [&]<class T>(T) {
    T value;
    std::memcpy(&value, tensor.data.data() + i * sizeof(T), sizeof(T));
    return value;
  };
  const auto real = [&](double value) -> nlohmann::ordered_json {
    if (std::isfinite(value)) return value;
    return element_text(tensor, i);
  };
  switch (tensor.type) {
    case ElementType::float32:
      return real(load(float{}));
    case ElementType::float64:
      return real(load(double{}));
    case ElementType::boolean:
      return load(std::uint8_t{}) != 0;
    case ElementType::uint64:
      return load(std::uint64_t{});
    case ElementType::int64:
      return load(std::int64_t{});
    case ElementType::int32:
      return load(std::int32_t{});
    case ElementType::uint32:
      return load(std::uint32_t{});
    case ElementType::int16:
      return load(std::int16_t{});
    case ElementType::int8:
      return load(std::int8_t{});
    case ElementType::uint8:
      return load(std::uint8_t{});
    case ElementType::uint16:
    case ElementType::float16:
    case ElementType::bfloat16:
      return load(std::uint16_t{});  // float16 and bfloat16 as their bits
  }
  return nullptr;
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i)
    text += (i == 0 ? "" : ", ") + std::to_string(shape[i]);
  return text + "]";
}

/// A file name for an output: the model names it, so nothing in it may leave the folder.
std::string file_name(const std::string& name) {
  std::string out = name.empty() ? "output" : name;
  for (char& c : out) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_' && c != '-') c = '_';
  }
  return out;
}

}  // namespace

Result<Bytes> program_input(const Program& program, const std::vector<std::string>& inputs) {
  const auto* trace = dynamic_cast<const onnx::TraceProgram*>(&program);
  if (trace == nullptr) {
    if (inputs.size() > 1) {
      return Error{Errc::invalid_argument,
                   "a " + std::string(program.backend_name()) + " program takes one --input FILE"};
    }
    if (inputs.empty()) return Bytes{};
    return read_file(inputs.front());
  }
  std::map<std::string, onnx::Tensor> tensors;
  for (const std::string& input : inputs) {
    const std::size_t equals = input.find('=');
    if (equals == std::string::npos || equals == 0) {
      return Error{
          Errc::invalid_argument,
          "an ONNX model's inputs are --input NAME=FILE (.npy or .pb), not '" + input + "'"};
    }
    auto tensor = read_tensor(input.substr(equals + 1));
    if (!tensor) return tensor.error();
    if (!tensors.emplace(input.substr(0, equals), std::move(*tensor)).second) {
      return Error{Errc::invalid_argument,
                   "the input " + input.substr(0, equals) + " is given twice"};
    }
  }
  return onnx::encode_inputs(trace->model(), tensors);
}

Result<bool> report_tensors(Machine& machine, nlohmann::ordered_json* json, std::ostream& text,
                            const std::string& directory) {
  auto* trace = dynamic_cast<onnx::TraceMachine*>(&machine);
  if (trace == nullptr) return false;
  auto outputs = trace->outputs();
  if (!outputs) return true;  // faulted or stopped early: the summary says so
  constexpr std::uint64_t kShown = 8;
  std::set<std::string> files;
  for (const auto& [name, tensor] : *outputs) {
    const std::uint64_t count = tensor.data.size() / element_size(tensor.type).value_or(1);
    if (json != nullptr) {
      nlohmann::ordered_json entry;
      entry["type"] = element_type_name(tensor.type);
      entry["shape"] = tensor.shape;
      entry["commitment"] = to_hex(tensor.commitment().hash());
      nlohmann::ordered_json values = nlohmann::ordered_json::array();
      for (std::uint64_t i = 0; i < count; ++i)
        values.push_back(element_json(tensor, i));
      entry["values"] = std::move(values);
      (*json)[name] = std::move(entry);
    }
    text << name << ": " << element_type_name(tensor.type) << " " << shape_text(tensor.shape)
         << " [";
    for (std::uint64_t i = 0; i < count && i < kShown; ++i)
      text << (i == 0 ? "" : ", ") << element_text(tensor, i);
    if (count > kShown) text << ", … (" << count << " values; --json or --output-dir for all)";
    text << "]\n";
    if (!directory.empty()) {
      if (!files.insert(file_name(name)).second) {
        return Error{Errc::invalid_argument, "outputs \"" + name + "\" and another would both be " +
                                                 file_name(name) + ".npy in --output-dir"};
      }
      const auto path = std::filesystem::path(directory) / (file_name(name) + ".npy");
      if (auto written = write_file(path.string(), onnx::encode_npy(tensor)); !written) {
        return written.error();
      }
    }
  }
  return true;
}

}  // namespace faultline::cli
