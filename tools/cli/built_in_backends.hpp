// The registry of backends built into the CLI. Adding a backend means one line here.
#pragma once

#include "faultline/backend.hpp"

namespace faultline::cli {

/// Every backend compiled into this binary.
BackendRegistry built_in_backends();

}  // namespace faultline::cli
