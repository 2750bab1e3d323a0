// Prints keccak256("") and the root of a small Merkle memory through the installed package.
#include <faultline/framework.hpp>
#include <iostream>

int main() {
  faultline::MerkleMemory memory(32);
  const std::uint8_t word[] = {0xde, 0xad, 0xbe, 0xef};
  if (!memory.write(0x1000, word)) return 1;
  std::cout << "faultline " << faultline::kVersion << "\n"
            << "keccak256(\"\") = " << faultline::to_hex(faultline::keccak256({})) << "\n"
            << "memory root    = " << faultline::to_hex(memory.root()) << "\n";
  return 0;
}
