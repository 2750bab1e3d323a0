// Op coverage on the EVM: every step of the coverage programs of every VM profile (every op of
// both isa.def tables; see tests/common/op_coverage.hpp) runs on the Solidity step verifier,
// which must return the C++ post-state commitment; its stateCommitment must return the C++
// commitment of every pre- and post-state.
#include <catch2/catch.hpp>

#include "faultline/mips/backend.hpp"
#include "faultline/riscv/backend.hpp"
#include "mips_op_coverage.hpp"
#include "riscv_op_coverage.hpp"
#include "step_chain.hpp"

using namespace faultline;

TEST_CASE("every RISC-V and MIPS op's step runs the same on the EVM", "[slow]") {
  test::StepChain& chain = test::StepChain::shared();
  for (const auto family : {test::Family::riscv, test::Family::mips}) {
    for (const unsigned bits : {32u, 64u}) {
      const bool riscv = family == test::Family::riscv;
      const auto profile =
          riscv ? test::riscv_coverage_profile(bits) : test::mips_coverage_profile(bits);
      const auto backend = riscv ? riscv::make_backend(bits) : mips::make_backend(bits);
      const auto programs =
          riscv ? test::riscv_coverage_programs(bits) : test::mips_coverage_programs(bits);
      const auto executed = test::cover_profile(
          profile, *backend, programs,
          [&](const StepWitness& w, Machine& machine, const PreimageOracle& oracle) {
            for (const PreimageRead& read : w.preimages)
              chain.provide(oracle, read);
            const auto on_chain = chain.step(family, bits, w.state, w.proof);
            INFO("step " << w.step << ", revert data " << to_hex(on_chain.data));
            REQUIRE_FALSE(on_chain.reverted);
            const Hash post = machine.commitment();
            REQUIRE(on_chain.data == Bytes(post.begin(), post.end()));
            // stateCommitment: of the pre-state, and of the post-state (halted ones too).
            const auto pre = backend->step_verifier().state_commitment(w.state);
            REQUIRE(pre.ok());
            const auto pre_on_chain = chain.state_commitment(family, bits, w.state);
            REQUIRE_FALSE(pre_on_chain.reverted);
            REQUIRE(pre_on_chain.data == Bytes(pre->begin(), pre->end()));
            const auto post_on_chain = chain.state_commitment(family, bits, machine.encode_state());
            REQUIRE_FALSE(post_on_chain.reverted);
            REQUIRE(post_on_chain.data == Bytes(post.begin(), post.end()));
          });
      const auto missing = test::missing_ops(profile, executed);
      INFO(profile.backend << " ops never sent to the EVM: " << Catch::Detail::stringify(missing));
      CHECK(missing.empty());
    }
  }
}
