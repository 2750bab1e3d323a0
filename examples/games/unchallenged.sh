#!/bin/sh
# An honest proposal nobody challenges: the proposer claims the true result of hashing the
# README; no one counters, so once its clock has run out (3.5 days of chain time: anvil's clock
# is moved forward, nobody waits) the claim resolves as standing and the bond returns.
set -eu
. "$(dirname "$0")/common.sh"
exec "$faultline" game play --backend riscv64 "$guests/riscv/guest/riscv64/sha256.elf" \
  --input "$root/README.md" --unchallenged "$@"
