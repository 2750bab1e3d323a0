// Progress of long commands on stderr: a bar with a rate and an ETA on a terminal, or one JSON
// object per line (--progress=json) for programs that drive the CLI.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "faultline/program_executor.hpp"

namespace faultline::cli {

enum class ProgressStyle : std::uint8_t { none, bar, json };

/// The style --progress asks for: "auto" is a bar when stderr is a terminal and the command
/// prints no JSON of its own (a bar would only interleave with it), nothing otherwise; nullopt
/// for an unknown value.
inline std::optional<ProgressStyle> progress_style(std::string_view option, bool json_output) {
  if (option == "auto") {
    return isatty(STDERR_FILENO) != 0 && !json_output ? ProgressStyle::bar : ProgressStyle::none;
  }
  if (option == "bar") return ProgressStyle::bar;
  if (option == "json") return ProgressStyle::json;
  if (option == "none") return ProgressStyle::none;
  return std::nullopt;
}

/// Reports one phase of a command ("run", "game") in the chosen style.
class Progress {
 public:
  Progress(ProgressStyle style, std::string phase) : style_(style), phase_(std::move(phase)) {}

  /// A run of the program: `step` of `target` (max: until it halts) at `rate` steps/s.
  void steps(const ExecutorProgress& at) {
    const bool bounded = at.target != std::numeric_limits<std::uint64_t>::max();
    const double eta = bounded && at.steps_per_second > 0
                           ? static_cast<double>(at.target - at.step) / at.steps_per_second
                           : -1;
    if (style_ == ProgressStyle::json) {
      std::fprintf(stderr,
                   "{\"event\": \"progress\", \"phase\": \"%s\", \"step\": %llu, \"target\": %s, "
                   "\"steps_per_second\": %.0f, \"eta_seconds\": %s}\n",
                   phase_.c_str(), static_cast<unsigned long long>(at.step),
                   bounded ? std::to_string(at.target).c_str() : "null", at.steps_per_second,
                   eta >= 0 ? std::to_string(eta).c_str() : "null");
    } else if (style_ == ProgressStyle::bar) {
      std::string bar;
      if (bounded && at.target > 0) {
        const auto filled = static_cast<std::size_t>(30.0 * static_cast<double>(at.step) /
                                                     static_cast<double>(at.target));
        bar = "[" + std::string(filled, '#') + std::string(30 - filled, '.') + "] ";
      }
      std::fprintf(stderr, "\r\033[K  %s: %sstep %llu  %.1f M steps/s", phase_.c_str(), bar.c_str(),
                   static_cast<unsigned long long>(at.step), at.steps_per_second / 1e6);
      if (eta >= 0) std::fprintf(stderr, "  ETA %.0f s", eta);
    }
    std::fflush(stderr);
  }

  /// A round of a game, at most every 200 ms.
  void round(std::uint64_t round, std::size_t moves) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    if (style_ == ProgressStyle::json) {
      std::fprintf(
          stderr, "{\"event\": \"progress\", \"phase\": \"%s\", \"round\": %llu, \"moves\": %zu}\n",
          phase_.c_str(), static_cast<unsigned long long>(round), moves);
    } else if (style_ == ProgressStyle::bar) {
      std::fprintf(stderr, "\r\033[K  %s: round %llu, %zu moves", phase_.c_str(),
                   static_cast<unsigned long long>(round), moves);
    }
    std::fflush(stderr);
  }

  /// The phase is over: clears the bar, or reports `what` (a JSON fragment) as a "done" event.
  void done(const std::string& what) {
    if (style_ == ProgressStyle::json) {
      std::fprintf(stderr, "{\"event\": \"done\", \"phase\": \"%s\", %s}\n", phase_.c_str(),
                   what.c_str());
    } else if (style_ == ProgressStyle::bar) {
      std::fprintf(stderr, "\r\033[K");
    }
    std::fflush(stderr);
  }

  [[nodiscard]] bool active() const noexcept { return style_ != ProgressStyle::none; }

 private:
  ProgressStyle style_;
  std::string phase_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace faultline::cli
