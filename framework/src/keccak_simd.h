// Entry points of the SIMD Keccak translation units (raw pointers only, see keccak_f1600.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

/// Hashes groups of 4 adjacent 64-byte messages into 32-byte digests. Needs AVX2.
void faultline_keccak256_pairs_avx2(const std::uint8_t* in, std::uint8_t* out, std::size_t groups);

/// Hashes groups of 8 adjacent 64-byte messages into 32-byte digests. Needs AVX-512F.
void faultline_keccak256_pairs_avx512(const std::uint8_t* in, std::uint8_t* out,
                                      std::size_t groups);
