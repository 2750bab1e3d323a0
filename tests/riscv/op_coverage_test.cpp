// Op coverage under an independent oracle: every op of isa.def for RV32 and RV64 runs in a
// program whose output qemu-user must reproduce byte for byte (or, for the four ops that always
// fault, in a program that qemu-user kills with a signal), each step also verified from its
// witness. The EVM counterpart is tests/evm/op_coverage_test.cpp.
#include <catch2/catch.hpp>

#include "faultline/riscv/backend.hpp"
#include "riscv_op_coverage.hpp"

using namespace faultline;

TEST_CASE("every RV32 and RV64 op runs under qemu-user with the same result", "[slow]") {
  for (const unsigned xlen : {32u, 64u}) {
    const auto profile = test::riscv_coverage_profile(xlen);
    const auto backend = riscv::make_backend(xlen);
    const auto executed = test::cover_profile(
        profile, *backend, test::riscv_coverage_programs(xlen),
        [&](const StepWitness& w, Machine& machine, const PreimageOracle& oracle) {
          const auto post = backend->step_verifier().step(w.state, w.proof, oracle);
          REQUIRE(post.ok());
          REQUIRE(*post == machine.commitment());
        });
    const auto missing = test::missing_ops(profile, executed);
    INFO("RV" << xlen << " ops never executed: " << Catch::Detail::stringify(missing));
    CHECK(missing.empty());
    CHECK_FALSE(executed.contains("illegal"));
  }
}
