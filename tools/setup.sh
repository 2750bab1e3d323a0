#!/usr/bin/env bash
# One-time set-up on a fresh Debian 12 machine: the Debian packages faultline builds and tests
# with, and the pinned npm tools (solc-js, anvil, forge, cast) in tools/npm/node_modules.
# Installs what is missing when run as root; otherwise prints the exact command to run.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev lld llvm clang-format clang-tidy
  libboost-program-options-dev libboost-dev nlohmann-json3-dev
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc libabsl-dev
  catch2 libbenchmark-dev libssl-dev nettle-dev libcrypto++-dev libelf-dev libsecp256k1-dev libsqlite3-dev
  libonnx-dev libonnx-testdata python3-onnx python3-numpy libmpfr-dev
  qemu-user gcc-riscv64-unknown-elf
)
# Node.js may come from elsewhere (the machine image, nvm); Debian's is the fallback.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  install_line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages; run as root:" >&2
    echo "  $install_line" >&2
    exit 1
  fi
fi

# npm tools, pinned by tools/npm/package-lock.json; re-installed only when the lock changes.
stamp=tools/npm/node_modules/.faultline-lock
if [ ! -f "$stamp" ] || ! cmp -s tools/npm/package-lock.json "$stamp"; then
  echo "setup: installing pinned npm tools into tools/npm/node_modules"
  (cd tools/npm && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp tools/npm/package-lock.json "$stamp"
fi
