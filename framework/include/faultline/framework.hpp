// Everything a backend author or a library user needs from the framework, in one include.
#pragma once

#include "faultline/backend.hpp"
#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/file.hpp"
#include "faultline/keccak.hpp"
#include "faultline/machine.hpp"
#include "faultline/merkle_memory.hpp"
#include "faultline/merkle_tree.hpp"
#include "faultline/preimage_oracle.hpp"
#include "faultline/program.hpp"
#include "faultline/state_layout.hpp"
#include "faultline/step_verifier.hpp"
#include "faultline/tensor.hpp"
#include "faultline/trace_provider.hpp"
#include "faultline/version.hpp"
