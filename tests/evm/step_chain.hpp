// An anvil node with the PreimageOracle and the step verifiers of every built-in VM backend
// (RISC-V and MIPS, 32- and 64-bit profiles) deployed: where the EVM tests send steps to
// compare the contracts with the C++ steps.
#pragma once

#include <set>
#include <utility>

#include "anvil.hpp"
#include "faultline/file.hpp"
#include "faultline/machine.hpp"
#include "faultline/preimage_oracle.hpp"

namespace faultline::test {

inline std::string creation_code(const std::string& artifact) {
  auto bytes = read_file(artifact);
  if (!bytes) throw std::runtime_error(bytes.error().message);
  const auto json = nlohmann::json::parse(bytes->begin(), bytes->end());
  return json["bytecode"]["object"];
}

/// The VM families with a Solidity step verifier.
enum class Family { riscv, mips };

class StepChain {
 public:
  StepChain() : anvil_(FAULTLINE_ANVIL) {
    oracle_ = anvil_.deploy(
        creation_code(FAULTLINE_CONTRACTS_OUT "/PreimageOracle.sol/PreimageOracle.json"));
    const std::pair<Family, std::string> contracts[] = {{Family::riscv, "RiscvStepVerifier"},
                                                        {Family::mips, "MipsStepVerifier"}};
    for (const auto& [family, contract] : contracts) {
      for (const unsigned bits : {32u, 64u}) {
        Bytes arguments;
        Abi::address(arguments, oracle_);
        Abi::word(arguments, bits);
        verifiers_[index(family, bits)] =
            anvil_.deploy(creation_code(std::string(FAULTLINE_CONTRACTS_OUT) + "/" + contract +
                                        ".sol/" + contract + ".json") +
                          to_hex(arguments).substr(2));
      }
    }
  }

  /// One chain per test process, started on first use and stopped at exit.
  static StepChain& shared() {
    static StepChain chain;
    return chain;
  }

  Anvil& anvil() { return anvil_; }
  const std::string& verifier(Family family, unsigned bits) const {
    return verifiers_[index(family, bits)];
  }

  /// The calldata of IStepVerifier.step(state, proof).
  static Bytes step_call(ByteView state, ByteView proof) {
    Bytes call = Abi::selector("step(bytes,bytes)");
    Abi::word(call, 64);
    Abi::word(call, 64 + 32 + (state.size() + 31) / 32 * 32);
    Abi::tail(call, state);
    Abi::tail(call, proof);
    return call;
  }

  /// Runs the step on the contract: the post-state commitment, or the revert data.
  Anvil::CallOutcome step(Family family, unsigned bits, ByteView state, ByteView proof) {
    return anvil_.try_view(verifier(family, bits), step_call(state, proof));
  }

  /// IStepVerifier.stateCommitment(state): the commitment, or the revert data.
  Anvil::CallOutcome state_commitment(Family family, unsigned bits, ByteView state) {
    Bytes call = Abi::selector("stateCommitment(bytes)");
    Abi::word(call, 32);
    Abi::tail(call, state);
    return anvil_.try_view(verifier(family, bits), call);
  }

  const std::string& oracle() const { return oracle_; }

  /// Loads into the chain's oracle the part of a preimage that a step reads, from the
  /// off-chain oracle (nothing if the off-chain oracle lacks it too). Local data is loaded by
  /// the dev account, which is also the account that calls the steps, or through the contract
  /// `local_loader` (a StepGasMeter) for steps that it calls.
  /// Returns whether it sent a load (false if the part was loaded before or is unknown).
  bool provide(const PreimageOracle& source, const PreimageRead& read,
               const std::string& local_loader = {}) {
    auto data = source.get(read.key);
    if (!data) return false;
    const std::uint64_t stream = 8 + data->size();
    const std::uint64_t part = read.offset < stream ? read.offset / 32 * 32 : 0;
    if (!loaded_.insert({read.key, part}).second) return false;
    Bytes load;
    if (preimage_key_type(read.key) == PreimageKeyType::local) {
      std::uint64_t slot = 0;
      for (std::size_t i = 24; i < 32; ++i)
        slot = slot << 8 | read.key[i];
      if (local_loader.empty()) {
        load = Abi::selector("loadLocalData(uint256,bytes,uint256)");
      } else {
        load = Abi::selector("loadLocalData(address,uint256,bytes,uint256)");
        Abi::address(load, oracle_);
      }
      Abi::word(load, slot);
      Abi::word(load, local_loader.empty() ? 96 : 128);
      Abi::word(load, part);
    } else {
      load = Abi::selector("loadKeccak256PreimagePart(uint256,bytes)");
      Abi::word(load, part);
      Abi::word(load, 64);
    }
    Abi::tail(load, *data);
    const bool through_loader =
        !local_loader.empty() && preimage_key_type(read.key) == PreimageKeyType::local;
    const auto receipt = anvil_.transact(through_loader ? local_loader : oracle_, load);
    if (receipt["status"] != "0x1") throw std::runtime_error("loading a preimage part failed");
    last_load_gas_ = std::stoull(receipt["gasUsed"].get<std::string>(), nullptr, 16);
    last_load_calldata_ = load.size();
    return true;
  }

  /// Gas (whole transaction) and calldata bytes of the last part loaded by provide().
  std::uint64_t last_load_gas() const { return last_load_gas_; }
  std::size_t last_load_calldata() const { return last_load_calldata_; }

 private:
  Anvil anvil_;
  std::string oracle_;
  static std::size_t index(Family family, unsigned bits) {
    return 2 * static_cast<std::size_t>(family) + (bits == 64 ? 1 : 0);
  }

  std::array<std::string, 4> verifiers_;
  std::set<std::pair<PreimageKey, std::uint64_t>> loaded_;
  std::uint64_t last_load_gas_ = 0;
  std::size_t last_load_calldata_ = 0;
};

/// The first four bytes of revert data, to compare with Abi::selector("Error(types)").
inline Bytes revert_selector(const Anvil::CallOutcome& outcome) {
  return Bytes(outcome.data.begin(),
               outcome.data.begin() + std::min<std::size_t>(4, outcome.data.size()));
}

/// A step the C++ machine blocks on a missing preimage must revert onchain with
/// PreimageNotLoaded(key), not with any other error.
inline void require_preimage_not_loaded(const Anvil::CallOutcome& outcome) {
  REQUIRE(outcome.reverted);
  CHECK(revert_selector(outcome) == Abi::selector("PreimageNotLoaded(bytes32)"));
  CHECK(outcome.data.size() == 4 + 32);
}

}  // namespace faultline::test
