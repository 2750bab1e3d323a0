// Backend: what a machine architecture plugs into faultline, and the registry that finds it by
// name. The framework knows no backend; the CLI's registry wires the built-in ones together.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/program.hpp"
#include "faultline/state_layout.hpp"
#include "faultline/step_verifier.hpp"

namespace faultline {

/// One architecture profile ("riscv64", "mips32", "onnx"). Stateless and thread-safe.
class Backend {
 public:
  virtual ~Backend() = default;

  /// Registry name: is_backend_name(), [a-z][a-z0-9_-]* (it names files and contracts too).
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  /// One line for `faultline info`.
  [[nodiscard]] virtual std::string_view description() const noexcept = 0;

  /// Parses an artifact. malformed_input for a file that does not parse, unsupported for a
  /// valid file of another kind (wrong machine, wrong class), out_of_range for contents that
  /// do not fit the VM's address space.
  [[nodiscard]] virtual Result<std::unique_ptr<Program>> load(ByteView artifact) const = 0;

  /// load() of a file. A backend whose artifacts refer to files beside them (an ONNX model's
  /// external weights) overrides this to read them from the file's folder; errors of
  /// read_file (file.hpp) as well as load()'s.
  [[nodiscard]] virtual Result<std::unique_ptr<Program>> load_file(const std::string& path) const;

  /// The off-chain mirror of this backend's onchain step.
  [[nodiscard]] virtual const StepVerifier& step_verifier() const noexcept = 0;

  /// The byte layout of the encoded state (Machine::encode_state), for tools that work from
  /// the layout alone, such as `faultline verifier gen`. It must pass check_state_layout().
  /// nullopt (the default) for a backend that does not declare one.
  [[nodiscard]] virtual std::optional<StateLayout> state_layout() const noexcept {
    return std::nullopt;
  }
};

/// Whether `name` may name a backend: a lower-case letter, then lower-case letters, digits, '_'
/// or '-' ("riscv64", "stack-vm").
[[nodiscard]] bool is_backend_name(std::string_view name) noexcept;

/// Backends by name.
class BackendRegistry {
 public:
  /// invalid_argument for a null backend, a name that is not is_backend_name(), or a name
  /// already registered.
  Result<void> add(std::unique_ptr<Backend> backend);

  /// not_found, naming the registered backends, if there is none called `name`.
  [[nodiscard]] Result<const Backend*> find(std::string_view name) const;

  /// All backends, ordered by name.
  [[nodiscard]] std::vector<const Backend*> backends() const;

 private:
  std::map<std::string, std::unique_ptr<Backend>, std::less<>> backends_;
};

}  // namespace faultline
