// A local anvil node, started on 127.0.0.1 at a free port and stopped (with its children) when
// this object goes: for the tests, and for example games that bring their own chain.
#pragma once

#include <sys/types.h>

#include <string>

#include "faultline/error.hpp"

namespace faultline::chain {

class AnvilProcess {
 public:
  /// Starts `binary` (anvil) and waits until it answers eth_chainId. not_found if it cannot be
  /// run, io_error if it does not come up. The node ends with the thread that started it, even
  /// when the process is killed.
  static Result<AnvilProcess> start(const std::string& binary);

  AnvilProcess(AnvilProcess&& other) noexcept;
  AnvilProcess& operator=(AnvilProcess&& other) noexcept;
  AnvilProcess(const AnvilProcess&) = delete;
  AnvilProcess& operator=(const AnvilProcess&) = delete;
  ~AnvilProcess();

  /// "http://127.0.0.1:PORT".
  [[nodiscard]] std::string url() const;
  [[nodiscard]] int port() const noexcept { return port_; }
  /// Stops the node now (the destructor does it otherwise).
  void stop() noexcept;

  /// anvil's first dev account and its well-known private key (unlocked, funded).
  static constexpr const char* kDevAccount = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
  static constexpr const char* kDevKey =
      "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

 private:
  AnvilProcess(pid_t pid, int port) : pid_(pid), port_(port) {}
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace faultline::chain
