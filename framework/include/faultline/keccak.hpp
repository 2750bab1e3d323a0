// Keccak-256 exactly as the EVM computes it (original Keccak padding 0x01, not SHA3's 0x06).
#pragma once

#include <cstddef>
#include <string_view>

#include "faultline/bytes.hpp"

namespace faultline {

/// Keccak-256 of a byte string. keccak256({}) ==
/// 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470.
Hash keccak256(ByteView data) noexcept;

/// Keccak-256 of left || right: one Merkle-tree node.
Hash keccak256_pair(const Hash& left, const Hash& right) noexcept;

/// Hashes `count` adjacent pairs: out[i] = keccak256(in[2i] || in[2i+1]).
/// `out` may alias `in` (out[i] is written after in[2i], in[2i+1] are read).
/// Runs several Keccak states at once in SIMD lanes when the CPU has AVX2 or AVX-512;
/// the digests are the same on every path.
void keccak256_pairs(const Hash* in, Hash* out, std::size_t count) noexcept;

/// The Keccak-f[1600] implementation keccak256_pairs uses on this CPU:
/// "avx512x8", "avx2x4" or "scalar".
std::string_view keccak_pairs_implementation() noexcept;

namespace detail {
/// Forces one implementation for tests and benchmarks; false if this CPU lacks it.
bool force_keccak_pairs_implementation(std::string_view name) noexcept;
}  // namespace detail

}  // namespace faultline
