#!/bin/sh
# The flagship game on MIPS32 (big-endian MIPS32r2): the same program, built for MIPS, the same
# lie, and the Solidity MIPS step verifier deciding the last instruction.
set -eu
. "$(dirname "$0")/common.sh"
exec "$faultline" game play --backend mips32 "$guests/mips/guest/mips32/sha256.elf" \
  --input "$root/README.md" --arity 4 --dishonest lie-from --honest-role challenger "$@"
