// Keccak-256 on nettle's Keccak-f[1600] permutation (a maintained, assembly-tuned library),
// with the EVM's padding; batched Merkle-node hashing on our own SIMD lanes when it pays
// (8 states in AVX-512 are ~10x faster per hash than one scalar permutation on this fleet,
// measured in bench/bench_keccak.cpp).
#include "faultline/keccak.hpp"

#include <nettle/sha3.h>

#include <bit>
#include <cstring>

#if defined(FAULTLINE_KECCAK_SIMD)
#include "keccak_simd.h"
#endif

namespace faultline {
namespace {

static_assert(std::endian::native == std::endian::little,
              "lanes are loaded with memcpy; a big-endian host needs byte swaps here");

constexpr std::size_t kRate = 136;  // bytes absorbed per permutation for a 256-bit output

void xor_block(sha3_state& state, const std::uint8_t* block, std::size_t size) {
  for (std::size_t i = 0; i < size / 8; ++i) {
    std::uint64_t lane = 0;
    std::memcpy(&lane, block + 8 * i, 8);
    state.a[i] ^= lane;
  }
}

Hash squeeze(const sha3_state& state) {
  Hash out{};
  std::memcpy(out.data(), state.a, out.size());
  return out;
}

void pairs_scalar(const Hash* in, Hash* out, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i)
    out[i] = keccak256_pair(in[2 * i], in[2 * i + 1]);
}

#if defined(FAULTLINE_KECCAK_SIMD)
void pairs_avx2(const Hash* in, Hash* out, std::size_t count) {
  const std::size_t groups = count / 4;
  faultline_keccak256_pairs_avx2(in[0].data(), out[0].data(), groups);
  pairs_scalar(in + 8 * groups, out + 4 * groups, count % 4);
}

void pairs_avx512(const Hash* in, Hash* out, std::size_t count) {
  const std::size_t groups = count / 8;
  faultline_keccak256_pairs_avx512(in[0].data(), out[0].data(), groups);
  // 4..7 leftovers still fill an AVX2 group better than 4 scalar permutations.
  pairs_avx2(in + 16 * groups, out + 8 * groups, count % 8);
}
#endif

struct PairsImplementation {
  std::string_view name;
  void (*hash)(const Hash*, Hash*, std::size_t);
  bool (*supported)();
};

const PairsImplementation kImplementations[] = {
#if defined(FAULTLINE_KECCAK_SIMD)
    {"avx512x8", pairs_avx512, [] { return __builtin_cpu_supports("avx512f") != 0; }},
    {"avx2x4", pairs_avx2, [] { return __builtin_cpu_supports("avx2") != 0; }},
#endif
    {"scalar", pairs_scalar, [] { return true; }},
};

const PairsImplementation* best_implementation() {
  for (const auto& implementation : kImplementations) {
    if (implementation.supported()) return &implementation;
  }
  return nullptr;  // unreachable: scalar is always supported
}

// Function-local so that static initialisers elsewhere (zero-hash tables) may hash safely.
const PairsImplementation*& current_pairs() {
  static const PairsImplementation* chosen = best_implementation();
  return chosen;
}

}  // namespace

Hash keccak256(ByteView data) noexcept {
  sha3_state state{};
  while (data.size() >= kRate) {
    xor_block(state, data.data(), kRate);
    sha3_permute(&state);
    data = data.subspan(kRate);
  }
  std::uint8_t last[kRate] = {};
  if (!data.empty()) std::memcpy(last, data.data(), data.size());
  last[data.size()] ^= 0x01;  // Keccak padding (SHA3 would use 0x06)
  last[kRate - 1] ^= 0x80;
  xor_block(state, last, kRate);
  sha3_permute(&state);
  return squeeze(state);
}

Hash keccak256_pair(const Hash& left, const Hash& right) noexcept {
  sha3_state state{};
  std::memcpy(state.a, left.data(), 32);
  std::memcpy(state.a + 4, right.data(), 32);
  state.a[8] = 0x01;
  state.a[16] = 0x8000000000000000u;
  sha3_permute(&state);
  return squeeze(state);
}

void keccak256_pairs(const Hash* in, Hash* out, std::size_t count) noexcept {
  if (count != 0) current_pairs()->hash(in, out, count);
}

std::string_view keccak_pairs_implementation() noexcept {
  return current_pairs()->name;
}

bool detail::force_keccak_pairs_implementation(std::string_view name) noexcept {
  for (const auto& implementation : kImplementations) {
    if (implementation.name == name && implementation.supported()) {
      current_pairs() = &implementation;
      return true;
    }
  }
  return false;
}

}  // namespace faultline
