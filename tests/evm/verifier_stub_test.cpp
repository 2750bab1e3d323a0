// Verifier stubs from `faultline verifier gen` (riscv64) and from the generator for a toy layout
// declared in the test (toy_layout.hpp), compiled by forge and run on anvil: their state
// commitment equals faultline::state_commitment for random states, their Merkle proof checks
// accept the C++ MerkleMemory's proofs and compute its roots after a write, and bad input
// reverts with the stub's named errors.
#include <catch2/catch.hpp>
#include <random>
#include <variant>

#include "anvil.hpp"
#include "faultline/file.hpp"
#include "faultline/merkle_memory.hpp"
#include "faultline/riscv/backend.hpp"
#include "faultline/riscv/state.hpp"
#include "toy_layout.hpp"

namespace {

using namespace faultline;
using test::Abi;

/// One ABI argument: a dynamic `bytes`, a bytes32 or a uint256 that fits 64 bits.
using Argument = std::variant<Bytes, Hash, std::uint64_t>;

/// Calldata for `signature` with the arguments in order (heads, then the tails of `bytes`).
Bytes call_data(std::string_view signature, const std::vector<Argument>& arguments) {
  Bytes data = Abi::selector(signature);
  Bytes tails;
  for (const Argument& argument : arguments) {
    if (const auto* bytes = std::get_if<Bytes>(&argument)) {
      Abi::word(data, 32 * arguments.size() + tails.size());
      Abi::tail(tails, *bytes);
    } else if (const auto* hash = std::get_if<Hash>(&argument)) {
      Abi::word(data, *hash);
    } else {
      Abi::word(data, std::get<std::uint64_t>(argument));
    }
  }
  data.insert(data.end(), tails.begin(), tails.end());
  return data;
}

/// The revert data of a custom error with uint256 arguments.
Bytes error_data(std::string_view signature, std::initializer_list<std::uint64_t> arguments) {
  Bytes data = Abi::selector(signature);
  for (const std::uint64_t argument : arguments)
    Abi::word(data, argument);
  return data;
}

Hash as_hash(const Bytes& word) {
  REQUIRE(word.size() == 32);
  Hash hash;
  std::copy_n(word.begin(), 32, hash.begin());
  return hash;
}

/// A generated stub on a fresh anvil: the test file's harness, which inherits the verifier.
struct Stub {
  test::Anvil anvil{FAULTLINE_ANVIL};
  std::string address;

  Stub(const std::string& contract, const StateLayout& state_layout) : layout(state_layout) {
    const std::string artifact =
        FAULTLINE_STUB_ARTIFACTS "/" + contract + ".t.sol/" + contract + "Harness.json";
    auto json = read_file(artifact);
    REQUIRE(json.ok());
    address = anvil.deploy(nlohmann::json::parse(json->begin(), json->end())["bytecode"]["object"]);
  }

  test::Anvil::CallOutcome call(std::string_view signature,
                                const std::vector<Argument>& arguments) {
    return anvil.try_view(address, call_data(signature, arguments));
  }

  /// A random encoded state with a valid status byte.
  Bytes random_state(std::mt19937_64& rng) const {
    Bytes state(layout.size());
    for (auto& byte : state)
      byte = static_cast<std::uint8_t>(rng());
    state[layout.find(layout.status_field)->offset] = static_cast<std::uint8_t>(rng() % 4);
    return state;
  }

  VmStatus status_of(const Bytes& state) const {
    return static_cast<VmStatus>(state[layout.find(layout.status_field)->offset]);
  }

  const StateLayout& layout;
};

void check_commitments(Stub& stub, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 64; ++i) {
    const Bytes state = stub.random_state(rng);
    INFO("state " << to_hex(state));
    const Hash expected = state_commitment(state, stub.status_of(state));
    const auto outcome = stub.call("stateCommitment(bytes)", {state});
    REQUIRE_FALSE(outcome.reverted);
    CHECK(as_hash(outcome.data) == expected);

    // step(): a halted state stays as it is; a running one reaches the unimplemented dispatch.
    const auto stepped = stub.call("step(bytes,bytes)", {state, Bytes{}});
    if (stub.status_of(state) == VmStatus::running) {
      CHECK(stepped.reverted);
      CHECK(stepped.data == error_data("NotImplemented(uint256)", {0}));
    } else {
      REQUIRE_FALSE(stepped.reverted);
      CHECK(as_hash(stepped.data) == expected);
    }
  }

  Bytes state = stub.random_state(rng);
  state[stub.layout.find(stub.layout.status_field)->offset] = 7;
  auto outcome = stub.call("stateCommitment(bytes)", {state});
  CHECK(outcome.reverted);
  CHECK(outcome.data == error_data("InvalidStatus(uint256)", {7}));
  state.pop_back();
  outcome = stub.call("stateCommitment(bytes)", {state});
  CHECK(outcome.reverted);
  CHECK(outcome.data == error_data("MalformedState(uint256)", {state.size()}));
}

/// Random memory contents: the stub accepts the C++ proofs of written and untouched leaves,
/// computes the C++ root after a write, and rejects a proof with one byte changed.
void check_memory_proofs(Stub& stub, const MemoryLayout& memory, const std::string& name,
                         std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::uint64_t mask =
      memory.address_bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << memory.address_bits) - 1;
  MerkleMemory ram(memory.address_bits);
  std::vector<std::uint64_t> addresses;
  for (int i = 0; i < 16; ++i) {
    const std::uint64_t address = rng() & mask & ~std::uint64_t{63};
    Bytes data(64);
    for (auto& byte : data)
      byte = static_cast<std::uint8_t>(rng());
    REQUIRE(ram.write(address, data).ok());
    addresses.push_back(address + (rng() % 64));  // a written leaf
    addresses.push_back(rng() & mask);            // most likely a zero leaf
  }
  Bytes state = stub.random_state(rng);
  const Hash root = ram.root();
  std::copy(
      root.begin(), root.end(),
      state.begin() + static_cast<std::ptrdiff_t>(stub.layout.find(memory.root_field)->offset));

  for (const std::uint64_t address : addresses) {
    INFO("address " << hex_number(address));
    Bytes proof = ram.proof(address).encode();
    auto leaf = stub.call(name + "Leaf(bytes,bytes,uint256)", {state, proof, address});
    REQUIRE_FALSE(leaf.reverted);
    CHECK(as_hash(leaf.data) == ram.leaf(address));

    Hash value;
    for (auto& byte : value)
      byte = static_cast<std::uint8_t>(rng());
    MerkleMemory written = ram.snapshot();
    REQUIRE(written.write(address & ~std::uint64_t{31}, value).ok());
    auto new_root = stub.call(name + "RootAfterWrite(bytes,bytes,uint256,bytes32)",
                              {state, proof, address, value});
    REQUIRE_FALSE(new_root.reverted);
    CHECK(as_hash(new_root.data) == written.root());

    proof[32 + rng() % (proof.size() - 32)] ^= 1;  // a sibling changes
    leaf = stub.call(name + "Leaf(bytes,bytes,uint256)", {state, proof, address});
    CHECK(leaf.reverted);
    CHECK(leaf.data == error_data("InvalidMemoryProof(uint256)", {1}));
  }

  Bytes proof = ram.proof(0).encode();
  proof.push_back(0);
  auto leaf = stub.call(name + "Leaf(bytes,bytes,uint256)", {state, proof, std::uint64_t{0}});
  CHECK(leaf.reverted);
  CHECK(leaf.data == error_data("UnusedProofBytes(uint256)", {1}));
  proof.resize(proof.size() - 33);
  leaf = stub.call(name + "Leaf(bytes,bytes,uint256)", {state, proof, std::uint64_t{0}});
  CHECK(leaf.reverted);
  CHECK(leaf.data == error_data("MemoryProofTruncated(uint256)", {1}));
  if (memory.address_bits < 64) {
    const std::uint64_t outside = std::uint64_t{1} << memory.address_bits;
    leaf = stub.call(name + "Leaf(bytes,bytes,uint256)", {state, ram.proof(0).encode(), outside});
    CHECK(leaf.reverted);
    CHECK(leaf.data == error_data("AddressOutOfRange(uint256,uint256)", {1, outside}));
  }
}

}  // namespace

TEST_CASE("verifier stub for riscv64 on anvil: commitments equal the C++ machine's") {
  const auto backend = riscv::make_backend(64);
  const auto layout = backend->state_layout();
  REQUIRE(layout.has_value());
  CHECK(check_state_layout(*layout).ok());
  CHECK(layout->size() == riscv::kEncodedStateSize);
  const auto layout32 = riscv::make_backend(32)->state_layout();
  REQUIRE(layout32.has_value());
  CHECK(layout32->memories[0].address_bits == 32);
  CHECK(layout->memories[0].address_bits == 64);
  Stub stub("Riscv64StepVerifier", *layout);
  check_commitments(stub, 11);

  // A real machine's state, not only random bytes.
  auto elf = read_file(FAULTLINE_RISCV64_GUEST_DIR "/fib.elf");
  REQUIRE(elf.ok());
  auto program = backend->load(*elf);
  REQUIRE(program.ok());
  auto machine = (*program)->start(std::make_shared<InMemoryPreimageOracle>());
  for (const std::uint64_t steps : {0, 1000}) {
    REQUIRE(machine->run(steps).ok());
    const auto outcome = stub.call("stateCommitment(bytes)", {machine->encode_state()});
    REQUIRE_FALSE(outcome.reverted);
    CHECK(as_hash(outcome.data) == machine->commitment());
  }
}

TEST_CASE("verifier stub for riscv64 on anvil: memory proofs are the C++ MerkleMemory's") {
  const auto layout = riscv::make_backend(64)->state_layout();
  REQUIRE(layout.has_value());
  Stub stub("Riscv64StepVerifier", *layout);
  check_memory_proofs(stub, layout->memories[0], "memory", 12);
}

TEST_CASE("verifier stub for a toy layout on anvil: commitments and memory proofs") {
  Stub stub("ToyStepVerifier", test::kToyLayout);
  check_commitments(stub, 13);
  check_memory_proofs(stub, test::kToyLayout.memories[0], "ram", 14);
}
