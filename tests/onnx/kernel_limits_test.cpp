// Kernels called with the inputs an adversary would choose (a review's findings, each one a
// case): vast shapes of no elements, sizes that overflow, scalars that are not, NaN where an
// integer is made. Each is an error naming the node or a defined result, never a crash, an
// exhausted host or undefined behaviour (the sanitizer build runs this too).
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "../../backends/onnx/src/tensor_access.hpp"
#include "faultline/onnx/operators.hpp"

namespace {

using namespace faultline;
using namespace faultline::onnx;
using onnx::detail::make_tensor;
using onnx::detail::values;

constexpr std::uint64_t kVast = std::uint64_t{1} << 40;

Result<std::vector<Tensor>> call(const std::string& op, std::vector<const Tensor*> inputs,
                                 std::map<std::string, AttributeValue> attributes = {},
                                 std::int64_t opset = 17, std::size_t outputs = 1) {
  const OperatorInfo* info = find_operator(op);
  REQUIRE(info != nullptr);
  Node node;
  node.op_type = op;
  node.attributes = std::move(attributes);
  node.outputs.assign(outputs, "out");
  return info->kernel(node, inputs, opset);
}

Tensor floats(std::vector<std::uint64_t> shape, std::vector<float> data) {
  return make_tensor(ElementType::float32, std::move(shape), data);
}

Tensor longs(std::vector<std::uint64_t> shape, std::vector<std::int64_t> data) {
  return make_tensor(ElementType::int64, std::move(shape), data);
}

}  // namespace

TEST_CASE("vast shapes of no elements are refused before any loop or allocation") {
  const Tensor empty = floats({0, kVast}, {});
  const Tensor k = longs({1}, {0});
  CHECK(call("TopK", {&empty, &k}).error().code == Errc::invalid_argument);
  CHECK(call("ReduceSum", {&empty}, {{"keepdims", std::int64_t{1}}}, 11).error().code ==
        Errc::invalid_argument);
  const Tensor vast_zero = floats({kVast, 0}, {});
  CHECK_FALSE(call("ReduceMean", {&vast_zero}, {{"axes", std::vector<std::int64_t>{1}}}, 11).ok());
  const Tensor a = floats({1 << 20, 1 << 20, 0, 3}, {});
  const Tensor b = floats({3, 4}, std::vector<float>(12, 1.0F));
  CHECK_FALSE(call("MatMul", {&a, &b}).ok());
  CHECK_FALSE(call("Softmax", {&empty}).ok());
  CHECK_FALSE(call("Concat", {&empty, &empty}, {{"axis", std::int64_t{0}}}).ok());
  // A short tensor (bytes that do not fit its shape) is refused too.
  Tensor short_tensor = floats({2, 2}, {1, 2, 3, 4});
  short_tensor.data.pop_back();
  CHECK_FALSE(call("Relu", {&short_tensor}).ok());
}

TEST_CASE("sizes that would overflow are errors") {
  const Tensor x = floats({3}, {1, 2, 3});
  const Tensor huge_repeats = longs({1}, {6148914691236517206LL});
  CHECK_FALSE(call("Tile", {&x, &huge_repeats}).ok());
  const Tensor one = floats({1, 4}, {1, 2, 3, 4});
  const Tensor wrapping_split = longs({3}, {INT64_MAX, INT64_MAX, 3});
  CHECK_FALSE(call("Split", {&one, &wrapping_split}, {{"axis", std::int64_t{0}}}, 13, 3).ok());
  const Tensor image = floats({1, 4, 1, 1}, {1, 2, 3, 4});
  CHECK_FALSE(call("DepthToSpace", {&image}, {{"blocksize", std::int64_t{1} << 32}}).ok());
  const Tensor pads = longs({2}, {INT64_MAX, 0});
  CHECK_FALSE(call("Pad", {&x, &pads}).ok());
  // A step of INT64_MIN and starts far outside the axis: defined, one element.
  const Tensor starts = longs({1}, {-1}), ends = longs({1}, {INT64_MIN}), axes = longs({1}, {0}),
               steps = longs({1}, {INT64_MIN});
  auto sliced = call("Slice", {&x, &starts, &ends, &axes, &steps});
  REQUIRE(sliced.ok());
  CHECK(values<float>(sliced->at(0)) == std::vector<float>{3});
  // An empty axis with a negative step: no elements, no clamp of an empty range.
  const Tensor nothing = floats({0}, {});
  const Tensor minus_one = longs({1}, {-1});
  auto empty_slice = call("Slice", {&nothing, &starts, &ends, &axes, &minus_one});

  REQUIRE(empty_slice.ok());
  CHECK(empty_slice->at(0).shape == std::vector<std::uint64_t>{0});
}

TEST_CASE("scalars that are not scalars, and shapes that do not fit, are errors") {
  const Tensor start = longs({}, {0}), limit = longs({0}, {}), delta = longs({}, {1});
  CHECK_FALSE(call("Range", {&start, &limit, &delta}).ok());
  const Tensor x = floats({3}, {1, 2, 3});
  const Tensor wide_min = floats({2}, {0, 1});
  CHECK_FALSE(call("Clip", {&x, &wide_min}, {}, 13).ok());
  const Tensor image = floats({1, 1, 3, 3}, std::vector<float>(9, 1.0F));
  const Tensor w = floats({1, 2, 3, 3}, std::vector<float>(18, 1.0F));
  CHECK_FALSE(
      call("ConvTranspose", {&image, &w}, {{"output_shape", std::vector<std::int64_t>{10}}}).ok());
  // Integer ranges near the edges of int64 count exactly.
  const Tensor far = longs({}, {(std::int64_t{1} << 62)}),
               far_limit = longs({}, {(std::int64_t{1} << 62) + 3});
  auto range = call("Range", {&far, &far_limit, &delta});
  REQUIRE(range.ok());
  CHECK(range->at(0).shape == std::vector<std::uint64_t>{3});
}

TEST_CASE("NaN and infinity where an integer is made give a defined result") {
  const float inf = std::numeric_limits<float>::infinity();
  const Tensor x = floats({4}, {std::nanf(""), inf, -inf, 1.0F});
  auto quantized = call("DynamicQuantizeLinear", {&x}, {}, 13, 3);
  REQUIRE(quantized.ok());  // the same bytes on every host: no out-of-range conversion
  const Tensor indices = floats({3}, {1.5F, std::nanf(""), 1e30F});
  const Tensor depth = longs({}, {3});
  const Tensor on_off = floats({2}, {0, 1});
  auto hot = call("OneHot", {&indices, &depth, &on_off}, {{"axis", std::int64_t{-1}}});
  REQUIRE(hot.ok());
  CHECK(values<float>(hot->at(0)) == std::vector<float>{0, 1, 0, 0, 0, 0, 0, 0, 0});
}

TEST_CASE("normalisations of no elements, and bool scatters, are defined") {
  const Tensor x = floats({0, 2, 3}, {});
  const Tensor channel = floats({2}, {1, 1});
  auto batch = call("BatchNormalization", {&x, &channel, &channel, &channel, &channel});
  REQUIRE(batch.ok());
  CHECK(batch->at(0).shape == x.shape);
  auto instance = call("InstanceNormalization", {&x, &channel, &channel});
  REQUIRE(instance.ok());
  const Tensor rows = floats({4, 0}, {});
  const Tensor no_scale = floats({0}, {});
  auto layer = call("LayerNormalization", {&rows, &no_scale}, {}, 17, 3);
  REQUIRE(layer.ok());
  CHECK(layer->at(1).shape == std::vector<std::uint64_t>{4, 1});
  CHECK(layer->at(1).data.size() == 16);
  const Tensor flags = make_tensor(ElementType::boolean, {3}, std::vector<std::uint8_t>{0, 0, 0});
  const Tensor where = longs({1}, {1});
  const Tensor update = make_tensor(ElementType::boolean, {1}, std::vector<std::uint8_t>{1});
  auto scattered = call("ScatterElements", {&flags, &where, &update});
  REQUIRE(scattered.ok());
  CHECK(scattered->at(0).data == Bytes{0, 1, 0});
}

TEST_CASE("Resize bounds its work and memory, and takes no NaN to an integer") {
  // A 4-byte input of rank 30, cubic, scaled by 1.5 along every axis: one output, but its
  // coordinate falls between inputs on every axis: 4^30 terms.
  const Tensor tiny = floats(std::vector<std::uint64_t>(30, 1), {1.0F});
  const Tensor scaled = floats({30}, std::vector<float>(30, 1.5F));
  const std::map<std::string, AttributeValue> cubic = {{"mode", std::string("cubic")}};
  const auto vast = call("Resize", {&tiny, nullptr, &scaled}, cubic, 13);
  CHECK_THAT(vast.error().message, Catch::Contains("2^31 interpolation terms"));
  // An axis that is not resized reads one input: rank 30 at scale 1 is cheap.
  const Tensor ones = floats({30}, std::vector<float>(30, 1.0F));
  CHECK(call("Resize", {&tiny, nullptr, &ones}, cubic, 13).ok());
  // An empty input resized by 2^28 along its other axis: an empty output, no per-index table.
  const Tensor empty = floats({1, 0}, {});
  const Tensor huge_scale = floats({2}, {268435456.0F, 1.0F});
  const auto resized = call("Resize", {&empty, nullptr, &huge_scale}, {}, 13);
  REQUIRE(resized.ok());
  CHECK(resized->front().data.empty());
  // A tiny scale leaves no output; a NaN roi would make NaN coordinates.
  const Tensor row = floats({1, 4}, {1, 2, 3, 4});
  const Tensor shrink = floats({2}, {1.0F, 1e-30F});
  const auto shrunk = call("Resize", {&row, nullptr, &shrink},
                           {{"coordinate_transformation_mode", std::string("asymmetric")}}, 13);
  REQUIRE(shrunk.ok());
  CHECK(shrunk->front().shape == std::vector<std::uint64_t>{1, 0});
  const Tensor sizes = longs({2}, {1, 3});
  const Tensor nan_roi = floats({4}, {0, std::numeric_limits<float>::quiet_NaN(), 1, 1});
  CHECK_FALSE(call("Resize", {&row, &nan_roi, nullptr, &sizes},
                   {{"coordinate_transformation_mode", std::string("tf_crop_and_resize")}}, 13)
                  .ok());
  const Tensor small = floats({2}, {1.0F, 0.5F});
  const auto asymmetric = call("Resize", {&row, nullptr, &small},
                               {{"coordinate_transformation_mode", std::string("asymmetric")},
                                {"mode", std::string("linear")}},
                               13);
  REQUIRE(asymmetric.ok());
  CHECK(values<float>(asymmetric->front()) == std::vector<float>{1, 3});
}
