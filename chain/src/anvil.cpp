// Starting and stopping a local anvil.
#include "faultline/chain/anvil.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "faultline/chain/rpc.hpp"

namespace faultline::chain {
namespace {

/// A port nobody listens on now (the node binds it a moment later; a clash is retried).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace

Result<AnvilProcess> AnvilProcess::start(const std::string& binary) {
  if (access(binary.c_str(), X_OK) != 0) {
    return Error{Errc::not_found, "anvil not found at " + binary + " (run tools/setup.sh)"};
  }
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int port = free_port();
    if (port == 0) continue;
    const pid_t pid = fork();
    if (pid < 0) return Error{Errc::io_error, "cannot start anvil: fork failed"};
    if (pid == 0) {
      const std::string port_text = std::to_string(port);
      // Its own process group, so stop() ends anvil and anything it started; and it ends with
      // this process even when this process is killed (no orphaned node).
      setpgid(0, 0);
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() == 1) _exit(127);
      // --prune-history 256: the last 256 states in memory and none written to disk (anvil
      // persists old states under ~/.foundry otherwise: gigabytes over a long test). Not 0:
      // with no state but the newest, a call at "latest" fails when a block is mined while
      // it runs.
      execl(binary.c_str(), binary.c_str(), "--host", "127.0.0.1", "--port", port_text.c_str(),
            "--silent", "--prune-history", "256", static_cast<char*>(nullptr));
      _exit(127);
    }
    AnvilProcess process(pid, port);
    RpcOptions quick;
    quick.attempts = 1;
    quick.timeout = std::chrono::milliseconds(500);
    auto rpc = RpcClient::open(process.url(), quick);
    for (int i = 0; i < 400 && rpc; ++i) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        process.pid_ = -1;  // exited: the port was taken, or anvil cannot run
        break;
      }
      if (rpc->call("eth_chainId", Json::array())) return process;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  return Error{Errc::io_error, "anvil did not come up: " + binary};
}

AnvilProcess::AnvilProcess(AnvilProcess&& other) noexcept : pid_(other.pid_), port_(other.port_) {
  other.pid_ = -1;
}

AnvilProcess& AnvilProcess::operator=(AnvilProcess&& other) noexcept {
  if (this != &other) {
    stop();
    pid_ = other.pid_;
    port_ = other.port_;
    other.pid_ = -1;
  }
  return *this;
}

AnvilProcess::~AnvilProcess() {
  stop();
}

std::string AnvilProcess::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void AnvilProcess::stop() noexcept {
  if (pid_ > 0) {
    kill(-pid_, SIGTERM);
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
}

}  // namespace faultline::chain
