// Any bytes as an ONNX model: the loader accepts or refuses them with a reason; whatever it
// accepts is traced for up to 64 steps on zero inputs of its declared shapes, every step's
// witness verified by the off-chain step verifier to the machine's next state.
#include "../onnx/onnx_test_support.hpp"
#include "faultline/onnx/trace.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace faultline;
  static const auto backend = onnx::make_backend();
  auto program = backend->load(ByteView(data, size));
  if (!program) {
    fuzz::expect(!program.error().message.empty(), "a refused model without a reason");
    return 0;
  }
  const auto& model = dynamic_cast<const onnx::TraceProgram&>(**program).model();
  // Inputs of a fuzzed size would only cost time.
  const auto inputs = onnx::test::zero_inputs(model, 1U << 16);
  if (!inputs) return 0;
  auto encoded = onnx::encode_inputs(model, *inputs);
  fuzz::expect(encoded.ok(), "inputs of the declared names do not encode");
  auto oracle = std::make_shared<InMemoryPreimageOracle>();
  oracle->set_program_input(std::move(*encoded));
  const auto disagreement = onnx::test::trace_disagreement(*backend, **program, oracle, 64);
  if (disagreement) std::fprintf(stderr, "%s\n", disagreement->c_str());
  fuzz::expect(!disagreement, "an honest ONNX witness does not verify to the machine's state");
  return 0;
}
