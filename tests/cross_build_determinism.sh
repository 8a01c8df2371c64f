#!/usr/bin/env bash
# Determinism across builds: the optimised binary and the debug (AddressSanitizer + UBSan) binary
# must print the same schedule hash for the same scenario, design and seed (kernel: designs and
# kernel-C workloads too: the object is the same gcc build for both).
# Usage: tests/cross_build_determinism.sh   (from the repository root; builds both)
set -euo pipefail
cd "$(dirname "$0")/.."
FLAGS=(--noshow_progress --ui_event_filters=-info)
RUNS=("TORTURE --design v4 --seed 1" "TORTURE --design v4-nopreempt --seed 2" "NESTING --design v4-nopreempt --seed 3"
      "TORTURE-HEAP --design busted --seed 4" "IRQ --design v4-nopreempt --seed 5"
      "WEAK --memory-model tso --seed 6" "NESTING --design v4-nopreempt --memory-model pso --seed 7"
      "NESTING --design v5 --memory-model weak --seed 8" "TORTURE --design pertask --memory-model weak --seed 9"
      "TORTURE --design kernel:tests/kernel/textbook --memory-model weak --seed 10"
      "WEAK --design kernel:tests/kernel/textbook --workload tests/kernel/workloads/irq_reader.c --memory-model tso --seed 11")
hashes() {
  local r
  for r in "${RUNS[@]}"; do
    # shellcheck disable=SC2086
    "$1" run $r -q | grep '^schedule-hash:' || true
  done
}
bazel build "${FLAGS[@]}" //cli:hazsim
opt=$(hashes "$(bazel info "${FLAGS[@]}" bazel-bin 2>/dev/null)/cli/hazsim")
bazel build "${FLAGS[@]}" --config=asan //cli:hazsim
dbg=$(hashes "$(bazel info "${FLAGS[@]}" --config=asan bazel-bin 2>/dev/null)/cli/hazsim")
if [ "$opt" = "$dbg" ] && [ "$(echo "$opt" | wc -l)" = "${#RUNS[@]}" ]; then
  echo "cross-build determinism: ${#RUNS[@]} runs, identical schedule hashes in the optimised and debug+ASan builds"
  echo "${#RUNS[@]} passed, 0 failed"
else
  echo "cross-build determinism: FAILED"
  paste <(echo "$opt") <(echo "$dbg")
  echo "0 passed, ${#RUNS[@]} failed"
  exit 1
fi
