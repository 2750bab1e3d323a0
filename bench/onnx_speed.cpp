// The ONNX backend's speed on one model: plain inference (the interpreter), the trace with every
// intermediate tensor committed (a state commitment after each step), and witness generation
// per step. Medians of repeated runs, as JSON on stdout; bench/onnx_speed.py runs it beside
// onnxruntime and prints the ratios (docs/benchmarks.md).
//
// usage: faultline_onnx_speed MODEL.onnx REPETITIONS NAME=FILE.npy...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "faultline/file.hpp"
#include "faultline/onnx/interpreter.hpp"
#include "faultline/onnx/npy.hpp"
#include "faultline/onnx/trace.hpp"

namespace {

using namespace faultline;
using Clock = std::chrono::steady_clock;

double median_ms(int repetitions, const std::function<void()>& body) {
  std::vector<double> times;
  for (int i = 0; i < repetitions; ++i) {
    const auto start = Clock::now();
    body();
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "faultline_onnx_speed: %s\n", message.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) die("usage: faultline_onnx_speed MODEL.onnx REPETITIONS NAME=FILE.npy...");
  auto model = onnx::Model::load_file(argv[1]);
  if (!model) die(model.error().message);
  const int repetitions = std::max(1, std::atoi(argv[2]));
  std::map<std::string, onnx::Tensor> inputs;
  for (int i = 3; i < argc; ++i) {
    const std::string argument = argv[i];
    const auto equals = argument.find('=');
    if (equals == std::string::npos) die("inputs are NAME=FILE.npy");
    auto bytes = read_file(argument.substr(equals + 1));
    if (!bytes) die(bytes.error().message);
    auto tensor = onnx::parse_npy(*bytes);
    if (!tensor) die(tensor.error().message);
    inputs.emplace(argument.substr(0, equals), std::move(*tensor));
  }
  auto encoded = onnx::encode_inputs(*model, inputs);
  if (!encoded) die(encoded.error().message);
  auto oracle = std::make_shared<InMemoryPreimageOracle>();
  oracle->set_program_input(std::move(*encoded));

  const double inference = median_ms(repetitions, [&] {
    if (!onnx::run(*model, inputs)) die("the interpreter failed");
  });
  const auto started = Clock::now();
  auto program = onnx::make_program(*model, Hash{});
  if (!program) die(program.error().message);
  (void)(*program)->absolute_prestate();  // the initializers' commitments, once per program
  const double load = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  const double trace = median_ms(repetitions, [&] {
    auto machine = (*program)->start(oracle);
    while (machine->status() == VmStatus::running) {
      if (!machine->run(1)) die("the trace failed");
    }
  });
  const double committed = median_ms(repetitions, [&] {
    auto machine = (*program)->start(oracle);
    while (machine->status() == VmStatus::running) {
      if (!machine->run(1)) die("the trace failed");
      (void)machine->commitment();
    }
  });
  const std::uint64_t steps = (*program)->step_total();
  const double witnesses = median_ms(std::max(1, repetitions / 10), [&] {
    auto machine = (*program)->start(oracle);
    while (machine->status() == VmStatus::running) {
      if (!machine->step_with_witness()) die("a witness failed");
    }
  });
  std::printf(
      "{\"steps\": %llu, \"inference_ms\": %.4f, \"trace_ms\": %.4f, \"committed_ms\": %.4f, "
      "\"program_ms\": %.4f, \"witness_ms_per_step\": %.4f}\n",
      static_cast<unsigned long long>(steps), inference, trace, committed, load,
      witnesses / static_cast<double>(steps));
  return 0;
}
