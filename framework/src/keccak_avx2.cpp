// Four Keccak states per AVX2 register. Compiled with -mavx2; see keccak_f1600.hpp for why
// only C headers may be included here.
#include "keccak_simd.h"

#include "keccak_f1600.hpp"

namespace {
using Lane4 = std::uint64_t __attribute__((vector_size(32)));
}  // namespace

void faultline_keccak256_pairs_avx2(const std::uint8_t* in, std::uint8_t* out, std::size_t groups) {
  for (std::size_t g = 0; g < groups; ++g) {
    faultline::detail::keccak256_of_64_byte_messages<Lane4, 4>(in + 256 * g, out + 128 * g);
  }
}
