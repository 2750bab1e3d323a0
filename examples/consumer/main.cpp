// Uses the installed package: keccak256(""), a Merkle root, the backends' names, and the chain
// client's address of private key 1.
#include <faultline/chain/transaction.hpp>
#include <faultline/dispute/game.hpp>
#include <faultline/framework.hpp>
#include <faultline/mips/backend.hpp>
#include <faultline/onnx/model.hpp>
#include <faultline/program_executor.hpp>
#include <faultline/riscv/backend.hpp>
#include <iostream>

#ifdef __FAST_MATH__
#error "faultline's determinism flags (-fno-fast-math) did not reach this build"
#endif

int main() {
  faultline::MerkleMemory memory(32);
  const std::uint8_t word[] = {0xde, 0xad, 0xbe, 0xef};
  if (!memory.write(0x1000, word)) return 1;
  std::cout << "faultline " << faultline::kVersion << "\n"
            << "keccak256(\"\") = " << faultline::to_hex(faultline::keccak256({})) << "\n"
            << "memory root    = " << faultline::to_hex(memory.root()) << "\n"
            << "backends       = " << faultline::riscv::make_backend(64)->name() << ", "
            << faultline::mips::make_backend(32)->name() << "\n"
            << "game length    = " << faultline::dispute::GameConfig{}.trace_length() << "\n"
            << "ONNX opsets    = " << faultline::onnx::kMinOpset << " to "
            << faultline::onnx::kMaxOpset << " ("
            << (faultline::onnx::Model::load(faultline::Bytes{0xff}).ok() ? "?" : "loader runs")
            << ")\n";
  faultline::Hash key{};
  key[31] = 1;
  const auto address = faultline::chain::address_of_key(key);
  if (!address) return 1;
  std::cout << "address of key 1 = " << faultline::chain::to_hex(*address) << "\n";
  return 0;
}
