// The interpreter (interpreter.hpp) on the MLP of make_models.py: numpy's output within float
// rounding, the same bytes on every compiler (a pinned hash, checked by the g++ release and the
// clang sanitizer builds alike), and clear errors for inputs that do not fit.
#include <catch2/catch.hpp>
#include <cmath>

#include "../../backends/onnx/src/node_execution.hpp"
#include "../../backends/onnx/src/tensor_access.hpp"
#include "faultline/file.hpp"
#include "faultline/keccak.hpp"
#include "faultline/onnx/interpreter.hpp"
#include "faultline/onnx/operators.hpp"
#include "onnx_test_support.hpp"

namespace {

using namespace faultline;
using namespace faultline::onnx;

const std::string kModels = FAULTLINE_ONNX_MODELS;

Tensor tensor_file(const std::string& name) {
  Tensor tensor = test::tensor_file(kModels, name);
  REQUIRE_FALSE(tensor.data.empty());
  return tensor;
}

}  // namespace

TEST_CASE("the MLP runs to numpy's output, to the same bytes on every compiler") {
  auto model = Model::load_file(kModels + "/mlp.onnx");
  REQUIRE(model.ok());
  auto outputs = run(*model, {{"x", tensor_file("mlp_input.pb")}});
  REQUIRE(outputs.ok());
  const Tensor& y = outputs->at("y");
  const Tensor expected = tensor_file("mlp_expected.pb");
  REQUIRE(y.shape == expected.shape);
  const auto got = onnx::detail::values<float>(y), want = onnx::detail::values<float>(expected);
  for (std::size_t i = 0; i < got.size(); ++i)
    CHECK(std::fabs(got[i] - want[i]) <= 1e-6F * (1 + std::fabs(want[i])));
  CHECK(to_hex(keccak256(y.data)) == FAULTLINE_ONNX_MLP_OUTPUT_HASH);
}

TEST_CASE("the canonical dot product adds in eight lanes, then pairwise") {
  // 1 + 2^-24 is not a float: each lane order below gives a different rounding.
  float a[16], b[16];
  for (int i = 0; i < 16; ++i) {
    a[i] = i == 0 ? 1.0F : std::ldexp(1.0F, -24);
    b[i] = 1.0F;
  }
  // Lane 0: 1 + 2^-24 = 1 (rounded); lanes 1..7: 2 · 2^-24 each; then pairwise.
  float lanes[8] = {1.0F, 0, 0, 0, 0, 0, 0, 0};
  lanes[0] = lanes[0] + a[8];
  for (int j = 1; j < 8; ++j)
    lanes[j] = a[j] + a[j + 8];
  const float expected = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
                         ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
  CHECK(canonical_dot(a, 1, b, 1, 16) == expected);
  float sequential = 0;
  for (int i = 0; i < 16; ++i)
    sequential = sequential + a[i];
  CHECK(canonical_dot(a, 1, b, 1, 16) != sequential);  // the order is not left to right
}

TEST_CASE("inputs that do not fit the model are clear errors") {
  auto model = Model::load_file(kModels + "/mlp.onnx");
  REQUIRE(model.ok());
  const Tensor x = tensor_file("mlp_input.pb");
  CHECK_THAT(run(*model, {}).error().message, Catch::Contains("\"x\" is not given"));
  Tensor wrong_type = x;
  wrong_type.type = ElementType::int32;
  CHECK_THAT(run(*model, {{"x", wrong_type}}).error().message, Catch::Contains("must be float32"));
  Tensor wrong_shape = x;
  wrong_shape.shape = {4, 1};
  CHECK_THAT(run(*model, {{"x", wrong_shape}}).error().message,
             Catch::Contains("does not fit the model's"));
  Tensor short_data = x;
  short_data.data.pop_back();
  CHECK(run(*model, {{"x", short_data}}).error().code == Errc::malformed_input);
  CHECK_THAT(run(*model, {{"x", x}, {"z", x}}).error().message, Catch::Contains("no input \"z\""));
}

TEST_CASE("kernels called directly: Not, the global pools") {
  const OperatorInfo* info = find_operator("Not");
  REQUIRE(info != nullptr);
  Node node;
  node.op_type = "Not";
  Tensor input = onnx::detail::make_tensor(ElementType::boolean, {2, 2},
                                           std::vector<std::uint8_t>{0, 1, 1, 0});
  const Tensor* arguments[] = {&input};
  auto output = info->kernel(node, std::span<const Tensor* const>(arguments), 13);
  REQUIRE(output.ok());
  CHECK(output->at(0).data == Bytes{1, 0, 0, 1});
  CHECK(output->at(0).shape == input.shape);
  input.type = ElementType::int32;
  CHECK_FALSE(info->kernel(node, std::span<const Tensor* const>(arguments), 13).ok());

  // One image of two channels, 2 × 3 each: means and maxima per channel.
  const Tensor image =
      onnx::detail::make_tensor(ElementType::float32, {1, 2, 2, 3},
                                std::vector<float>{1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, 8});
  const Tensor* pooled[] = {&image};
  for (const auto& [op, expected] :
       {std::pair{"GlobalAveragePool", std::vector<float>{3.5F, -7.0F / 6.0F}},
        std::pair{"GlobalMaxPool", std::vector<float>{6, 8}}}) {
    INFO(op);
    Node pool;
    pool.op_type = op;
    auto result = find_operator(op)->kernel(pool, std::span<const Tensor* const>(pooled), 13);
    REQUIRE(result.ok());
    CHECK(result->at(0).shape == std::vector<std::uint64_t>{1, 2, 1, 1});
    CHECK(onnx::detail::values<float>(result->at(0)) == expected);
  }
}

TEST_CASE("a node's subgraphs spend one budget of runs and bytes") {
  onnx::detail::SubgraphBudget budget;
  bool within = true;
  for (std::uint64_t i = 0; i < onnx::detail::SubgraphBudget::kMaxRuns; ++i)
    within = budget.spend_run() && within;
  CHECK(within);
  CHECK_FALSE(budget.spend_run());
  onnx::detail::SubgraphBudget bytes;
  CHECK(bytes.spend_bytes(onnx::detail::SubgraphBudget::kMaxBytes - 1));
  CHECK(bytes.spend_bytes(1));
  CHECK_FALSE(bytes.spend_bytes(1));
  onnx::detail::SubgraphBudget vast;
  CHECK_FALSE(vast.spend_bytes(~std::uint64_t{0}));
}
