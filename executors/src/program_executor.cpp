// Checkpointed re-execution; see program_executor.hpp.
#include "faultline/program_executor.hpp"

#include <algorithm>
#include <numeric>

namespace faultline {

ProgramExecutor::ProgramExecutor(const Program& program,
                                 std::shared_ptr<const PreimageOracle> oracle,
                                 ExecutorOptions options)
    : options_(std::move(options)),
      interval_(std::max<std::uint64_t>(1, options_.checkpoint_interval)) {
  cursor_ = program.start(std::move(oracle));
  checkpoints_.emplace(0, cursor_->snapshot());
}

Result<void> ProgramExecutor::seek(std::uint64_t index) {
  // Past a known halt every state is the final one.
  if (halt_step_ && index > *halt_step_) index = *halt_step_;
  // Start from the nearest checkpoint at or before the index, unless the cursor is nearer.
  const auto nearest = std::prev(checkpoints_.upper_bound(index));
  if (index < cursor_index_ || nearest->first > cursor_index_) {
    cursor_ = nearest->second->snapshot();
    cursor_index_ = nearest->first;
  }
  const auto started = std::chrono::steady_clock::now();
  auto last_report = started;
  const std::uint64_t first = cursor_index_;
  while (cursor_index_ < index) {
    // Run to the next checkpoint boundary (or the target), then checkpoint there.
    const std::uint64_t boundary = (cursor_index_ / interval_ + 1) * interval_;
    const std::uint64_t until = std::min(index, boundary);
    auto ran = cursor_->run(until - cursor_index_);
    if (!ran) return ran.error();
    steps_executed_ += *ran;
    cursor_index_ += *ran;
    if (cursor_->status() != VmStatus::running) {
      halt_step_ = cursor_index_;
      break;
    }
    if (cursor_index_ % interval_ == 0 && !checkpoints_.contains(cursor_index_)) {
      checkpoints_.emplace(cursor_index_, cursor_->snapshot());
      if (checkpoints_.size() > options_.max_checkpoints) thin_checkpoints();
    }
    if (options_.progress) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_report >= options_.progress_period) {
        last_report = now;
        const double seconds = std::chrono::duration<double>(now - started).count();
        options_.progress(
            {cursor_index_, index, static_cast<double>(cursor_index_ - first) / seconds});
      }
    }
  }
  return {};
}

void ProgramExecutor::thin_checkpoints() {
  interval_ *= 2;
  std::erase_if(checkpoints_, [this](const auto& entry) { return entry.first % interval_ != 0; });
}

Result<Machine*> ProgramExecutor::machine_at(std::uint64_t index) {
  auto sought = seek(index);
  if (!sought) return sought.error();
  return cursor_.get();
}

Result<Hash> ProgramExecutor::claim_at(std::uint64_t index) {
  auto machine = machine_at(index);
  if (!machine) return machine.error();
  return (*machine)->commitment();
}

Result<StepWitness> ProgramExecutor::witness_at(std::uint64_t index) {
  auto machine = machine_at(index);
  if (!machine) return machine.error();
  const std::uint64_t before = (*machine)->step_count();
  auto witness = (*machine)->step_with_witness();
  if (!witness) return witness.error();
  witness->step = index;  // after a halt the machine's own counter stays at the halt step
  const std::uint64_t taken = (*machine)->step_count() - before;
  cursor_index_ += taken;
  steps_executed_ += taken;
  if ((*machine)->status() != VmStatus::running && !halt_step_) halt_step_ = cursor_index_;
  return witness;
}

Result<std::vector<Hash>> ProgramExecutor::claims_at(std::span<const std::uint64_t> indices) {
  std::vector<std::size_t> order(indices.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&indices](std::size_t a, std::size_t b) { return indices[a] < indices[b]; });
  std::vector<Hash> claims(indices.size());
  for (const std::size_t i : order) {
    auto claim = claim_at(indices[i]);
    if (!claim) return claim.error();
    claims[i] = *claim;
  }
  return claims;
}

}  // namespace faultline
