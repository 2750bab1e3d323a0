// The faultline command line as a library. A project that implements a backend builds its own
// `faultline` binary with it beside (or instead of) the built-in ones, and every command (run,
// state, witness, game simulate, game play, agent, verifier gen, info) works with it:
//
//   int main(int argc, char** argv) {
//     faultline::cli::BackendCatalog backends = faultline::cli::built_in_backends();
//     if (!backends.add([](const faultline::cli::BackendSettings& settings) {
//           return stack::make_backend(settings.memory_limit_pages);
//         }, faultline::cli::VerifierContract{"StackStepVerifier.sol", "StackStepVerifier"}))
//       return 2;
//     return faultline::cli::run_cli(argc, argv, backends);
//   }
//
// CMake: `faultline_add_cli(my-faultline BACKENDS ... HEADERS ... LIBRARIES ...)` writes that
// main() (or takes yours: SOURCES main.cpp) after find_package(faultline)
// (docs/writing-a-backend.md, "Registering: your backend in the CLI").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/backend.hpp"
#include "faultline/error.hpp"
#include "faultline/machine.hpp"

namespace faultline::cli {

/// What a command asks of the backends it makes (--memory-limit, --operators-per-step); each
/// backend takes what applies to it.
struct BackendSettings {
  std::uint64_t memory_limit_pages = kDefaultMemoryLimitPages;  ///< a VM guest's memory
  std::uint64_t operators_per_step = 1;                         ///< the ONNX trace's
};

/// A backend's Solidity step verifier, for `game play` and the agents: the contract `contract`
/// of the source file `file` among the contract artifacts (--contracts), constructed with the
/// preimage oracle's address, then `width` if it takes a second argument (the built-in VM
/// verifiers take their xlen or bit width).
struct VerifierContract {
  std::string file;
  std::string contract;
  std::optional<std::uint64_t> width;
};

/// The backends a faultline binary offers, each made afresh for a command's settings.
class BackendCatalog {
 public:
  /// Makes the backend for a command's settings; never null.
  using Factory = std::function<std::unique_ptr<Backend>(const BackendSettings&)>;

  /// Adds the backend `make` returns (made once here, with the default settings, to learn its
  /// name), with its step verifier contract if it has one. invalid_argument if `make` returns
  /// null or a name that is not is_backend_name() or is already in the catalog.
  Result<void> add(Factory make, std::optional<VerifierContract> verifier = std::nullopt);

  /// Every backend, made for `settings`.
  [[nodiscard]] BackendRegistry registry(const BackendSettings& settings = {}) const;
  /// Whether the catalog has a backend called `name`.
  [[nodiscard]] bool contains(std::string_view name) const;
  /// The step verifier contract of the backend called `name`, if it has one.
  [[nodiscard]] std::optional<VerifierContract> verifier_contract(std::string_view name) const;

 private:
  struct Entry {
    std::string name;
    Factory make;
    std::optional<VerifierContract> verifier;
  };
  std::vector<Entry> entries_;
};

/// The backends built into faultline: onnx, riscv32, riscv64, mips32 and mips64, the VMs with
/// their step verifier contracts.
[[nodiscard]] BackendCatalog built_in_backends();

/// The whole command line over `backends`: `argv` as main() receives it (argv[0] the program).
/// Returns the process's exit code: 0 success, 1 the work failed, 2 a usage error.
int run_cli(int argc, char** argv, const BackendCatalog& backends);

}  // namespace faultline::cli
