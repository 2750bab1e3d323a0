// Keccak-f[1600] over any "lane" type that supports ^, &, ~, << and >> on 64-bit values:
// a plain uint64_t, or a GCC/Clang vector of 4 or 8 of them (one independent state per
// vector element). One source serves every SIMD width so there is no second copy to drift.
//
// Private to the framework. Include only from translation units compiled for the target ISA
// (see keccak_avx2.cpp / keccak_avx512.cpp), and only with C headers, so that no inline
// function compiled with wider instructions can leak into the rest of the program.
#pragma once

#include <cstddef>
#include <cstdint>

namespace faultline::detail {

inline constexpr std::uint64_t kKeccakRoundConstants[24] = {
    0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
    0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
    0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
};

template <int N, class Lane>
inline Lane rotl(Lane x) {
  if constexpr (N == 0) {
    return x;
  } else {
    return (x << N) | (x >> (64 - N));
  }
}

/// Applies the 24-round permutation to state a[x + 5y]. Fully unrolled within a round and
/// register-resident so vector lanes stay in registers (32 zmm registers hold 25 lanes).
template <class Lane>
inline void keccak_f1600(Lane* a) {
  Lane a00 = a[0], a01 = a[1], a02 = a[2], a03 = a[3], a04 = a[4];
  Lane a05 = a[5], a06 = a[6], a07 = a[7], a08 = a[8], a09 = a[9];
  Lane a10 = a[10], a11 = a[11], a12 = a[12], a13 = a[13], a14 = a[14];
  Lane a15 = a[15], a16 = a[16], a17 = a[17], a18 = a[18], a19 = a[19];
  Lane a20 = a[20], a21 = a[21], a22 = a[22], a23 = a[23], a24 = a[24];
  for (const std::uint64_t round_constant : kKeccakRoundConstants) {
    // theta
    const Lane c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
    const Lane c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
    const Lane c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
    const Lane c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
    const Lane c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
    const Lane d0 = c4 ^ rotl<1>(c1);
    const Lane d1 = c0 ^ rotl<1>(c2);
    const Lane d2 = c1 ^ rotl<1>(c3);
    const Lane d3 = c2 ^ rotl<1>(c4);
    const Lane d4 = c3 ^ rotl<1>(c0);
    // rho and pi: b[y, 2x + 3y] = rotl(a[x, y], r[x, y])
    const Lane b00 = a00 ^ d0;
    const Lane b01 = rotl<44>(a06 ^ d1);
    const Lane b02 = rotl<43>(a12 ^ d2);
    const Lane b03 = rotl<21>(a18 ^ d3);
    const Lane b04 = rotl<14>(a24 ^ d4);
    const Lane b05 = rotl<28>(a03 ^ d3);
    const Lane b06 = rotl<20>(a09 ^ d4);
    const Lane b07 = rotl<3>(a10 ^ d0);
    const Lane b08 = rotl<45>(a16 ^ d1);
    const Lane b09 = rotl<61>(a22 ^ d2);
    const Lane b10 = rotl<1>(a01 ^ d1);
    const Lane b11 = rotl<6>(a07 ^ d2);
    const Lane b12 = rotl<25>(a13 ^ d3);
    const Lane b13 = rotl<8>(a19 ^ d4);
    const Lane b14 = rotl<18>(a20 ^ d0);
    const Lane b15 = rotl<27>(a04 ^ d4);
    const Lane b16 = rotl<36>(a05 ^ d0);
    const Lane b17 = rotl<10>(a11 ^ d1);
    const Lane b18 = rotl<15>(a17 ^ d2);
    const Lane b19 = rotl<56>(a23 ^ d3);
    const Lane b20 = rotl<62>(a02 ^ d2);
    const Lane b21 = rotl<55>(a08 ^ d3);
    const Lane b22 = rotl<39>(a14 ^ d4);
    const Lane b23 = rotl<41>(a15 ^ d0);
    const Lane b24 = rotl<2>(a21 ^ d1);
    // chi and iota
    a00 = b00 ^ (~b01 & b02) ^ round_constant;
    a01 = b01 ^ (~b02 & b03);
    a02 = b02 ^ (~b03 & b04);
    a03 = b03 ^ (~b04 & b00);
    a04 = b04 ^ (~b00 & b01);
    a05 = b05 ^ (~b06 & b07);
    a06 = b06 ^ (~b07 & b08);
    a07 = b07 ^ (~b08 & b09);
    a08 = b08 ^ (~b09 & b05);
    a09 = b09 ^ (~b05 & b06);
    a10 = b10 ^ (~b11 & b12);
    a11 = b11 ^ (~b12 & b13);
    a12 = b12 ^ (~b13 & b14);
    a13 = b13 ^ (~b14 & b10);
    a14 = b14 ^ (~b10 & b11);
    a15 = b15 ^ (~b16 & b17);
    a16 = b16 ^ (~b17 & b18);
    a17 = b17 ^ (~b18 & b19);
    a18 = b18 ^ (~b19 & b15);
    a19 = b19 ^ (~b15 & b16);
    a20 = b20 ^ (~b21 & b22);
    a21 = b21 ^ (~b22 & b23);
    a22 = b22 ^ (~b23 & b24);
    a23 = b23 ^ (~b24 & b20);
    a24 = b24 ^ (~b20 & b21);
  }
  a[0] = a00, a[1] = a01, a[2] = a02, a[3] = a03, a[4] = a04;
  a[5] = a05, a[6] = a06, a[7] = a07, a[8] = a08, a[9] = a09;
  a[10] = a10, a[11] = a11, a[12] = a12, a[13] = a13, a[14] = a14;
  a[15] = a15, a[16] = a16, a[17] = a17, a[18] = a18, a[19] = a19;
  a[20] = a20, a[21] = a21, a[22] = a22, a[23] = a23, a[24] = a24;
}

/// Hashes Lanes-many 64-byte messages at once: out + 32*j = keccak256(in + 64*j).
/// Pointers are raw bytes so this header needs no C++ library types.
template <class Lane, std::size_t Lanes>
inline void keccak256_of_64_byte_messages(const std::uint8_t* in, std::uint8_t* out) {
  Lane state[25] = {};
  for (std::size_t word = 0; word < 8; ++word) {
    for (std::size_t j = 0; j < Lanes; ++j) {
      std::uint64_t v = 0;
      __builtin_memcpy(&v, in + 64 * j + 8 * word,
                       8);  // little-endian host (checked in keccak.cpp)
      state[word][j] = v;
    }
  }
  for (std::size_t j = 0; j < Lanes; ++j) {
    state[8][j] = 0x01;                  // Keccak padding right after the 64 message bytes...
    state[16][j] = 0x8000000000000000u;  // ...and the final bit of the 136-byte rate
  }
  keccak_f1600(state);
  for (std::size_t word = 0; word < 4; ++word) {
    for (std::size_t j = 0; j < Lanes; ++j) {
      const std::uint64_t v = state[word][j];
      __builtin_memcpy(out + 32 * j + 8 * word, &v, 8);
    }
  }
}

}  // namespace faultline::detail
