// Prints one digest of everything the ONNX backend computes over the official node tests and
// the trace tests' model: every output byte of every node-test case the interpreter runs, and
// the final state commitment of trace.onnx's trace. Built with other optimisation and vector
// settings (tests/CMakeLists.txt, "onnx: the same bytes at -O0, -O3 -march=native and without
// vectorisation"), it must print the same line.
//
//   determinism_probe NODE_TESTS_DIR MODELS_DIR
#include <filesystem>
#include <iostream>
#include <set>

#include "faultline/file.hpp"
#include "faultline/keccak.hpp"
#include "faultline/onnx/interpreter.hpp"
#include "faultline/onnx/trace.hpp"

namespace {

using namespace faultline;
using namespace faultline::onnx;
namespace fs = std::filesystem;

void append(Bytes& out, ByteView bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

std::map<std::string, Tensor> read_inputs(const fs::path& folder, const Model& model) {
  std::map<std::string, Tensor> inputs;
  for (std::size_t i = 0; i < model.graph().inputs.size(); ++i) {
    auto bytes = read_file((folder / ("input_" + std::to_string(i) + ".pb")).string());
    if (!bytes) break;
    auto tensor = parse_tensor(*bytes);
    if (!tensor) break;
    inputs.emplace(model.graph().inputs[i].name, std::move(tensor->second));
  }
  return inputs;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: determinism_probe NODE_TESTS_DIR MODELS_DIR\n";
    return 2;
  }
  std::set<fs::path> cases;
  for (const fs::directory_entry& entry : fs::directory_iterator(argv[1]))
    cases.insert(entry.path());
  Bytes digest_input;
  std::size_t ran = 0;
  for (const fs::path& folder : cases) {
    auto model = Model::load_file(folder / "model.onnx");
    if (!model) continue;
    auto outputs = run(*model, read_inputs(folder / "test_data_set_0", *model));
    if (!outputs) continue;
    ++ran;
    append(digest_input, as_bytes(folder.filename().string()));
    for (const auto& [name, tensor] : *outputs) {
      append(digest_input, as_bytes(name));
      append(digest_input, encode_tensor(tensor));
    }
  }
  // The trace: intermediate commitments and the state encoding.
  const fs::path models = argv[2];
  auto model = Model::load_file(models / "trace.onnx");
  if (!model) {
    std::cerr << model.error().message << "\n";
    return 1;
  }
  std::map<std::string, Tensor> inputs;
  for (const auto& [name, file] :
       {std::pair{"image", "trace_image.pb"}, {"bias", "trace_bias.pb"}}) {
    auto bytes = read_file((models / file).string());
    if (!bytes) return 1;
    auto tensor = parse_tensor(*bytes);
    if (!tensor) return 1;
    inputs.emplace(name, std::move(tensor->second));
  }
  auto encoded = encode_inputs(*model, inputs);
  auto program = make_program(std::move(*model), Hash{});
  if (!encoded || !program) return 1;
  auto oracle = std::make_shared<InMemoryPreimageOracle>();
  oracle->set_program_input(std::move(*encoded));
  auto machine = (*program)->start(oracle);
  if (!machine->run(1000)) return 1;
  append(digest_input, machine->commitment());
  std::cout << ran << " node-test cases and a trace: " << to_hex(keccak256(digest_input)) << "\n";
  return 0;
}
