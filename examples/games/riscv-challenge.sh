#!/bin/sh
# The flagship game: a RISC-V (RV64) program hashes the README; a dishonest proposer claims a
# result that is wrong from mid-run on; the honest challenger bisects 4 ways a move down to one
# instruction, which the Solidity RISC-V step verifier executes. Anvil is started and stopped
# by the command; extra arguments go to `faultline game play` (e.g. --json).
set -eu
. "$(dirname "$0")/common.sh"
exec "$faultline" game play --backend riscv64 "$guests/riscv/guest/riscv64/sha256.elf" \
  --input "$root/README.md" --arity 4 --dishonest lie-from --honest-role challenger "$@"
