#!/bin/sh
# A two-layer game: first over chunks of 4^5 = 1024 instructions, then, inside the disputed
# chunk, over its instructions (identity bindings: a chunk's ends are the first layer's states).
# The adversary proposes a wrong result and moves as late as its clock allows.
set -eu
. "$(dirname "$0")/common.sh"
exec "$faultline" game play --backend riscv64 "$guests/riscv/guest/riscv64/sha256.elf" \
  --input "$root/README.md" --arity 4 --chunk 1024 --dishonest late --honest-role challenger "$@"
