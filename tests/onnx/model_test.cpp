// The ONNX loader (backends/onnx/model.hpp) on models written by python3-onnx's helpers
// (tests/onnx/make_models.py): what it reads from a good model, that its commitment sees the
// graph and not protobuf's encoding, and a clear error for every kind of bad model.
#include <catch2/catch.hpp>
#include <string>

#include "faultline/file.hpp"
#include "faultline/onnx/model.hpp"

namespace {

using namespace faultline;
using faultline::onnx::Model;

const std::string kModels = FAULTLINE_ONNX_MODELS;

Result<Model> load(const std::string& name) {
  return Model::load_file(kModels + "/" + name);
}

/// The error of loading `name`, which must fail.
Error refusal(const std::string& name) {
  auto model = load(name);
  INFO(name);
  REQUIRE_FALSE(model.ok());
  return model.error();
}

}  // namespace

TEST_CASE("a small MLP loads: opset, inputs, outputs, initializers, nodes in order") {
  auto model = load("mlp.onnx");
  REQUIRE(model.ok());
  CHECK(model->opset() == 13);
  const onnx::Graph& graph = model->graph();
  REQUIRE(graph.inputs.size() == 1);
  CHECK(graph.inputs[0].name == "x");
  CHECK(graph.inputs[0].type == ElementType::float32);
  CHECK(graph.inputs[0].shape == std::vector<std::optional<std::uint64_t>>{1, 4});
  REQUIRE(graph.outputs.size() == 1);
  CHECK(graph.outputs[0].name == "y");
  REQUIRE(graph.nodes.size() == 2);
  CHECK(graph.nodes[0].op_type == "Gemm");
  CHECK(graph.nodes[0].inputs == std::vector<std::string>{"x", "W", "B"});
  CHECK(graph.nodes[1].op_type == "Relu");
  const onnx::Tensor& weights = graph.initializers.at("W");
  CHECK(weights.type == ElementType::float32);
  CHECK(weights.shape == std::vector<std::uint64_t>{4, 3});
  CHECK(weights.data.size() == 48);
}

TEST_CASE("the commitment sees the graph, not names, doc strings or protobuf's encoding") {
  const Hash mlp = load("mlp.onnx")->commitment();
  CHECK(load("mlp_renamed.onnx")->commitment() == mlp);    // node names and doc strings
  CHECK(load("mlp_typed.onnx")->commitment() == mlp);      // float_data instead of raw_data
  CHECK(load("mlp_external.onnx")->commitment() == mlp);   // the weights in an external file
  CHECK(load("mlp_attribute.onnx")->commitment() != mlp);  // one attribute more
  CHECK(load("mlp.onnx")->commitment() == mlp);            // and it is stable
  CHECK(load("mlp_external.onnx")->graph().initializers.at("W") ==
        load("mlp.onnx")->graph().initializers.at("W"));
}

TEST_CASE("attributes that are graphs: an If's two branches") {
  auto model = load("if.onnx");
  REQUIRE(model.ok());
  const onnx::Node& node = model->graph().nodes.at(0);
  CHECK(node.op_type == "If");
  const auto& then_branch =
      std::get<std::shared_ptr<const onnx::Graph>>(node.attributes.at("then_branch"));
  CHECK(then_branch->nodes.at(0).op_type == "Relu");
  CHECK(std::get<std::shared_ptr<const onnx::Graph>>(node.attributes.at("else_branch"))
            ->nodes.at(0)
            .op_type == "Neg");
}

TEST_CASE("bad models are clear errors that name what is wrong") {
  struct Case {
    const char* model;
    Errc code;
    const char* says;
  };
  const Case cases[] = {
      {"unsorted.onnx", Errc::malformed_input, "checker"},
      {"unknown_op.onnx", Errc::malformed_input, "Frobnicate"},
      {"missing_input.onnx", Errc::malformed_input, "nowhere"},
      {"opset0.onnx", Errc::unsupported, "opset 0"},
      {"opset18.onnx", Errc::unsupported, "opset 18"},
      {"other_domain.onnx", Errc::unsupported, "ai.onnx.ml"},
      {"shape_mismatch.onnx", Errc::malformed_input, "Add"},
      {"huge_dims.onnx", Errc::out_of_range, "initializer \"W\""},
      {"short_tensor.onnx", Errc::malformed_input, "initializer \"W\" holds 7 bytes"},
      {"string_tensor.onnx", Errc::unsupported, "initializer \"S\" has element type 8"},
      {"escape_parent.onnx", Errc::invalid_argument, "leaves the model's folder"},
      {"escape_absolute.onnx", Errc::invalid_argument, "leaves the model's folder"},
      {"escape_symlink.onnx", Errc::invalid_argument, "leaves the model's folder"},
      {"missing_external.onnx", Errc::not_found, "no_such_file.bin"},
      {"external_too_long.onnx", Errc::malformed_input, "lies past the end"},
      {"deep_ifs.onnx", Errc::unsupported, "subgraphs nest more than 16 deep"},
  };
  for (const Case& bad : cases) {
    const Error error = refusal(bad.model);
    INFO(bad.model << ": " << error.message);
    CHECK(error.code == bad.code);
    CHECK_THAT(error.message, Catch::Contains(bad.says));
  }
}

TEST_CASE("bytes that are not a model, and external data without a folder, are refused") {
  auto whole = read_file(kModels + "/mlp.onnx");
  REQUIRE(whole.ok());
  // Every truncation of a real model: an error or (where protobuf's fields happen to end) a
  // model the checker judges, never a crash.
  for (std::size_t size = 0; size < whole->size(); size += 7) {
    auto model = Model::load(ByteView(whole->data(), size));
    if (!model) CHECK(model.error().code != Errc::io_error);
  }
  CHECK(Model::load(Bytes{0xff, 0xff, 0xff}).error().code == Errc::malformed_input);
  auto external = read_file(kModels + "/mlp_external.onnx");
  REQUIRE(external.ok());
  CHECK_THAT(Model::load(*external).error().message,
             Catch::Contains("load the model from its file"));
}
