// Any bytes as an ONNX model: the loader accepts or refuses them with a reason; whatever it
// accepts is traced for up to 64 steps on zero inputs of its declared shapes, every step's
// witness verified by the off-chain step verifier to the machine's next state.
#include <map>

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
  std::map<std::string, onnx::Tensor> inputs;
  for (const onnx::ValueInfo& input : model.graph().inputs) {
    if (!input.type || !element_size(*input.type)) return 0;
    onnx::Tensor tensor{*input.type, {}, {}};
    std::uint64_t count = 1;
    for (const auto& dimension : input.shape) {
      tensor.shape.push_back(dimension.value_or(1));
      count *= tensor.shape.back();
      if (count > (1U << 16)) return 0;  // inputs of a fuzzed size would only cost time
    }
    tensor.data.assign(count * *element_size(*input.type), 0);
    inputs.emplace(input.name, std::move(tensor));
  }
  auto encoded = onnx::encode_inputs(model, inputs);
  fuzz::expect(encoded.ok(), "inputs of the declared names do not encode");
  auto oracle = std::make_shared<InMemoryPreimageOracle>();
  oracle->set_program_input(std::move(*encoded));
  auto machine = (*program)->start(oracle);
  for (int step = 0; step < 64 && machine->status() == VmStatus::running; ++step) {
    const Hash pre = machine->commitment();
    auto witness = machine->step_with_witness();
    if (!witness) return 0;  // the host's error: the machine stays as it was
    const auto post = verify_step(backend->step_verifier(), pre, *witness, *oracle);
    fuzz::expect(post.ok(), "an honest ONNX witness does not verify");
    fuzz::expect(*post == machine->commitment(), "the verifier and the machine disagree");
  }
  return 0;
}
