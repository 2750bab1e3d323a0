// Registration of the built-in backends: one add() call per backend.
#include "built_in_backends.hpp"

#include "faultline/mips/backend.hpp"
#include "faultline/riscv/backend.hpp"

namespace faultline::cli {

BackendRegistry built_in_backends() {
  BackendRegistry registry;
  (void)registry.add(riscv::make_backend(32));
  (void)registry.add(riscv::make_backend(64));
  (void)registry.add(mips::make_backend(32));
  (void)registry.add(mips::make_backend(64));
  return registry;
}

}  // namespace faultline::cli
