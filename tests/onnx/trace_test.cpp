// The ONNX trace (trace.hpp): a model's operators as steps, each verified from its witness
// alone; tampered witnesses fail with named errors; a kernel's error is a fault the verifier
// agrees on; the state commits to the program, the live values and the step.
#include <catch2/catch.hpp>
#include <cstring>

#include "faultline/file.hpp"
#include "faultline/keccak.hpp"
#include "faultline/onnx/interpreter.hpp"
#include "faultline/onnx/npy.hpp"
#include "faultline/onnx/trace.hpp"
#include "faultline/step_verifier.hpp"
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

std::map<std::string, Tensor> trace_inputs() {
  return {{"image", tensor_file("trace_image.pb")}, {"bias", tensor_file("trace_bias.pb")}};
}

struct Loaded {
  std::unique_ptr<TraceProgram> program;
  std::shared_ptr<InMemoryPreimageOracle> oracle;
};

Loaded load(const std::string& model_name, const std::map<std::string, Tensor>& inputs,
            std::uint64_t per_step = 1) {
  auto model = Model::load_file(kModels + "/" + model_name);
  REQUIRE(model.ok());
  auto input = encode_inputs(*model, inputs);
  REQUIRE(input.ok());
  auto program = make_program(std::move(*model), Hash{}, TraceOptions{per_step});
  REQUIRE(program.ok());
  auto oracle = std::make_shared<InMemoryPreimageOracle>();
  oracle->set_program_input(std::move(*input));
  return {std::move(*program), std::move(oracle)};
}

TraceMachine& trace(Machine& machine) {
  return dynamic_cast<TraceMachine&>(machine);
}

Tensor float_tensor(std::vector<std::uint64_t> shape, std::vector<float> values) {
  Tensor tensor{ElementType::float32, std::move(shape), {}};
  tensor.data.resize(values.size() * 4);
  std::memcpy(tensor.data.data(), values.data(), tensor.data.size());
  return tensor;
}

Tensor int64_tensor(std::vector<std::int64_t> values) {
  Tensor tensor{ElementType::int64, {values.size()}, {}};
  tensor.data.resize(values.size() * 8);
  std::memcpy(tensor.data.data(), values.data(), tensor.data.size());
  return tensor;
}

std::map<std::string, Tensor> control_inputs(bool flag) {
  const auto npy = [](const std::string& name) {
    auto bytes = read_file(kModels + "/" + name);
    REQUIRE(bytes.ok());
    return parse_npy(*bytes).value();
  };
  return {{"x", npy("control_x.npy")},
          {"flag", npy(flag ? "control_true.npy" : "control_false.npy")}};
}

/// Runs the whole trace step by step; every witness must verify to the machine's next state.
void check_every_step(const Loaded& loaded) {
  const auto backend = make_backend();
  const StepVerifier& verifier = backend->step_verifier();
  auto machine = loaded.program->start(loaded.oracle);
  CHECK(machine->commitment() == loaded.program->absolute_prestate());
  std::uint64_t steps = 0;
  while (machine->status() == VmStatus::running) {
    const Hash pre = machine->commitment();
    auto witness = machine->step_with_witness();
    REQUIRE(witness.ok());
    CHECK(witness->step == steps);
    auto post = verify_step(verifier, pre, *witness, *loaded.oracle);
    INFO("step " << steps);
    REQUIRE(post.ok());
    CHECK(*post == machine->commitment());
    ++steps;
  }
  if (machine->status() == VmStatus::exited_ok) CHECK(steps == loaded.program->step_total());
  // A halted state steps to itself, reading nothing.
  auto halted = machine->step_with_witness();
  REQUIRE(halted.ok());
  CHECK(halted->proof.empty());
  CHECK(verify_step(verifier, machine->commitment(), *halted, *loaded.oracle).value() ==
        machine->commitment());
}

}  // namespace

TEST_CASE("the trace runs a model to the interpreter's outputs and keeps only live values") {
  const Loaded loaded = load("trace.onnx", trace_inputs());
  CHECK(loaded.program->operation_count() == 12);  // loading the inputs, then 11 nodes
  CHECK(loaded.program->step_total() == 12);
  auto machine = loaded.program->start(loaded.oracle);
  TraceMachine& values = trace(*machine);
  CHECK(values.value("image") == nullptr);  // operation 0 loads it
  CHECK(values.value("conv_w") != nullptr);
  REQUIRE(machine->run(1).value() == 1);
  CHECK(values.value("image") != nullptr);
  REQUIRE(machine->run(2).value() == 2);   // Conv, Relu
  CHECK(values.value("conv") == nullptr);  // Relu was its last reader
  CHECK(values.value("image") == nullptr);
  CHECK(values.value("relu") != nullptr);
  CHECK(values.outputs().error().code == Errc::invalid_argument);
  REQUIRE(machine->run(100).value() == 9);

  CHECK(machine->status() == VmStatus::exited_ok);
  CHECK(machine->step_count() == 12);
  CHECK(values.value("mask") == nullptr);    // made, never read
  CHECK(values.value("pooled") != nullptr);  // a graph output, read by Flatten too
  auto model = Model::load_file(kModels + "/trace.onnx");
  REQUIRE(model.ok());
  const auto expected = run(*model, trace_inputs());
  REQUIRE(expected.ok());
  CHECK(values.outputs().value() == *expected);
  // The same bytes from every compiler: the g++ release and clang sanitizer builds alike.
  const Hash final_state = machine->commitment();
  CHECK(to_hex(final_state) == FAULTLINE_ONNX_TRACE_COMMITMENT);
  // A halted trace stays as it is.
  CHECK(machine->run(5).value() == 0);
  CHECK(machine->commitment() == final_state);
}

TEST_CASE(
    "every step's witness verifies to the machine's next state, one or more operators a "
    "step") {
  for (const std::uint64_t per_step : {1, 2, 5, 20}) {
    INFO(per_step << " operators a step");
    check_every_step(load("trace.onnx", trace_inputs(), per_step));
  }
  check_every_step(load("mlp.onnx", {{"x", tensor_file("mlp_input.pb")}}));
}

TEST_CASE("N operators a step end at the same values in fewer steps") {
  const Loaded one = load("trace.onnx", trace_inputs(), 1);
  const Loaded five = load("trace.onnx", trace_inputs(), 5);
  CHECK(five.program->step_total() == 3);
  CHECK(one.program->absolute_prestate() != five.program->absolute_prestate());
  auto a = one.program->start(one.oracle);
  auto b = five.program->start(five.oracle);
  REQUIRE(a->run(100).value() == 12);
  REQUIRE(b->run(100).value() == 3);
  CHECK(trace(*a).outputs().value() == trace(*b).outputs().value());
  // The states differ only in operators_per_step and step: the values root is the same.
  const Bytes sa = a->encode_state(), sb = b->encode_state();
  CHECK(std::equal(sa.begin(), sa.begin() + 80, sb.begin()));
}

TEST_CASE("the absolute prestate binds the model, not the input") {
  auto inputs = trace_inputs();
  const Loaded first = load("trace.onnx", inputs);
  inputs.at("bias").data[0] ^= 1;
  const Loaded second = load("trace.onnx", inputs);
  CHECK(first.program->absolute_prestate() == second.program->absolute_prestate());
  auto a = first.program->start(first.oracle);
  auto b = second.program->start(second.oracle);
  REQUIRE(a->run(1).ok());
  REQUIRE(b->run(1).ok());
  CHECK(a->commitment() != b->commitment());
  const Loaded mlp = load("mlp.onnx", {{"x", tensor_file("mlp_input.pb")}});
  CHECK(mlp.program->absolute_prestate() != first.program->absolute_prestate());
}

TEST_CASE("tampered witnesses fail with named errors") {
  const Loaded loaded = load("trace.onnx", trace_inputs());
  const auto backend = make_backend();
  const StepVerifier& verifier = backend->step_verifier();
  auto machine = loaded.program->start(loaded.oracle);
  REQUIRE(machine->run(7).ok());  // before MatMul(flat, dense_w)
  const Hash pre = machine->commitment();
  auto witness = machine->step_with_witness();
  REQUIRE(witness.ok());
  const Hash post = machine->commitment();
  REQUIRE(verify_step(verifier, pre, *witness, *loaded.oracle).value() == post);
  // Supplied: the operation's encoding, then the two input tensors.
  REQUIRE(witness->supplied_preimages.size() == 3);

  SECTION("a changed input byte: the preimage the proof names is missing") {
    StepWitness bad = *witness;
    bad.supplied_preimages[1].back() ^= 1;
    CHECK(verify_step(verifier, pre, bad, *loaded.oracle).error().code == Errc::not_found);
  }
  SECTION("a changed input byte, its key changed to match: not the value the state holds") {
    StepWitness bad = *witness;
    bad.supplied_preimages[1].back() ^= 1;
    const PreimageKey key = keccak_preimage_key(bad.supplied_preimages[1]);
    // The first input's key follows the operation's proof in the proof bytes.
    const unsigned graph_height = 4;  // 12 operations
    std::copy(key.begin(), key.end(), bad.proof.begin() + 32 * (1 + graph_height));
    const auto result = verify_step(verifier, pre, bad, *loaded.oracle);
    CHECK(result.error().code == Errc::invalid_proof);
    CHECK_THAT(result.error().message, Catch::Contains("not the value the state holds"));
  }
  SECTION("a wrong proof") {
    StepWitness bad = *witness;
    bad.proof.back() ^= 1;  // a sibling of the last write
    CHECK(verify_step(verifier, pre, bad, *loaded.oracle).error().code == Errc::invalid_proof);
    bad = *witness;
    bad.proof[40] ^= 1;  // a sibling of the operation's leaf
    CHECK(verify_step(verifier, pre, bad, *loaded.oracle).error().code == Errc::invalid_proof);
  }
  SECTION("a cut proof or bytes left over") {
    StepWitness bad = *witness;
    bad.proof.resize(bad.proof.size() - 1);
    CHECK(verify_step(verifier, pre, bad, *loaded.oracle).error().code == Errc::malformed_input);
    bad = *witness;
    bad.proof.push_back(0);
    const auto extra = verify_step(verifier, pre, bad, *loaded.oracle);
    CHECK(extra.error().code == Errc::malformed_input);
    CHECK_THAT(extra.error().message, Catch::Contains("does not read"));
  }
  SECTION("a wrong output: a claimed post-state the step does not reach") {
    // The liar's state after MatMul holds another `dense`: no witness reaches it, since the
    // verifier computes the output itself.
    auto liar = loaded.program->start(loaded.oracle);
    REQUIRE(liar->run(8).ok());
    CHECK(liar->commitment() == post);
    StepWitness other = *witness;
    const auto computed = verify_step(verifier, pre, other, *loaded.oracle);
    CHECK(computed.value() == post);
    Bytes lie = liar->encode_state();
    lie[40] ^= 1;  // the values root of a state holding another output
    CHECK(verifier.state_commitment(lie).value() != *computed);
  }
  SECTION("a state that is not the agreed one, or does not decode") {
    StepWitness bad = *witness;
    bad.state[33] ^= 1;
    CHECK(verify_step(verifier, pre, bad, *loaded.oracle).error().code == Errc::invalid_proof);
    CHECK(verifier.step(bad.state, bad.proof, WitnessPreimages(bad, *loaded.oracle)).error().code ==
          Errc::invalid_proof);
    bad = *witness;
    bad.state.pop_back();
    CHECK(verifier.state_commitment(bad.state).error().code == Errc::malformed_input);
    bad = *witness;
    bad.state.back() = 7;  // no such status
    CHECK(verifier.state_commitment(bad.state).error().code == Errc::malformed_input);
    bad = *witness;
    bad.state[95] = 40;  // a running state past its last step
    CHECK(verifier.state_commitment(bad.state).error().code == Errc::malformed_input);
  }
}

TEST_CASE("a kernel's error and an input that does not fit are faults the verifier agrees on") {
  SECTION("a Reshape to a shape of another size faults at its step") {
    const Loaded loaded = load("reshape.onnx", {{"x", float_tensor({2, 3}, {1, -2, 3, -4, 5, -6})},
                                                {"shape", int64_tensor({4, 4})}});
    check_every_step(loaded);
    auto machine = loaded.program->start(loaded.oracle);
    CHECK(machine->run(10).value() == 3);
    CHECK(machine->status() == VmStatus::faulted);
    CHECK_THAT(machine->fault_description(), Catch::Contains("step 2"));
    CHECK_THAT(machine->fault_description(), Catch::Contains("Reshape"));
    CHECK(trace(*machine).value("r") != nullptr);  // the values before the faulting step stay
  }
  SECTION("a Reshape that fits runs") {
    const Loaded loaded = load("reshape.onnx", {{"x", float_tensor({2, 3}, {1, -2, 3, -4, 5, -6})},
                                                {"shape", int64_tensor({3, 2})}});
    auto machine = loaded.program->start(loaded.oracle);
    REQUIRE(machine->run(10).ok());
    CHECK(machine->status() == VmStatus::exited_ok);
    CHECK(trace(*machine).outputs()->at("y") == float_tensor({3, 2}, {1, 0, 3, 0, 5, 0}));
  }
  SECTION("inputs of the wrong shape or type fault the first step") {
    check_every_step(load("reshape.onnx", {{"x", float_tensor({3, 2}, {1, 2, 3, 4, 5, 6})},
                                           {"shape", int64_tensor({3, 2})}}));
    const Loaded wrong_type = load(
        "reshape.onnx", {{"x", int64_tensor({1, 2, 3, 4, 5, 6})}, {"shape", int64_tensor({3, 2})}});
    check_every_step(wrong_type);
    auto machine = wrong_type.program->start(wrong_type.oracle);
    CHECK(machine->run(10).value() == 1);
    CHECK(machine->status() == VmStatus::faulted);
    CHECK_THAT(machine->fault_description(), Catch::Contains("must be float32"));
  }
  SECTION("a program input that is not the model's inputs faults the first step") {
    Loaded loaded = load("mlp.onnx", {{"x", tensor_file("mlp_input.pb")}});
    for (const Bytes& input : {Bytes{}, Bytes(8, 0), Bytes{0, 0, 0, 0, 0, 0, 0, 1, 0xff}}) {
      loaded.oracle = std::make_shared<InMemoryPreimageOracle>();
      loaded.oracle->set_program_input(input);
      check_every_step(loaded);
      auto machine = loaded.program->start(loaded.oracle);
      CHECK(machine->run(10).value() == 1);
      CHECK(machine->status() == VmStatus::faulted);
    }
    loaded.oracle = std::make_shared<InMemoryPreimageOracle>();
    REQUIRE(loaded.oracle->set_local(local_preimage_key(kProgramInputSlot), Bytes(5)).ok());
    check_every_step(loaded);
    auto machine = loaded.program->start(loaded.oracle);
    CHECK(machine->run(10).value() == 1);
    CHECK_THAT(machine->fault_description(), Catch::Contains("not a 32-byte preimage key"));
  }
}

TEST_CASE("If, Loop and Scan are steps whose witnesses carry the values their subgraphs capture") {
  for (const bool flag : {true, false}) {
    INFO("flag " << flag);
    const Loaded loaded = load("control_flow.onnx", control_inputs(flag));
    // Loading, MatMul, If, Loop, Scan, Add: each subgraph runs inside its node's step.
    CHECK(loaded.program->step_total() == 6);
    check_every_step(loaded);
    auto machine = loaded.program->start(loaded.oracle);
    REQUIRE(machine->run(2).ok());
    const Hash pre = machine->commitment();
    auto witness = machine->step_with_witness();  // the If
    REQUIRE(witness.ok());
    // The operation, then the condition and the captured flag (read by the nested If), h, x.
    REQUIRE(witness->supplied_preimages.size() == 5);
    StepWitness bad = *witness;
    bad.supplied_preimages.back().back() ^= 1;  // a byte of the captured x
    const auto backend = make_backend();
    CHECK(verify_step(backend->step_verifier(), pre, bad, *loaded.oracle).error().code ==
          Errc::not_found);
    REQUIRE(machine->run(100).ok());
    CHECK(machine->status() == VmStatus::exited_ok);
    auto model = Model::load_file(kModels + "/control_flow.onnx");
    REQUIRE(model.ok());
    CHECK(trace(*machine).outputs().value() == run(*model, control_inputs(flag)).value());
  }
}

TEST_CASE("a Loop that nothing stops faults once its budget is spent, and the verifier agrees") {
  const Loaded loaded = load("endless_loop.onnx", {{"x", float_tensor({1, 4}, {1, 2, 3, 4})}});
  check_every_step(loaded);
  auto machine = loaded.program->start(loaded.oracle);
  CHECK(machine->run(10).value() == 3);  // loading, Constant, Loop
  CHECK(machine->status() == VmStatus::faulted);
  CHECK_THAT(machine->fault_description(),
             Catch::Contains("more than 1048576 nodes and iterations"));
  auto model = Model::load_file(kModels + "/endless_loop.onnx");
  REQUIRE(model.ok());
  CHECK_THAT(run(*model, {{"x", float_tensor({1, 4}, {1, 2, 3, 4})}}).error().message,
             Catch::Contains("more than 1048576 nodes and iterations"));
}

TEST_CASE("subgraphs nest up to 16 deep in a trace") {
  const auto inputs = control_inputs(true);
  const Loaded deepest =
      load("deepest_ifs.onnx", {{"c", inputs.at("flag")}, {"x", inputs.at("x")}});
  check_every_step(deepest);
  auto machine = deepest.program->start(deepest.oracle);
  REQUIRE(machine->run(10).ok());
  CHECK(trace(*machine).outputs().value().at("y16") == inputs.at("x"));
  CHECK_THAT(Model::load_file(kModels + "/deep_ifs.onnx").error().message,
             Catch::Contains("nest more than 16 deep"));
}

TEST_CASE("a missing input preimage is the host's error, and the machine stays as it was") {
  const Loaded loaded = load("mlp.onnx", {{"x", tensor_file("mlp_input.pb")}});
  auto machine = loaded.program->start(std::make_shared<InMemoryPreimageOracle>());
  const Hash before = machine->commitment();
  CHECK(machine->run(1).error().code == Errc::not_found);
  CHECK(machine->step_with_witness().error().code == Errc::not_found);
  CHECK(machine->commitment() == before);
  CHECK(machine->step_count() == 0);
}

TEST_CASE("tensor encodings round-trip, and bad ones are refused") {
  const Tensor tensor = float_tensor({2, 2}, {1, 2, 3, 4});
  const Bytes encoded = encode_tensor(tensor);
  CHECK(encoded.size() == 1 + 8 + 16 + 16);
  CHECK(decode_tensor(encoded).value() == tensor);
  Bytes cut = encoded;
  cut.pop_back();
  CHECK(decode_tensor(cut).error().code == Errc::malformed_input);
  Bytes longer = encoded;
  longer.push_back(0);
  CHECK(decode_tensor(longer).error().code == Errc::malformed_input);
  Bytes unknown = encoded;
  unknown[0] = 8;  // strings
  CHECK(decode_tensor(unknown).error().code == Errc::malformed_input);
  Bytes vast = encoded;
  vast[9] = 0x40;  // a first dimension of 2^62
  CHECK(decode_tensor(vast).error().code == Errc::out_of_range);
  Bytes rank = encoded;
  rank[1] = 0x7f;  // a rank no bytes could hold
  CHECK(decode_tensor(rank).error().code == Errc::malformed_input);
  const Tensor scalar{ElementType::int64, {}, Bytes(8, 1)};
  CHECK(decode_tensor(encode_tensor(scalar)).value() == scalar);
}

TEST_CASE("the backend loads models, names its state layout and refuses what it cannot trace") {
  auto backend = make_backend();
  CHECK(backend->name() == "onnx");
  REQUIRE(backend->state_layout().has_value());
  CHECK(check_state_layout(*backend->state_layout()).ok());
  CHECK(backend->state_layout()->size() == kStateSize);
  auto external = backend->load_file(kModels + "/mlp_external.onnx");
  REQUIRE(external.ok());
  auto bytes = read_file(kModels + "/mlp_external.onnx");
  REQUIRE(bytes.ok());
  CHECK(backend->load(*bytes).error().code == Errc::invalid_argument);
  CHECK(external.value()->artifact_hash() == keccak256(*bytes));
  CHECK(backend->load_file(kModels + "/if.onnx").ok());
  CHECK(backend->load_file(kModels + "/deep_ifs.onnx").error().code == Errc::unsupported);
  auto model = Model::load_file(kModels + "/mlp.onnx");
  REQUIRE(model.ok());
  CHECK(make_program(*model, Hash{}, TraceOptions{0}).error().code == Errc::invalid_argument);
  CHECK(encode_inputs(*model, {}).error().code == Errc::invalid_argument);
  CHECK(encode_inputs(*model, {{"x", tensor_file("mlp_input.pb")}, {"z", Tensor{}}}).error().code ==
        Errc::invalid_argument);
}
