// The official ONNX backend node tests (Debian's libonnx-testdata, ONNX 1.12's 932 cases): every
// case whose operators (subgraphs' included) are all in the registry must give the expected outputs
// within the tolerance of ONNX's own backend test runner (rtol 1e-3, atol 1e-7; integers exactly),
// or be refused as unsupported (an element type a kernel does not compute yet: counted and
// reported, not passed). The test writes a report of every operator's counts to onnx_node_tests.md
// in its working directory.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
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

/// The operators of a graph and of its subgraphs, however deep.
void operators_of(const Graph& graph, std::set<std::string>& out) {
  for (const Node& node : graph.nodes) {
    out.insert(node.op_type);
    for (const Graph* subgraph : subgraphs(node))
      operators_of(*subgraph, out);
  }
}

}  // namespace

TEST_CASE("the official node tests of every registered operator pass") {
  const fs::path root = FAULTLINE_ONNX_NODE_TESTS;
  REQUIRE(fs::is_directory(root));
  std::set<fs::path> cases;
  for (const fs::directory_entry& entry : fs::directory_iterator(root))
    cases.insert(entry.path());
  struct Count {
    std::size_t cases = 0, passed = 0, unsupported = 0;
  };
  std::map<std::string, Count> by_operator;
  std::vector<std::string> failures;
  std::size_t loaded = 0, run_cases = 0, unsupported_cases = 0, inconsistent_cases = 0;
  const std::set<std::string> kInconsistentCases = {
      "test_castlike_BFLOAT16_to_FLOAT", "test_castlike_BFLOAT16_to_FLOAT_expanded",
      "test_castlike_FLOAT_to_BFLOAT16", "test_castlike_FLOAT_to_BFLOAT16_expanded"};
  for (const fs::path& folder : cases) {
    auto model = Model::load_file(folder / "model.onnx");
    if (!model) continue;
    ++loaded;
    std::set<std::string> ops, inner_ops;
    for (const Node& node : model->graph().nodes)
      ops.insert(node.op_type);
    operators_of(model->graph(), inner_ops);
    const bool covered = std::all_of(inner_ops.begin(), inner_ops.end(), [](const std::string& op) {
      return find_operator(op) != nullptr;
    });
    if (!covered) continue;
    ++run_cases;
    bool passed = true, unsupported = false;
    for (int set = 0; passed && fs::exists(folder / ("test_data_set_" + std::to_string(set)));
         ++set) {
      const fs::path data = folder / ("test_data_set_" + std::to_string(set));
      std::map<std::string, Tensor> inputs;
      for (std::size_t i = 0; i < model->graph().inputs.size(); ++i) {
        auto bytes = read_file((data / ("input_" + std::to_string(i) + ".pb")).string());
        REQUIRE(bytes.ok());
        auto tensor = parse_tensor(*bytes);
        REQUIRE(tensor.ok());
        // numpy has no bfloat16: ONNX's cases keep bfloat16 data as uint16.
        const ValueInfo& declared = model->graph().inputs[i];
        if (declared.type == ElementType::bfloat16 && tensor->second.type == ElementType::uint16) {
          tensor->second.type = ElementType::bfloat16;
        }
        inputs[declared.name] = std::move(tensor->second);
      }
      auto outputs = run(*model, inputs);
      if (!outputs && outputs.error().code == Errc::unsupported) {
        unsupported = true;
        passed = false;
        break;
      }
      // Four official cases give their "like" input a shape other than the model declares; the
      // interpreter refuses such inputs, as it must.
      if (!outputs && kInconsistentCases.contains(folder.filename().string()) &&
          outputs.error().message.find("does not fit the model's") != std::string::npos) {
        ++inconsistent_cases;
        passed = false;
        break;
      }
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
    if (unsupported) ++unsupported_cases;
    for (const std::string& op : ops) {
      ++by_operator[op].cases;
      if (passed) ++by_operator[op].passed;
      if (unsupported) ++by_operator[op].unsupported;
    }
  }
  // The docs' operator table, made from the registry and this run.
  const std::size_t passed_cases =
      run_cases - failures.size() - unsupported_cases - inconsistent_cases;
  std::string table =
      "| operator | since opset | what it computes | official node-test cases passed |\n"
      "|---|---|---|---|\n";
  for (const OperatorInfo& info : operators()) {
    const Count& count = by_operator[std::string(info.name)];
    std::string summary(info.summary);
    for (std::size_t at = summary.find('|'); at != std::string::npos;
         at = summary.find('|', at + 2))
      summary.replace(at, 1, "\\|");
    table += "| " + std::string(info.name) + " | " + std::to_string(info.since) + " | " + summary +
             " | " + std::to_string(count.passed) + " of " + std::to_string(count.cases) +
             (count.unsupported ? " (" + std::to_string(count.unsupported) + " unsupported)" : "") +
             " |\n";
  }
  table += "\n" + std::to_string(cases.size()) + " cases in all: " + std::to_string(loaded) +
           " load, " + std::to_string(run_cases) + " use only registered operators, " +
           std::to_string(passed_cases) + " pass, " + std::to_string(unsupported_cases) +
           " are refused as unsupported, " + std::to_string(inconsistent_cases) +
           " give inputs of shapes their model does not declare.\n";
  std::ofstream("onnx_node_tests.md") << table;
  // docs/backends/onnx.md holds the same table between its markers; FAULTLINE_WRITE_DOCS=1
  // (make onnx-table) writes it there.
  const std::string begin = "<!-- operators:begin -->\n", end = "<!-- operators:end -->";
  auto doc = read_file(FAULTLINE_ONNX_DOC);
  REQUIRE(doc.ok());
  std::string text(doc->begin(), doc->end());
  const auto from = text.find(begin), to = text.find(end);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  const std::string documented = text.substr(from + begin.size(), to - from - begin.size());
  if (std::getenv("FAULTLINE_WRITE_DOCS") != nullptr) {
    text.replace(from + begin.size(), to - from - begin.size(), table);
    std::ofstream(FAULTLINE_ONNX_DOC) << text;
  } else {
    INFO("docs/backends/onnx.md's operator table is out of date: run make onnx-table");
    CHECK(documented == table);
  }
  for (const std::string& failure : failures)
    UNSCOPED_INFO(failure);
  CHECK(failures.empty());
  CHECK(inconsistent_cases == kInconsistentCases.size());
  // Every registered operator passes official cases.
  for (const OperatorInfo& info : operators()) {
    INFO(info.name);
    CHECK(by_operator[std::string(info.name)].passed > 0);
  }
  WARN(cases.size() << " node-test cases, " << loaded << " load, " << run_cases
                    << " run (registered operators only), " << passed_cases << " pass, "
                    << unsupported_cases << " unsupported");
}
