// Op coverage under an independent oracle: every op of isa.def for MIPS32 and MIPS64 runs in a
// program whose output qemu-user must reproduce byte for byte (or, for `break`, which always
// faults, in a program that qemu-user kills with a signal), each step also verified from its
// witness. The EVM counterpart is tests/evm/op_coverage_test.cpp.
#include <catch2/catch.hpp>

#include "faultline/mips/backend.hpp"
#include "mips_op_coverage.hpp"

using namespace faultline;

TEST_CASE("every MIPS32 and MIPS64 op runs under qemu-user with the same result", "[slow]") {
  for (const unsigned bits : {32u, 64u}) {
    const auto profile = test::mips_coverage_profile(bits);
    const auto backend = mips::make_backend(bits);
    const auto executed = test::cover_profile(
        profile, *backend, test::mips_coverage_programs(bits),
        [&](const StepWitness& w, Machine& machine, const PreimageOracle& oracle) {
          const auto post = backend->step_verifier().step(w.state, w.proof, oracle);
          REQUIRE(post.ok());
          REQUIRE(*post == machine.commitment());
        });
    const auto missing = test::missing_ops(profile, executed);
    INFO("MIPS" << bits << " ops never executed: " << Catch::Detail::stringify(missing));
    CHECK(missing.empty());
    CHECK_FALSE(executed.contains("illegal"));
  }
}
