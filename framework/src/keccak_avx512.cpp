// Eight Keccak states per AVX-512 register. Compiled with -mavx512f; see keccak_f1600.hpp for
// why only C headers may be included here.
#include "keccak_simd.h"

#include "keccak_f1600.hpp"

namespace {
using Lane8 = std::uint64_t __attribute__((vector_size(64)));
}  // namespace

void faultline_keccak256_pairs_avx512(const std::uint8_t* in, std::uint8_t* out,
                                      std::size_t groups) {
  for (std::size_t g = 0; g < groups; ++g) {
    faultline::detail::keccak256_of_64_byte_messages<Lane8, 8>(in + 512 * g, out + 256 * g);
  }
}
