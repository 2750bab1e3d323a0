// Mutation loops over real models and witnesses (run under ASan/UBSan by the sanitizer build):
// whatever bytes a party sends, a model file or a step's witness, faultline answers with a
// result or an error that says why, never a crash, a hang or a sanitizer report.
#include <catch2/catch.hpp>
#include <random>

#include "faultline/file.hpp"
#include "faultline/onnx/trace.hpp"
#include "faultline/step_verifier.hpp"
#include "onnx_test_support.hpp"

namespace {

using namespace faultline;
using namespace faultline::onnx;

const std::string kModels = FAULTLINE_ONNX_MODELS;

/// One random change: a byte flipped, set, dropped or inserted, or the tail cut.
Bytes mutate(Bytes bytes, std::mt19937_64& random) {
  if (bytes.empty()) return Bytes{static_cast<std::uint8_t>(random())};
  const std::size_t at = random() % bytes.size();
  switch (random() % 5) {
    case 0:
      bytes[at] ^= static_cast<std::uint8_t>(1U << (random() % 8));
      break;
    case 1:
      bytes[at] = static_cast<std::uint8_t>(random());
      break;
    case 2:
      bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(at));
      break;
    case 3:
      bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                   static_cast<std::uint8_t>(random()));
      break;
    default:
      bytes.resize(at);
      break;
  }
  return bytes;
}

}  // namespace

TEST_CASE("mutated models are loaded and traced, or refused with a reason") {
  const auto backend = make_backend();
  std::mt19937_64 random(20261203);
  std::size_t loaded = 0, refused = 0, traced = 0;
  for (const char* name :
       {"mlp.onnx", "trace.onnx", "reshape.onnx", "transformer.onnx", "control_flow.onnx"}) {
    auto original = read_file(kModels + "/" + name);
    REQUIRE(original.ok());
    for (int round = 0; round < 400; ++round) {
      Bytes bytes = *original;
      const int changes = 1 + static_cast<int>(random() % 4);
      for (int i = 0; i < changes; ++i)
        bytes = mutate(std::move(bytes), random);
      auto program = backend->load(bytes);
      if (!program) {
        ++refused;
        INFO(name << " round " << round);
        CHECK_FALSE(program.error().message.empty());
        continue;
      }
      ++loaded;
      const auto& trace_program = dynamic_cast<const TraceProgram&>(**program);
      const auto inputs = test::zero_inputs(trace_program.model(), 1U << 20);
      if (!inputs) continue;
      auto encoded = encode_inputs(trace_program.model(), *inputs);
      REQUIRE(encoded.ok());
      auto oracle = std::make_shared<InMemoryPreimageOracle>();
      oracle->set_program_input(std::move(*encoded));
      const auto disagreement = test::trace_disagreement(*backend, **program, oracle, 64);
      INFO(name << " round " << round);
      CHECK_FALSE(disagreement.has_value());
      ++traced;
    }
  }
  WARN(loaded << " mutated models loaded (" << traced << " traced, every step verified), "
              << refused << " refused");
  CHECK(refused > 0);
  CHECK(traced > 0);
}

TEST_CASE("mutated witnesses are refused with a reason or reach another state, never a crash") {
  auto model = Model::load_file(kModels + "/trace.onnx");
  REQUIRE(model.ok());
  std::map<std::string, Tensor> inputs;
  for (const auto& [name, file] :
       {std::pair{"image", "trace_image.pb"}, std::pair{"bias", "trace_bias.pb"}}) {
    auto bytes = read_file(kModels + "/" + file);
    REQUIRE(bytes.ok());
    inputs.emplace(name, parse_tensor(*bytes).value().second);
  }
  auto encoded = encode_inputs(*model, inputs);
  REQUIRE(encoded.ok());
  auto program = make_program(std::move(*model), Hash{}, TraceOptions{2});
  REQUIRE(program.ok());
  auto oracle = std::make_shared<InMemoryPreimageOracle>();
  oracle->set_program_input(std::move(*encoded));
  const auto backend = make_backend();
  const StepVerifier& verifier = backend->step_verifier();
  std::mt19937_64 random(7);
  std::size_t refused = 0, other_states = 0;
  auto machine = (*program)->start(oracle);
  while (machine->status() == VmStatus::running) {
    auto witness = machine->step_with_witness();
    REQUIRE(witness.ok());
    const Hash post = machine->commitment();
    for (int round = 0; round < 60; ++round) {
      StepWitness bad = *witness;
      switch (random() % 3) {
        case 0:
          bad.state = mutate(std::move(bad.state), random);
          break;
        case 1:
          bad.proof = mutate(std::move(bad.proof), random);
          break;
        default:
          if (bad.supplied_preimages.empty()) break;
          auto& part = bad.supplied_preimages[random() % bad.supplied_preimages.size()];
          part = mutate(std::move(part), random);
          break;
      }
      const auto result = verifier.step(bad.state, bad.proof, WitnessPreimages(bad, *oracle));
      if (!result) {
        ++refused;
        CHECK_FALSE(result.error().message.empty());
      } else if (*result != post) {
        ++other_states;  // a changed state steps to another state: its own, honestly computed
      }
    }
  }
  WARN(refused << " mutated witnesses refused, " << other_states << " reached another state");
  CHECK(refused > 0);
}
