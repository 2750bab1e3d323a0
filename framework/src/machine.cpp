// VM status and state commitments shared by every backend.
#include "faultline/machine.hpp"

#include "faultline/keccak.hpp"

namespace faultline {

std::string_view vm_status_name(VmStatus status) noexcept {
  switch (status) {
    case VmStatus::exited_ok:
      return "exited_ok";
    case VmStatus::exited_failure:
      return "exited_failure";
    case VmStatus::faulted:
      return "faulted";
    case VmStatus::running:
      return "running";
  }
  return "unknown";
}

Hash state_commitment(ByteView encoded_state, VmStatus status) noexcept {
  Hash commitment = keccak256(encoded_state);
  commitment[0] = static_cast<std::uint8_t>(status);
  return commitment;
}

std::optional<VmStatus> commitment_status(const Hash& commitment) noexcept {
  if (commitment[0] > static_cast<std::uint8_t>(VmStatus::running)) return std::nullopt;
  return static_cast<VmStatus>(commitment[0]);
}

}  // namespace faultline
