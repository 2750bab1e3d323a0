// Registration of the built-in backends (none yet: RISC-V, MIPS and ONNX arrive with their
// issues, each as one add() call here).
#include "built_in_backends.hpp"

namespace faultline::cli {

BackendRegistry built_in_backends() {
  BackendRegistry registry;
  return registry;
}

}  // namespace faultline::cli
