// Machine: one running instance of a program on a backend (the "program executor" of one VM).
// A backend implements this; the generic executors in executors/ drive it to produce traces.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/preimage_oracle.hpp"

namespace faultline {

/// How a VM stands, stored in byte 0 of its state commitment so a claim says how the program
/// ended. Values follow OP's fault proof VMs so commitments read the same way onchain.
enum class VmStatus : std::uint8_t {
  exited_ok = 0,       ///< halted with exit code 0
  exited_failure = 1,  ///< halted with a non-zero exit code
  faulted = 2,         ///< guest fault (illegal instruction, bad access): final, like a halt
  running = 3,         ///< not halted yet
};

/// How many 4 KiB pages of guest memory the VM backends let a program hold non-zero (1 GiB),
/// unless a program asks for another limit. Part of the state: a store past it is a guest
/// fault the step verifiers check (docs/security.md).
inline constexpr std::uint64_t kDefaultMemoryLimitPages = std::uint64_t{1} << 18;

/// "exited_ok", "exited_failure", "faulted" or "running".
std::string_view vm_status_name(VmStatus status) noexcept;

/// The state commitment: keccak256(encoded_state) with byte 0 replaced by the status.
Hash state_commitment(ByteView encoded_state, VmStatus status) noexcept;

/// The status a commitment carries in byte 0, or nullopt if byte 0 is not a status.
std::optional<VmStatus> commitment_status(const Hash& commitment) noexcept;

/// The part of a preimage one step reads, so the onchain oracle can be loaded with it first.
/// `offset` counts bytes of the preimage as the oracle serves it: an 8-byte big-endian length,
/// then the data (OP's convention), so offset 8 is the data's first byte.
struct PreimageRead {
  PreimageKey key{};
  std::uint64_t offset = 0;
  friend bool operator==(const PreimageRead&, const PreimageRead&) = default;
};

/// Everything the single-step verifier needs for step i (state i to state i + 1).
struct StepWitness {
  std::uint64_t step = 0;  ///< i: the number of steps before this one
  Bytes state;             ///< encoded pre-state (Machine::encode_state)
  Bytes proof;             ///< proofs of the data the step reads, in the order the step uses them
  /// The preimage parts the step reads, in the order it reads them (a VM instruction reads at
  /// most one; an ML operator reads its input tensors).
  std::vector<PreimageRead> preimages;
  /// Preimages the step reads that the machine made itself (the tensors an ML operator reads
  /// were computed by earlier steps), which no oracle of the program's inputs holds: the
  /// witness carries them. keccak256-type data, served under the keys computed from it
  /// (WitnessPreimages, step_verifier.hpp), so one cannot stand for another.
  std::vector<Bytes> supplied_preimages;
};

/// A program running on one VM. Implementations must be deterministic: the same program,
/// oracle and number of steps give the same encoded state on every host.
///
/// A halted machine (any status but running) stays as it is: further steps change nothing,
/// not even the step counter, so a trace can be padded to any length with its final state.
class Machine {
 public:
  virtual ~Machine() = default;

  [[nodiscard]] virtual VmStatus status() const noexcept = 0;
  /// Steps executed so far (stops counting at the halt).
  [[nodiscard]] virtual std::uint64_t step_count() const noexcept = 0;
  /// Exit code once the program has exited (not for faults or while running). Optional: a
  /// machine with no such thing (an ML model's operators) keeps this default.
  [[nodiscard]] virtual std::optional<std::int64_t> exit_code() const noexcept {
    return std::nullopt;
  }

  /// Runs up to `max_steps` steps at full speed, with no hashing; stops early at a halt.
  /// Returns the number of steps executed. An error means the machine cannot take its next
  /// step on this host (a preimage its oracle lacks); the state is that before the step.
  virtual Result<std::uint64_t> run(std::uint64_t max_steps) = 0;

  /// Executes one step and returns its witness: the encoded pre-state and the proofs of every
  /// memory leaf the step touches, each taken when the step first touches the leaf. A halted
  /// machine's witness has an empty proof (its step reads nothing and changes nothing), and a
  /// step verifier refuses proof bytes a step leaves unused. Errors as for run(); the state is
  /// then unchanged.
  [[nodiscard]] virtual Result<StepWitness> step_with_witness() = 0;

  /// The state in the byte layout the step verifiers decode, including the memory root.
  /// Non-const because it brings the memory's Merkle root up to date.
  [[nodiscard]] virtual Bytes encode_state() = 0;

  /// state_commitment(encode_state(), status()).
  [[nodiscard]] Hash commitment() { return state_commitment(encode_state(), status()); }

  /// An independent copy-on-write copy; restore a checkpoint by continuing from its copy.
  [[nodiscard]] virtual std::unique_ptr<Machine> snapshot() = 0;

  /// Why the machine faulted, in words ("illegal instruction 0x00000000 at pc 0x10074");
  /// empty unless status() is faulted.
  [[nodiscard]] virtual std::string fault_description() const { return {}; }

  /// What the guest wrote to file descriptor `fd` (1 stdout, 2 stderr); empty for others.
  /// Snapshots share these bytes rather than copy them (see OutputBuffer), so the view is
  /// valid until this machine or a copy of it runs again. Optional, like exit_code().
  [[nodiscard]] virtual ByteView output(int /*fd*/) const noexcept { return {}; }
};

}  // namespace faultline
