// Every step of the MIPS instruction unit tests (compiled into this binary from tests/mips)
// also runs on the Solidity verifier, which must return the C++ post-state commitment, or
// revert with PreimageNotLoaded where the C++ step blocks on a missing preimage.
#include "mips_cpu.hpp"
#include "step_chain.hpp"

namespace {

using faultline::test::Family;
using faultline::test::MipsWitnessedStep;
using faultline::test::StepChain;

void check_on_chain(const MipsWitnessedStep& step) {
  StepChain& chain = StepChain::shared();
  for (const faultline::PreimageRead& read : step.preimages)
    chain.provide(step.oracle, read);
  const auto outcome = chain.step(Family::mips, step.bits, step.pre, step.proofs);
  INFO("MIPS" << step.bits << " pre-state " << faultline::to_hex(step.pre) << "\nproofs "
              << step.proofs.size() << " bytes; revert data " << faultline::to_hex(outcome.data));
  if (!step.post) {
    faultline::test::require_preimage_not_loaded(outcome);
    return;
  }
  REQUIRE_FALSE(outcome.reverted);
  REQUIRE(outcome.data == faultline::Bytes(step.post->begin(), step.post->end()));
}

const bool installed = [] {
  faultline::test::mips_step_observer() = check_on_chain;
  return true;
}();

}  // namespace
