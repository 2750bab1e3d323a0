// Writes the verifier stub of the toy layout (toy_layout.hpp) under a Foundry project root, as
// `faultline verifier gen` does for a built-in backend: toy_stub_gen DIR.
#include <iostream>

#include "faultline/solidity_stub.hpp"
#include "toy_layout.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: toy_stub_gen DIR\n";
    return 2;
  }
  auto files = faultline::generate_verifier_stub("toy", faultline::test::kToyLayout);
  if (!files) {
    std::cerr << "toy_stub_gen: " << files.error().message << "\n";
    return 1;
  }
  if (auto written = faultline::write_solidity_files(*files, argv[1], true); !written) {
    std::cerr << "toy_stub_gen: " << written.error().message << "\n";
    return 1;
  }
  return 0;
}
