// stack-evm-check ANVIL ARTIFACTS PROGRAM...: the onchain step against the C++ one. Starts a
// local anvil (127.0.0.1), deploys the PreimageOracle and the completed StackStepVerifier from
// forge's artifacts, then runs each program on the C++ machine to its halt, sending every
// step's witness to the contract: each post-state commitment must be the C++ one, and a witness
// with one proof byte changed must be refused. Uses faultline::chain from the installed package.
#include <cstdio>
#include <string>

#include "faultline/chain/abi.hpp"
#include "faultline/chain/account.hpp"
#include "faultline/chain/anvil.hpp"
#include "faultline/chain/deployment.hpp"
#include "faultline/chain/rpc.hpp"
#include "faultline/preimage_oracle.hpp"
#include "stack/backend.hpp"

namespace {

using namespace faultline;

int fail(const std::string& what) {
  std::fprintf(stderr, "stack-evm-check: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return fail("usage: stack-evm-check ANVIL ARTIFACTS PROGRAM...");
  auto anvil = chain::AnvilProcess::start(argv[1]);
  if (!anvil) return fail(anvil.error().message);
  auto rpc = chain::RpcClient::open(anvil->url());
  if (!rpc) return fail(rpc.error().message);
  chain::Account account(*rpc, *chain::address_from_hex(chain::AnvilProcess::kDevAccount));
  auto artifacts = chain::Artifacts::open(argv[2]);
  if (!artifacts) return fail(artifacts.error().message);
  auto oracle = chain::Deployment::deploy_contract(account, *artifacts, "PreimageOracle.sol",
                                                   "PreimageOracle");
  if (!oracle) return fail(oracle.error().message);
  auto verifier = chain::Deployment::deploy_contract(account, *artifacts, "StackStepVerifier.sol",
                                                     "StackStepVerifier",
                                                     chain::AbiEncoder().address(*oracle).finish());
  if (!verifier) return fail(verifier.error().message);

  // Three pages: the code, the stack and one of data; programs/memory_limit.stk needs a fourth.
  const auto backend = stack::make_backend(3);
  std::uint64_t agreed = 0, refused = 0;
  for (int i = 3; i < argc; ++i) {
    auto program = backend->load_file(argv[i]);
    if (!program) return fail(std::string(argv[i]) + ": " + program.error().message);
    auto machine = (*program)->start(std::make_shared<InMemoryPreimageOracle>());
    // Every step to the halt, and one more: a halted state steps to itself.
    for (bool halted = false; !halted;) {
      halted = machine->status() != VmStatus::running;
      auto witness = machine->step_with_witness();
      if (!witness) return fail(witness.error().message);
      const Hash expected = machine->commitment();
      const auto call = [&](ByteView proof) {
        return account.view(
            *verifier,
            chain::AbiEncoder("step(bytes,bytes)").bytes(witness->state).bytes(proof).finish());
      };
      auto onchain = call(witness->proof);
      if (!onchain) {
        return fail(std::string(argv[i]) + " step " + std::to_string(witness->step) +
                    ": the contract refused the C++ witness: " + onchain.error().message);
      }
      auto post = chain::AbiDecoder(*onchain).word(0);
      if (!post || *post != expected) {
        return fail(std::string(argv[i]) + " step " + std::to_string(witness->step) +
                    ": the contract's post-state differs from the C++ step's");
      }
      ++agreed;
      if (!witness->proof.empty()) {
        Bytes tampered = witness->proof;
        tampered[tampered.size() / 2] ^= 1;
        auto bad = call(tampered);
        if (bad && chain::AbiDecoder(*bad).word(0).value() == expected) {
          return fail(std::string(argv[i]) + " step " + std::to_string(witness->step) +
                      ": a tampered proof reached the honest post-state");
        }
        ++refused;
      }
    }
    std::printf("%s: %llu steps, ended %s\n", argv[i],
                static_cast<unsigned long long>(machine->step_count()),
                std::string(vm_status_name(machine->status())).c_str());
  }
  std::printf(
      "the contract agrees with the C++ step on %llu witnesses; %llu tampered ones "
      "refused\n",
      static_cast<unsigned long long>(agreed), static_cast<unsigned long long>(refused));
  return 0;
}
