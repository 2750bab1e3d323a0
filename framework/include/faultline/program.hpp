// Program: a loaded artifact (an ELF file, an ONNX model) ready to run on its backend.
#pragma once

#include <memory>
#include <string_view>

#include "faultline/bytes.hpp"
#include "faultline/machine.hpp"
#include "faultline/preimage_oracle.hpp"

namespace faultline {

/// A program fixes everything about a run except its inputs. Inputs reach the guest through
/// the preimage oracle under keys that the game binds (its input commitments), so the
/// absolute prestate depends on the program alone and can be agreed before any game.
class Program {
 public:
  virtual ~Program() = default;

  /// Name of the backend that loaded it ("riscv64").
  [[nodiscard]] virtual std::string_view backend_name() const noexcept = 0;

  /// keccak256 of the artifact bytes the program was loaded from.
  [[nodiscard]] virtual const Hash& artifact_hash() const noexcept = 0;

  /// A machine in the absolute prestate that reads its inputs from `oracle`.
  [[nodiscard]] virtual std::unique_ptr<Machine> start(
      std::shared_ptr<const PreimageOracle> oracle) const = 0;

  /// Commitment to the state before step 0.
  [[nodiscard]] Hash absolute_prestate() const;
};

}  // namespace faultline
