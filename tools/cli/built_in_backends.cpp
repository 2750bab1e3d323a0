// The backend catalog, and the backends built into faultline: one add() call per backend.
#include "faultline/cli/cli.hpp"
#include "faultline/mips/backend.hpp"
#include "faultline/onnx/trace.hpp"
#include "faultline/riscv/backend.hpp"

namespace faultline::cli {

Result<void> BackendCatalog::add(Factory make, std::optional<VerifierContract> verifier) {
  if (!make) return Error{Errc::invalid_argument, "cannot add a backend without a factory"};
  const std::unique_ptr<Backend> sample = make(BackendSettings{});
  if (!sample) return Error{Errc::invalid_argument, "the backend factory made no backend"};
  std::string name(sample->name());
  if (!is_backend_name(name)) {
    return Error{Errc::invalid_argument, "backend name '" + name + "' is not [a-z][a-z0-9_-]*"};
  }
  if (contains(name)) {
    return Error{Errc::invalid_argument, "a backend named '" + name + "' is already added"};
  }
  entries_.push_back({std::move(name), std::move(make), std::move(verifier)});
  return {};
}

BackendRegistry BackendCatalog::registry(const BackendSettings& settings) const {
  BackendRegistry registry;
  for (const Entry& entry : entries_)
    (void)registry.add(entry.make(settings));  // names checked by add(); a null is refused
  return registry;
}

bool BackendCatalog::contains(std::string_view name) const {
  for (const Entry& entry : entries_) {
    if (entry.name == name) return true;
  }
  return false;
}

std::optional<VerifierContract> BackendCatalog::verifier_contract(std::string_view name) const {
  for (const Entry& entry : entries_) {
    if (entry.name == name) return entry.verifier;
  }
  return std::nullopt;
}

BackendCatalog built_in_backends() {
  BackendCatalog catalog;
  (void)catalog.add([](const BackendSettings& settings) {
    return onnx::make_backend(onnx::TraceOptions{settings.operators_per_step});
  });
  for (const unsigned xlen : {32U, 64U}) {
    (void)catalog.add(
        [xlen](const BackendSettings& settings) {
          return riscv::make_backend(xlen, settings.memory_limit_pages);
        },
        VerifierContract{"RiscvStepVerifier.sol", "RiscvStepVerifier", xlen});
    (void)catalog.add(
        [xlen](const BackendSettings& settings) {
          return mips::make_backend(xlen, settings.memory_limit_pages);
        },
        VerifierContract{"MipsStepVerifier.sol", "MipsStepVerifier", xlen});
  }
  return catalog;
}

}  // namespace faultline::cli
