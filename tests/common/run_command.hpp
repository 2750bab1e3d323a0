// Running a shell command from a test: its stdout and how it ended.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace faultline::test {

/// Output and status of a shell command. `status` is the exit code, or 128 + signal.
struct CommandResult {
  std::string output;
  int status = -1;
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  // Close the preimage-channel descriptors so a guest under qemu cannot mistake an inherited
  // descriptor for the oracle.
  const std::string wrapped = "exec 3>&- 4>&- 5>&- 6>&-; " + command;
  FILE* pipe = popen(wrapped.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    result.output.append(buffer, got);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace faultline::test
