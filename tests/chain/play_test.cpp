// `faultline game play` end to end on anvil, with real programs and the real step verifiers:
// the disputed step is one that reads the program's input through the preimage oracle, so the
// stepping party loads the game's local data or the input's keccak preimage part into the
// onchain oracle before the step (the RISC-V and the MIPS verifiers read them there).
#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "faultline/file.hpp"
#include "faultline/mips/backend.hpp"
#include "faultline/program_executor.hpp"
#include "faultline/riscv/backend.hpp"
#include "run_command.hpp"

namespace {

using namespace faultline;
using Json = nlohmann::json;

struct Guest {
  std::string backend;
  std::unique_ptr<Backend> (*make)();
  std::string elf;
};

const Guest kGuests[] = {
    {"riscv64", [] { return riscv::make_backend(64); }, FAULTLINE_RISCV64_GUEST_DIR "/echo.elf"},
    {"mips32", [] { return mips::make_backend(32); }, FAULTLINE_MIPS32_GUEST_DIR "/echo.elf"}};

/// The first step that reads a preimage of `type`.
std::uint64_t first_read(const Guest& guest, const std::string& input, PreimageKeyType type) {
  const auto backend = guest.make();
  const auto artifact = read_file(guest.elf);
  REQUIRE(artifact.ok());
  auto program = backend->load(*artifact);
  REQUIRE(program.ok());
  auto oracle = std::make_shared<InMemoryPreimageOracle>();
  oracle->set_program_input(Bytes(input.begin(), input.end()));
  ProgramExecutor executor(**program, oracle);
  for (std::uint64_t step = 0; step < 100'000; ++step) {
    auto witness = executor.witness_at(step);
    REQUIRE(witness.ok());
    for (const PreimageRead& read : witness->preimages) {
      if (preimage_key_type(read.key) == type) return step;
    }
  }
  FAIL("no step reads a preimage of that type");
  return 0;
}

Json play(const std::string& arguments) {
  const auto result = test::run_command(std::string(FAULTLINE_CLI) + " game play " + arguments +
                                        " --json --progress none");
  INFO(arguments << "\n" << result.output);
  REQUIRE(result.status == 0);
  return Json::parse(result.output);
}

}  // namespace

TEST_CASE("game play: the honest side steps through the input's preimage reads on chain",
          "[slow]") {
  const std::string input = "a fault proof on a chain\n";
  const std::string input_file = "play_test_input.txt";
  REQUIRE(write_file(input_file, as_bytes(input)).ok());
  for (const Guest& guest : kGuests) {
    for (const PreimageKeyType type : {PreimageKeyType::local, PreimageKeyType::keccak256}) {
      const std::uint64_t step = first_read(guest, input, type);
      for (const char* role : {"challenger", "proposer"}) {
        INFO(guest.backend << ": the step at " << step << " reads "
                           << (type == PreimageKeyType::local ? "local" : "keccak")
                           << " data; honest " << role);
        // The liar's states are wrong from the state after that step on, so the game ends in
        // it: the honest proposer steps it; against the honest challenger, the liar's own
        // step (the preimage part loaded first) is rejected, and the honest claim stands.
        const Json game = play("--backend " + guest.backend + " " + guest.elf + " --input " +
                               input_file + " --dishonest lie-from --lie-at " +
                               std::to_string(step + 1) + " --honest-role " + role);
        CHECK(game["winner"] == "honest");
        const Json& last = game["moves"].back();
        // The step itself, or the last counter (k = 2: over two steps) holding it.
        const auto lo = last["segment"][0].get<std::uint64_t>();
        const auto hi = last["segment"][1].get<std::uint64_t>();
        CHECK((lo <= step && step + 1 <= hi && hi - lo <= 2));
        CHECK(last["party"] == "honest");
        CHECK(last["kind"] == (std::string(role) == "proposer" ? "step" : "counter"));
        CHECK(game["gas"]["preimage_loads"].get<std::uint64_t>() > 0);
        CHECK(game["game_balance_after_claims"] == "0x0");
      }
    }
  }
}

TEST_CASE("game play: an unchallenged honest claim stands once its clock runs out", "[slow]") {
  const Json game =
      play("--backend riscv64 " FAULTLINE_RISCV64_GUEST_DIR "/fib.elf --unchallenged");
  CHECK(game["winner"] == "honest");
  CHECK(game["root_stands"] == true);
  CHECK(game["moves"].size() == 1);
  CHECK(game["gas"]["resolutions"].get<std::uint64_t>() > 0);
  CHECK(game["game_balance_after_claims"] == "0x0");
}

TEST_CASE("game play: bad options and a missing chain are clear errors", "[slow]") {
  const std::string cli = std::string(FAULTLINE_CLI) + " game play --backend riscv64 " +
                          FAULTLINE_RISCV64_GUEST_DIR + "/fib.elf ";
  auto result = test::run_command(cli + "--chunk 3 --arity 2 2>&1");
  CHECK(result.status == 2);
  CHECK_THAT(result.output, Catch::Contains("--chunk must be a power of the arity"));
  result = test::run_command(cli + "--rpc http://127.0.0.1:1 2>&1");
  CHECK(result.status == 1);
  CHECK_THAT(result.output, Catch::Contains("127.0.0.1:1"));
  result = test::run_command(cli + "--contracts /nonexistent 2>&1");
  CHECK(result.status == 1);
  CHECK_THAT(result.output, Catch::Contains("no contract artifacts in /nonexistent"));
  result = test::run_command(cli + "--unchallenged --honest-role challenger 2>&1");
  CHECK(result.status == 2);
}
