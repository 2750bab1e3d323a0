// The registry of backends built into the CLI. Adding a backend means one line here.
#pragma once

#include <cstdint>

#include "faultline/backend.hpp"

namespace faultline::cli {

/// Every backend compiled into this binary; the VM backends with guests of `memory_limit`
/// pages.
BackendRegistry built_in_backends(std::uint64_t memory_limit = kDefaultMemoryLimitPages);

}  // namespace faultline::cli
