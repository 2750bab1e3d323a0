// Any bytes as a program for each of the four profiles: the loader accepts or refuses them
// with a reason, and whatever it accepts runs the same at full speed and step by step, every
// step's witness verified.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace faultline;
  const auto oracle = fuzz::seed_oracle();
  for (const auto& profile : fuzz::profiles()) {
    auto program = profile.backend->load(ByteView(data, size));
    if (!program) {
      fuzz::expect(!program.error().message.empty(), "a refused program without a reason");
      continue;
    }
    fuzz::check_paths_agree(*profile.backend, **program, oracle, 64);
  }
  return 0;
}
