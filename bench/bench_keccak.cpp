// Keccak-256 throughput, against OpenSSL's SHA3-256 (the same permutation, tuned by others) on
// the same input in the same run, and the batched Merkle-node hashing per implementation.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "faultline/keccak.hpp"

namespace {

std::vector<std::uint8_t> input(std::size_t size) {
  std::vector<std::uint8_t> out(size);
  for (std::size_t i = 0; i < size; ++i)
    out[i] = static_cast<std::uint8_t>(i * 131 + 7);
  return out;
}

void keccak256_throughput(benchmark::State& state) {
  const auto data = input(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state)
    benchmark::DoNotOptimize(faultline::keccak256(data));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(keccak256_throughput)->Arg(64)->Arg(1024)->Arg(1 << 20);

void openssl_sha3_256_throughput(benchmark::State& state) {
  const auto data = input(static_cast<std::size_t>(state.range(0)));
  EVP_MD* sha3 = EVP_MD_fetch(nullptr, "SHA3-256", nullptr);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  unsigned char digest[32];
  unsigned int length = 0;
  for (auto _ : state) {
    EVP_DigestInit_ex(context, sha3, nullptr);
    EVP_DigestUpdate(context, data.data(), data.size());
    EVP_DigestFinal_ex(context, digest, &length);
    benchmark::DoNotOptimize(digest);
  }
  EVP_MD_CTX_free(context);
  EVP_MD_free(sha3);
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(openssl_sha3_256_throughput)->Arg(64)->Arg(1024)->Arg(1 << 20);

/// Merkle nodes per second: 4096 pairs of 32-byte children per iteration.
void keccak256_pairs_nodes(benchmark::State& state, const char* implementation) {
  const std::string original(faultline::keccak_pairs_implementation());
  if (!faultline::detail::force_keccak_pairs_implementation(implementation)) {
    state.SkipWithError("not supported on this CPU");
    return;
  }
  std::vector<faultline::Hash> children(2 * 4096);
  for (std::size_t i = 0; i < children.size(); ++i)
    children[i][0] = static_cast<std::uint8_t>(i);
  std::vector<faultline::Hash> parents(4096);
  for (auto _ : state) {
    faultline::keccak256_pairs(children.data(), parents.data(), parents.size());
    benchmark::DoNotOptimize(parents.data());
  }
  state.SetItemsProcessed(state.iterations() * 4096);
  state.SetBytesProcessed(state.iterations() * 4096 * 64);
  (void)faultline::detail::force_keccak_pairs_implementation(original);
}
BENCHMARK_CAPTURE(keccak256_pairs_nodes, scalar, "scalar");
BENCHMARK_CAPTURE(keccak256_pairs_nodes, avx2x4, "avx2x4");
BENCHMARK_CAPTURE(keccak256_pairs_nodes, avx512x8, "avx512x8");

}  // namespace
