// Registration of the built-in backends: one add() call per backend.
#include "built_in_backends.hpp"

#include "faultline/mips/backend.hpp"
#include "faultline/riscv/backend.hpp"

namespace faultline::cli {

BackendRegistry built_in_backends(std::uint64_t memory_limit) {
  BackendRegistry registry;
  (void)registry.add(riscv::make_backend(32, memory_limit));
  (void)registry.add(riscv::make_backend(64, memory_limit));
  (void)registry.add(mips::make_backend(32, memory_limit));
  (void)registry.add(mips::make_backend(64, memory_limit));
  return registry;
}

}  // namespace faultline::cli
