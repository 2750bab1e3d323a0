// ProgramExecutor: the trace of one program run, for any VM backend. It answers the state
// commitment after any step and the witness of any step by restoring the nearest
// copy-on-write checkpoint and re-running from there, never from step 0 again.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "faultline/machine.hpp"
#include "faultline/program.hpp"
#include "faultline/trace_provider.hpp"

namespace faultline {

/// Where a long run stands, for progress displays.
struct ExecutorProgress {
  std::uint64_t step = 0;    ///< steps done so far towards `target`
  std::uint64_t target = 0;  ///< the step being run to
  double steps_per_second = 0;
};

struct ExecutorOptions {
  /// Steps between checkpoints. Smaller answers random queries faster; each checkpoint holds
  /// a copy-on-write snapshot, so its memory cost is the pages written since the last one.
  std::uint64_t checkpoint_interval = std::uint64_t{1} << 22;
  /// At most this many checkpoints; beyond it every other one is dropped and the interval
  /// doubles, so memory stays bounded on runs of any length.
  std::size_t max_checkpoints = 64;
  /// Called about every `progress_period` while running towards a far step.
  std::function<void(const ExecutorProgress&)> progress;
  std::chrono::milliseconds progress_period{500};
};

class ProgramExecutor final : public TraceProvider {
 public:
  ProgramExecutor(const Program& program, std::shared_ptr<const PreimageOracle> oracle,
                  ExecutorOptions options = {});

  /// Commitment to the state after `index` steps (the final state repeats after a halt).
  [[nodiscard]] Result<Hash> claim_at(std::uint64_t index) override;

  /// Witness of step `index` (state `index` to `index + 1`). Past the halt the machine's own
  /// step counter stays at the halt step, so the witness's `step` is set to `index` here; its
  /// state is the final state, and its proof is empty (a halted step reads nothing).
  [[nodiscard]] Result<StepWitness> witness_at(std::uint64_t index) override;

  /// Claims at many indices in one forward pass (indices in any order).
  [[nodiscard]] Result<std::vector<Hash>> claims_at(
      std::span<const std::uint64_t> indices) override;

  /// The machine after `index` steps, owned by the executor; valid until the next call.
  [[nodiscard]] Result<Machine*> machine_at(std::uint64_t index);

  /// The step at which the program halted, once a run has reached it.
  [[nodiscard]] std::optional<std::uint64_t> halt_step() const noexcept { return halt_step_; }

  /// Steps executed so far across all queries: the executor's total work.
  [[nodiscard]] std::uint64_t steps_executed() const noexcept { return steps_executed_; }

  /// Checkpoints currently held, and their spacing.
  [[nodiscard]] std::size_t checkpoint_count() const noexcept { return checkpoints_.size(); }
  [[nodiscard]] std::uint64_t checkpoint_interval() const noexcept { return interval_; }

 private:
  Result<void> seek(std::uint64_t index);
  void thin_checkpoints();

  ExecutorOptions options_;
  std::uint64_t interval_;
  std::map<std::uint64_t, std::unique_ptr<Machine>> checkpoints_;
  std::unique_ptr<Machine> cursor_;  ///< the machine positioned at cursor_index_
  std::uint64_t cursor_index_ = 0;
  std::optional<std::uint64_t> halt_step_;
  std::uint64_t steps_executed_ = 0;
};

}  // namespace faultline
