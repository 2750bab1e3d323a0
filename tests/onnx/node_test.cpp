// The official ONNX backend node tests (Debian's libonnx-testdata, ONNX 1.12's 932 cases): every
// case whose operators are all in the registry must give the expected outputs within the
// tolerance of ONNX's own backend test runner (rtol 1e-3, atol 1e-7; integers exactly). The
// test writes a report of every operator's pass count to onnx_node_tests.md in its working
// directory.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "../../backends/onnx/src/tensor_access.hpp"
#include "faultline/file.hpp"
#include "faultline/onnx/interpreter.hpp"
#include "faultline/onnx/operators.hpp"

namespace {

using namespace faultline;
using namespace faultline::onnx;
namespace fs = std::filesystem;

/// Why `actual` is not `expected` within the tolerance, or empty.
std::string difference(const Tensor& expected, const Tensor& actual) {
  if (expected.type != actual.type) {
    return "type " + std::string(element_type_name(actual.type)) + ", expected " +
           std::string(element_type_name(expected.type));
  }
  if (expected.shape != actual.shape) {
    return "shape " + detail::shape_text(actual.shape) + ", expected " +
           detail::shape_text(expected.shape);
  }
  const auto close = [](double want, double got) {
    if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
    if (std::isinf(want) || std::isinf(got)) return want == got;
    return std::fabs(got - want) <= 1e-7 + 1e-3 * std::fabs(want);
  };
  if (expected.type == ElementType::float32 || expected.type == ElementType::float64) {
    const bool single = expected.type == ElementType::float32;
    const std::size_t count = expected.data.size() / (single ? 4 : 8);
    const auto want = single ? std::vector<double>() : detail::values<double>(expected);
    const auto got = single ? std::vector<double>() : detail::values<double>(actual);
    const auto want32 = single ? detail::values<float>(expected) : std::vector<float>();
    const auto got32 = single ? detail::values<float>(actual) : std::vector<float>();
    for (std::size_t i = 0; i < count; ++i) {
      const double w = single ? want32[i] : want[i], g = single ? got32[i] : got[i];
      if (!close(w, g)) {
        return "element " + std::to_string(i) + " is " + std::to_string(g) + ", expected " +
               std::to_string(w);
      }
    }
    return {};
  }
  return expected.data == actual.data ? std::string() : "integer elements differ";
}

}  // namespace

TEST_CASE("the official node tests of every registered operator pass") {
  const fs::path root = FAULTLINE_ONNX_NODE_TESTS;
  REQUIRE(fs::is_directory(root));
  std::set<fs::path> cases;
  for (const fs::directory_entry& entry : fs::directory_iterator(root))
    cases.insert(entry.path());
  struct Count {
    std::size_t cases = 0, passed = 0;
  };
  std::map<std::string, Count> by_operator;
  std::vector<std::string> failures;
  std::size_t loaded = 0, run_cases = 0;
  for (const fs::path& folder : cases) {
    auto model = Model::load_file(folder / "model.onnx");
    if (!model) continue;
    ++loaded;
    std::set<std::string> ops;
    bool covered = true;
    for (const Node& node : model->graph().nodes) {
      ops.insert(node.op_type);
      covered = covered && find_operator(node.op_type) != nullptr;
    }
    if (!covered) continue;
    ++run_cases;
    bool passed = true;
    for (int set = 0; passed && fs::exists(folder / ("test_data_set_" + std::to_string(set)));
         ++set) {
      const fs::path data = folder / ("test_data_set_" + std::to_string(set));
      std::map<std::string, Tensor> inputs;
      for (std::size_t i = 0; i < model->graph().inputs.size(); ++i) {
        auto bytes = read_file((data / ("input_" + std::to_string(i) + ".pb")).string());
        REQUIRE(bytes.ok());
        auto tensor = parse_tensor(*bytes);
        REQUIRE(tensor.ok());
        inputs[model->graph().inputs[i].name] = std::move(tensor->second);
      }
      auto outputs = run(*model, inputs);
      if (!outputs) {
        failures.push_back(folder.filename().string() + ": " + outputs.error().message);
        passed = false;
        break;
      }
      for (std::size_t i = 0; i < model->graph().outputs.size(); ++i) {
        auto bytes = read_file((data / ("output_" + std::to_string(i) + ".pb")).string());
        REQUIRE(bytes.ok());
        auto expected = parse_tensor(*bytes);
        REQUIRE(expected.ok());
        const std::string why =
            difference(expected->second, outputs->at(model->graph().outputs[i].name));
        if (!why.empty()) {
          failures.push_back(folder.filename().string() + " output " + std::to_string(i) + ": " +
                             why);
          passed = false;
        }
      }
    }
    for (const std::string& op : ops) {
      ++by_operator[op].cases;
      if (passed) ++by_operator[op].passed;
    }
  }
  std::ofstream report("onnx_node_tests.md");
  report << "| operator | node-test cases | passed |\n|---|---|---|\n";
  std::size_t passed_cases = 0;
  for (const auto& [op, count] : by_operator) {
    report << "| " << op << " | " << count.cases << " | " << count.passed << " |\n";
  }
  passed_cases = run_cases - failures.size();
  report << "\n"
         << cases.size() << " cases, " << loaded << " load, " << run_cases
         << " use only registered operators, " << passed_cases << " pass\n";
  for (const std::string& failure : failures)
    UNSCOPED_INFO(failure);
  CHECK(failures.empty());
  // Every registered operator is tested by the official cases.
  for (const OperatorInfo& info : operators()) {
    INFO(info.name);
    CHECK(by_operator[std::string(info.name)].cases > 0);
  }
  WARN(cases.size() << " node-test cases, " << loaded << " load, " << run_cases
                    << " run (registered operators only), " << passed_cases << " pass");
}
