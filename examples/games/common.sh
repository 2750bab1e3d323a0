# Sourced by the example games: where the faultline CLI and the example guests are. The tests
# run the games against their own build through these variables.
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FAULTLINE_BUILD:-$root/build/release}
faultline=${FAULTLINE_CLI:-$build/tools/cli/faultline}
guests=${FAULTLINE_GUESTS:-$build/backends}
if [ ! -x "$faultline" ]; then
  echo "$faultline not found: build first (make build)" >&2
  exit 2
fi
