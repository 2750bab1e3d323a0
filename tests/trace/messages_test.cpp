// The trace service's schema (proto/faultline/trace/v1/trace_service.proto): real witnesses of
// RISC-V and ONNX traces survive the trip through their message byte for byte, malformed
// messages are refused with the field named, and the service declares the five calls the
// schema documents.
#include <catch2/catch.hpp>

#include "faultline/file.hpp"
#include "faultline/keccak.hpp"
#include "faultline/onnx/trace.hpp"
#include "faultline/program_executor.hpp"
#include "faultline/riscv/backend.hpp"
#include "faultline/trace/messages.hpp"
#include "faultline/trace/v1/trace_service.grpc.pb.h"

namespace {

using namespace faultline;

/// Every witness of `program`'s first `steps` steps, through a serialized message and back.
void round_trip_every_witness(const Program& program,
                              std::shared_ptr<InMemoryPreimageOracle> oracle, std::uint64_t steps) {
  ProgramExecutor executor(program, oracle);
  for (std::uint64_t i = 0; i < steps; ++i) {
    auto witness = executor.witness_at(i);
    REQUIRE(witness.ok());
    const std::string wire = trace::to_message(*witness).SerializeAsString();
    trace::v1::GetWitnessResponse parsed;
    REQUIRE(parsed.ParseFromString(wire));
    auto back = trace::from_message(parsed);
    REQUIRE(back.ok());
    CHECK(back->step == witness->step);
    CHECK(back->state == witness->state);
    CHECK(back->proof == witness->proof);
    CHECK(back->preimages == witness->preimages);
    CHECK(back->supplied_preimages == witness->supplied_preimages);
  }
}

}  // namespace

TEST_CASE("witnesses of real traces survive their trip through the trace service's message") {
  const auto riscv = riscv::make_backend(64);
  auto fib = riscv->load_file(std::string(FAULTLINE_RISCV64_GUEST_DIR) + "/fib.elf");
  REQUIRE(fib.ok());
  round_trip_every_witness(**fib, std::make_shared<InMemoryPreimageOracle>(), 200);
  // An ONNX trace: its witnesses supply the tensors they read.
  auto model = onnx::Model::load_file(std::string(FAULTLINE_ONNX_MODELS) + "/mlp.onnx");
  REQUIRE(model.ok());
  onnx::Tensor x{ElementType::float32, {1, 4}, Bytes(16, 0)};
  auto input = onnx::encode_inputs(*model, {{"x", x}});
  REQUIRE(input.ok());
  auto program = onnx::make_program(std::move(*model), Hash{});
  REQUIRE(program.ok());
  auto oracle = std::make_shared<InMemoryPreimageOracle>();
  oracle->set_program_input(std::move(*input));
  round_trip_every_witness(**program, oracle, (*program)->step_total() + 1);
}

TEST_CASE("a malformed witness message is refused with its field named") {
  trace::v1::GetWitnessResponse message;
  message.add_preimages()->set_key(std::string(31, '\1'));
  const auto refused = trace::from_message(message);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == Errc::malformed_input);
  CHECK_THAT(refused.error().message, Catch::Contains("preimages[0].key holds 31 bytes"));
  CHECK(trace::hash_field(std::string(33, '\0'), "claims[2]").error().message ==
        "claims[2] holds 33 bytes, not 32");
  CHECK(trace::hash_field(std::string(32, '\7'), "claims[2]").ok());
}

TEST_CASE("a trace id binds the backend, the artifact and the input") {
  Hash artifact{}, input{};
  artifact[0] = 1;
  const Hash id = trace::trace_id("riscv64", artifact, input);
  CHECK(id != trace::trace_id("riscv32", artifact, input));
  input[31] = 1;
  CHECK(id != trace::trace_id("riscv64", artifact, input));
  // The backend name ends with a zero byte, so no name-and-hash pair can pose as another.
  Bytes preimage;
  for (const char c : std::string_view("faultline.trace.v1riscv64"))
    preimage.push_back(static_cast<std::uint8_t>(c));
  preimage.push_back(0);
  preimage.insert(preimage.end(), artifact.begin(), artifact.end());
  preimage.insert(preimage.end(), 32, 0);
  CHECK(id == keccak256(preimage));
}

TEST_CASE("the trace service declares the calls its schema documents") {
  CHECK(std::string(trace::v1::TraceService::service_full_name()) ==
        "faultline.trace.v1.TraceService");
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      "faultline.trace.v1.TraceService");
  REQUIRE(service != nullptr);
  std::vector<std::string> methods;
  for (int i = 0; i < service->method_count(); ++i)
    methods.push_back(service->method(i)->name());
  CHECK(methods == std::vector<std::string>{"ListTraces", "GetClaims", "GetWitness", "GetPreimages",
                                            "WatchProgress"});
  CHECK(service->FindMethodByName("WatchProgress")->server_streaming());
}
