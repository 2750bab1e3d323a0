// A toy machine's state layout, declared only here, to show the verifier stub generator works
// from any layout: odd widths, a field over 32 bytes, the status byte not at a round offset and
// a memory of 32 address bits.
#pragma once

#include "faultline/state_layout.hpp"

namespace faultline::test {

inline constexpr StateField kToyFields[] = {
    {"ram_root", 0, 32, "Merkle root of the 4 GiB RAM"},
    {"counter", 32, 3, "a 24-bit counter"},
    {"status", 35, 1, "VmStatus"},
    {"wide_accumulator", 36, 16, "a 128-bit accumulator (a long name)"},
    {"tape", 52, 40, "40 bytes kept as they are"},
};
inline constexpr MemoryLayout kToyMemories[] = {{"ram_root", 32}};
inline constexpr StateLayout kToyLayout{kToyFields, "status", kToyMemories};

}  // namespace faultline::test
