// Merkle memory: full root of 200 MB, root update after k dirty pages, proofs per second.
#include <benchmark/benchmark.h>

#include <random>

#include "faultline/merkle_memory.hpp"

namespace {

using faultline::MerkleMemory;

/// `pages` pages of pseudo-random bytes, spread over the low 4 GiB.
MerkleMemory filled_memory(unsigned address_bits, std::uint64_t pages) {
  MerkleMemory memory(address_bits);
  std::mt19937_64 rng(42);
  for (std::uint64_t page = 0; page < pages; ++page) {
    auto* bytes = reinterpret_cast<std::uint64_t*>(memory.page_for_write(page));
    for (std::size_t i = 0; i < MerkleMemory::kPageBytes / 8; ++i)
      bytes[i] = rng();
  }
  (void)memory.root();
  return memory;
}

/// Every page dirty, then one root: the cost of committing to a 200 MB memory from scratch.
void merkle_root_200mb(benchmark::State& state) {
  const std::uint64_t pages = 200ull * 1000 * 1000 / MerkleMemory::kPageBytes;
  MerkleMemory memory = filled_memory(static_cast<unsigned>(state.range(0)), pages);
  for (auto _ : state) {
    state.PauseTiming();
    for (std::uint64_t page = 0; page < pages; ++page)
      memory.page_for_write(page)[0] ^= 1;
    state.ResumeTiming();
    benchmark::DoNotOptimize(memory.root());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(pages) *
                          MerkleMemory::kPageBytes);
}
BENCHMARK(merkle_root_200mb)->Arg(32)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();

/// Root after k random pages of a 64 MiB memory changed, in a 64-bit address space.
void merkle_root_update(benchmark::State& state) {
  const std::uint64_t pages = 16384;
  MerkleMemory memory = filled_memory(64, pages);
  std::mt19937_64 rng(7);
  for (auto _ : state) {
    for (std::int64_t k = 0; k < state.range(0); ++k)
      memory.page_for_write(rng() % pages)[0] ^= 1;
    benchmark::DoNotOptimize(memory.root());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(merkle_root_update)->Arg(1)->Arg(16)->Arg(256)->Arg(4096)->UseRealTime();

/// Proofs of random leaves of a clean 64 MiB memory (the root is already up to date).
void merkle_proof(benchmark::State& state) {
  const std::uint64_t pages = 16384;
  MerkleMemory memory = filled_memory(static_cast<unsigned>(state.range(0)), pages);
  std::mt19937_64 rng(9);
  for (auto _ : state) {
    benchmark::DoNotOptimize(memory.proof(rng() % (pages * MerkleMemory::kPageBytes)));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(merkle_proof)->Arg(32)->Arg(64);

}  // namespace
