// A VM backend's fast-mode speed against qemu-user and the same workload built natively,
// measured in one run; plus the cost of a state commitment and of a witness. Medians of
// repeated runs.
//
// usage: faultline_vm_speed BACKEND ELF NATIVE_EXECUTABLE [REPETITIONS [fast]]
//   BACKEND: riscv32, riscv64, mips32 or mips64 (qemu-user runs the same ELF)
//   fast: fast mode only (its median and best run), e.g. under cachegrind to count host
//   instructions per guest instruction
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "faultline/file.hpp"
#include "faultline/mips/backend.hpp"
#include "faultline/program_executor.hpp"
#include "faultline/riscv/backend.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double median_seconds(int repetitions, const std::function<void()>& body) {
  std::vector<double> times;
  for (int i = 0; i < repetitions; ++i) {
    const auto start = Clock::now();
    body();
    times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void run_process(const std::vector<std::string>& argv) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::FILE* null = std::freopen("/dev/null", "w", stdout);
    (void)null;
    std::vector<char*> args;
    for (const auto& arg : argv)
      args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s BACKEND ELF NATIVE_EXECUTABLE [REPETITIONS [fast]]\n", argv[0]);
    return 2;
  }
  const std::string name = argv[1];
  const std::string elf = argv[2];
  const std::string native = argv[3];
  const int repetitions = argc > 4 ? std::stoi(argv[4]) : 5;
  const bool fast_only = argc > 5 && std::string(argv[5]) == "fast";

  std::unique_ptr<faultline::Backend> backend;
  std::string qemu_binary;
  if (name == "riscv32" || name == "riscv64") {
    backend = faultline::riscv::make_backend(name == "riscv32" ? 32 : 64);
    qemu_binary = "qemu-" + name;
  } else if (name == "mips32" || name == "mips64") {
    backend = faultline::mips::make_backend(name == "mips32" ? 32 : 64);
    qemu_binary = name == "mips32" ? "qemu-mips" : "qemu-mips64";
  } else {
    std::fprintf(stderr, "unknown backend %s\n", name.c_str());
    return 2;
  }
  auto bytes = faultline::read_file(elf);
  if (!bytes) {
    std::fprintf(stderr, "%s\n", bytes.error().message.c_str());
    return 1;
  }
  auto program = backend->load(*bytes);
  if (!program) {
    std::fprintf(stderr, "%s\n", program.error().message.c_str());
    return 1;
  }
  auto oracle = std::make_shared<faultline::InMemoryPreimageOracle>();
  oracle->set_program_input({});

  std::uint64_t steps = 0;
  if (fast_only) {
    std::vector<double> rates;
    for (int i = 0; i < repetitions; ++i) {
      auto machine = (*program)->start(oracle);
      const auto start = Clock::now();
      steps = *machine->run(~std::uint64_t{0});
      rates.push_back(steps / std::chrono::duration<double>(Clock::now() - start).count() / 1e6);
    }
    std::sort(rates.begin(), rates.end());
    std::printf("%s fast mode: median %.1f M instr/s, best %.1f (%d runs of %llu instructions)\n",
                name.c_str(), rates[rates.size() / 2], rates.back(), repetitions,
                static_cast<unsigned long long>(steps));
    return 0;
  }
  const double fast = median_seconds(repetitions, [&] {
    auto machine = (*program)->start(oracle);
    steps = *machine->run(~std::uint64_t{0});
  });
  const double qemu = median_seconds(repetitions, [&] { run_process({qemu_binary, elf}); });
  const double host = median_seconds(repetitions, [&] { run_process({native}); });

  // A commitment at step N = steps / 2 (a mid-run step, memory fully dirty since the start).
  const std::uint64_t middle = steps / 2;
  const double plain_to_middle = median_seconds(repetitions, [&] {
    auto machine = (*program)->start(oracle);
    (void)machine->run(middle);
  });
  const double commitment_at_middle = median_seconds(repetitions, [&] {
    auto machine = (*program)->start(oracle);
    (void)machine->run(middle);
    (void)machine->commitment();
  });
  const double executor_claim = median_seconds(repetitions, [&] {
    faultline::ProgramExecutor executor(**program, oracle);
    (void)executor.claim_at(middle);
  });
  // Witnesses of 1,000 consecutive steps from a positioned machine.
  auto machine = (*program)->start(oracle);
  (void)machine->run(middle);
  (void)machine->commitment();
  const double witnesses = median_seconds(repetitions, [&] {
    for (int i = 0; i < 1000; ++i)
      (void)machine->step_with_witness();
  });

  std::printf("workload: %s, %llu guest instructions\n", elf.c_str(),
              static_cast<unsigned long long>(steps));
  std::printf("%-44s %10s %14s\n", "", "seconds", "M instr/s");
  std::printf("%-44s %10.3f %14.1f\n", "faultline fast mode", fast, steps / fast / 1e6);
  std::printf("%-44s %10.3f %14.1f\n", (qemu_binary + " (JIT), same ELF").c_str(), qemu,
              steps / qemu / 1e6);
  std::printf("%-44s %10.3f %14s\n", "native x86-64, same C source", host, "-");
  std::printf("fast mode / qemu: %.2fx the time; native / fast mode: %.1fx faster\n", fast / qemu,
              fast / host);
  std::printf(
      "run to step %llu: %.3f s; with a commitment there: %.3f s (%.2fx); "
      "executor claim_at (checkpointing): %.3f s (%.2fx)\n",
      static_cast<unsigned long long>(middle), plain_to_middle, commitment_at_middle,
      commitment_at_middle / plain_to_middle, executor_claim, executor_claim / plain_to_middle);
  std::printf("witness generation: %.1f us per step (median of %d x 1000 steps)\n",
              witnesses / 1000 * 1e6, repetitions);
  return 0;
}
