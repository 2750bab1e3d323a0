#!/usr/bin/env bash
# make fuzz: runs every fuzzer of tests/fuzz for FUZZ_SECONDS each (default 600), one after
# another, from its committed seeds plus whatever earlier runs found (build/fuzz/corpus/<name>).
# Findings (crash-*, timeout-*, oom-*, leak-*) and logs land in build/fuzz/findings; the
# summary (executions per second, edges covered of those instrumented) in build/fuzz/summary.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-600}
binaries=${FUZZ_BINARIES:-build/asan/tests/fuzz}
out=build/fuzz
mkdir -p "$out/findings"
summary="$out/summary.md"
{
  echo "| fuzzer | seconds | executions | exec/s | edges covered | edges instrumented | findings |"
  echo "|---|---|---|---|---|---|---|"
} > "$summary"
failed=0
for name in elf_loader step_verifier differential preimage_stream chain_decoders onnx_model; do
  mkdir -p "$out/corpus/$name"
  log="$out/findings/$name.log"
  echo "fuzz: $name for $seconds s"
  status=0
  "$binaries/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$out/findings/$name-" "$out/corpus/$name" "tests/fuzz/corpus/$name" \
    > "$log" 2>&1 || status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  edges=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  instrumented=$(sed -n 's/.*(\([0-9]*\) inline 8-bit counters).*/\1/p' "$log" | head -1)
  findings=$([ $status -eq 0 ] && echo none || echo "exit $status, see $log")
  [ $status -eq 0 ] || failed=1
  echo "| $name | $seconds | ${executions:-?} | ${rate:-?} | ${edges:-?} | ${instrumented:-?} | $findings |" >> "$summary"
done
cat "$summary"
exit $failed
