// The core interfaces, exercised by a tiny counter "backend" written the way a real one is:
// a machine, its program, its step verifier and a registry entry.
#include <catch2/catch.hpp>

#include "faultline/framework.hpp"

namespace {

using namespace faultline;

/// State: an 8-byte little-endian counter that counts to `limit` and then exits.
constexpr std::uint64_t kLimit = 5;

Bytes encode_counter(std::uint64_t counter) {
  Bytes out(8);
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<std::uint8_t>(counter >> (8 * i));
  return out;
}

VmStatus counter_status(std::uint64_t counter) {
  return counter >= kLimit ? VmStatus::exited_ok : VmStatus::running;
}

class CounterMachine final : public Machine {
 public:
  VmStatus status() const noexcept override { return counter_status(counter_); }
  std::uint64_t step_count() const noexcept override { return counter_; }
  std::optional<std::int64_t> exit_code() const noexcept override {
    return status() == VmStatus::running ? std::nullopt : std::optional<std::int64_t>(0);
  }
  Result<std::uint64_t> run(std::uint64_t max_steps) override {
    const std::uint64_t steps = std::min(max_steps, kLimit - counter_);
    counter_ += steps;
    return steps;
  }
  Result<StepWitness> step_with_witness() override {
    StepWitness witness{counter_, encode_counter(counter_), {}, {}, {}};
    (void)run(1);
    return witness;
  }
  Bytes encode_state() override { return encode_counter(counter_); }
  std::unique_ptr<Machine> snapshot() override { return std::make_unique<CounterMachine>(*this); }
  ByteView output(int) const noexcept override { return {}; }

 private:
  std::uint64_t counter_ = 0;
};

class CounterVerifier final : public StepVerifier {
 public:
  Result<Hash> state_commitment(ByteView state) const override {
    auto counter = decode(state);
    if (!counter) return counter.error();
    return faultline::state_commitment(state, counter_status(*counter));
  }
  Result<Hash> step(ByteView state, ByteView proof, const PreimageOracle&) const override {
    auto counter = decode(state);
    if (!counter) return counter.error();
    if (!proof.empty()) return Error{Errc::malformed_input, "counter steps take no proof"};
    const std::uint64_t next = *counter + (*counter < kLimit ? 1 : 0);
    return faultline::state_commitment(encode_counter(next), counter_status(next));
  }

 private:
  static Result<std::uint64_t> decode(ByteView state) {
    if (state.size() != 8) return Error{Errc::malformed_input, "counter state is 8 bytes"};
    std::uint64_t counter = 0;
    for (int i = 7; i >= 0; --i)
      counter = counter << 8 | state[i];
    return counter;
  }
};

class CounterProgram final : public Program {
 public:
  std::string_view backend_name() const noexcept override { return "counter"; }
  const Hash& artifact_hash() const noexcept override { return hash_; }
  std::unique_ptr<Machine> start(std::shared_ptr<const PreimageOracle>) const override {
    return std::make_unique<CounterMachine>();
  }

 private:
  Hash hash_ = keccak256({});
};

class CounterBackend final : public Backend {
 public:
  explicit CounterBackend(std::string name = "counter") : name_(std::move(name)) {}
  std::string_view name() const noexcept override { return name_; }
  std::string_view description() const noexcept override { return "counts to five"; }
  Result<std::unique_ptr<Program>> load(ByteView artifact) const override {
    if (!artifact.empty()) return Error{Errc::malformed_input, "counter programs are empty"};
    return std::unique_ptr<Program>(std::make_unique<CounterProgram>());
  }
  const StepVerifier& step_verifier() const noexcept override { return verifier_; }

 private:
  std::string name_;
  CounterVerifier verifier_;
};

}  // namespace

TEST_CASE("a backend plugs in through the registry and its steps verify") {
  BackendRegistry registry;
  REQUIRE(registry.add(std::make_unique<CounterBackend>()));
  const auto duplicate = registry.add(std::make_unique<CounterBackend>());
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.error().code == Errc::invalid_argument);
  // Names are [a-z][a-z0-9_-]*: they name files and Solidity contracts too.
  for (const char* bad : {"", "Stack VM", "stack vm", "9lives", "stack.vm"}) {
    INFO(bad);
    CHECK(registry.add(std::make_unique<CounterBackend>(bad)).error().code ==
          Errc::invalid_argument);
  }
  CHECK(registry.add(std::make_unique<CounterBackend>("stack-vm_2")).ok());
  const auto missing = registry.find("mips");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("counter") != std::string::npos);

  const auto backend = registry.find("counter");
  REQUIRE(backend.ok());
  CHECK_FALSE((*backend)->state_layout().has_value());  // the default: no declared layout
  REQUIRE_FALSE((*backend)->load(as_bytes("junk")).ok());
  auto program = (*backend)->load({});
  REQUIRE(program.ok());
  auto machine = (*program)->start(std::make_shared<InMemoryPreimageOracle>());
  CHECK(machine->commitment() == (*program)->absolute_prestate());

  // Every step, including those after the halt, verifies from its witness alone.
  InMemoryPreimageOracle oracle;
  for (int i = 0; i < 8; ++i) {
    const Hash pre = machine->commitment();
    const auto witness = machine->step_with_witness();
    REQUIRE(witness.ok());
    const auto post = verify_step((*backend)->step_verifier(), pre, *witness, oracle);
    REQUIRE(post.ok());
    CHECK(*post == machine->commitment());
  }
  CHECK(machine->status() == VmStatus::exited_ok);
  CHECK(commitment_status(machine->commitment()) == VmStatus::exited_ok);
  CHECK(machine->step_count() == kLimit);

  // A witness whose pre-state is not the agreed claim is rejected.
  auto snapshot = machine->snapshot();
  StepWitness stale{0, encode_counter(1), {}, {}, {}};
  const auto rejected =
      verify_step((*backend)->step_verifier(), snapshot->commitment(), stale, oracle);
  REQUIRE_FALSE(rejected.ok());
  CHECK(rejected.error().code == Errc::invalid_proof);
  StepWitness truncated{0, Bytes(3), {}, {}, {}};
  CHECK(verify_step((*backend)->step_verifier(), Hash{}, truncated, oracle).error().code ==
        Errc::malformed_input);
}

TEST_CASE("state commitments carry the VM status in byte 0") {
  const Bytes state = {1, 2, 3};
  for (const auto status :
       {VmStatus::exited_ok, VmStatus::exited_failure, VmStatus::faulted, VmStatus::running}) {
    const Hash commitment = state_commitment(state, status);
    CHECK(commitment_status(commitment) == status);
    Hash digest = keccak256(state);
    CHECK(std::equal(digest.begin() + 1, digest.end(), commitment.begin() + 1));
  }
  Hash bogus{};
  bogus[0] = 9;
  CHECK_FALSE(commitment_status(bogus).has_value());
  CHECK(vm_status_name(VmStatus::faulted) == "faulted");
}

TEST_CASE("preimage keys and the in-memory oracle") {
  InMemoryPreimageOracle oracle;
  const Bytes data = {'h', 'i'};
  const PreimageKey key = oracle.add(data);
  CHECK(preimage_key_type(key) == PreimageKeyType::keccak256);
  const Hash digest = keccak256(data);
  CHECK(std::equal(digest.begin() + 1, digest.end(), key.begin() + 1));
  const auto found = oracle.get(key);
  REQUIRE(found.ok());
  CHECK(Bytes(found->begin(), found->end()) == data);

  const PreimageKey local = local_preimage_key(0x0102);
  CHECK(preimage_key_type(local) == PreimageKeyType::local);
  CHECK(local[30] == 0x01);
  CHECK(local[31] == 0x02);
  REQUIRE(oracle.set_local(local, {7}));
  CHECK((*oracle.get(local))[0] == 7);
  CHECK(oracle.set_local(key, {7}).error().code == Errc::invalid_argument);
  CHECK(oracle.get(local_preimage_key(9)).error().code == Errc::not_found);
}

TEST_CASE("hex round trips and rejects malformed text") {
  const Bytes bytes = {0x00, 0xab, 0xff};
  CHECK(to_hex(bytes) == "0x00abff");
  CHECK(bytes_from_hex("0x00ABff") == bytes);
  CHECK(bytes_from_hex("00abff") == bytes);
  CHECK_FALSE(bytes_from_hex("0x0").has_value());
  CHECK_FALSE(bytes_from_hex("0xzz").has_value());
  CHECK_FALSE(hash_from_hex("0x00").has_value());
  CHECK(hash_from_hex(to_hex(keccak256({}))) == keccak256({}));
  CHECK(hex_number(0) == "0x0");
  CHECK(hex_number(0xdeadbeef) == "0xdeadbeef");
  CHECK(errc_name(Errc::invalid_proof) == "invalid_proof");
}
