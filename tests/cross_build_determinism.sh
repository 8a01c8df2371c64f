#!/usr/bin/env bash
# Determinism across builds and compilers: gcc's optimised binary, gcc's debug (AddressSanitizer +
# UBSan) binary and clang-16's optimised binary must print the same schedule hash for the same
# scenario, design and seed (kernel: designs and kernel-C workloads too: their object is compiled
# by gcc at run time in every build); clang's build must reproduce the whole golden matrix
# (tests/golden_hashes.txt); and a schedule saved by gcc's build must replay identically on clang's.
# Usage: tests/cross_build_determinism.sh   (from anywhere; builds all three)
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/clang_bazel.sh
trap clang_bazel_done EXIT
FLAGS=(--noshow_progress --ui_event_filters=-info)
RUNS=("TORTURE --design v4 --seed 1" "TORTURE --design v4-nopreempt --seed 2" "NESTING --design v4-nopreempt --seed 3"
      "TORTURE-HEAP --design busted --seed 4" "IRQ --design v4-nopreempt --seed 5"
      "WEAK --memory-model tso --seed 6" "NESTING --design v4-nopreempt --memory-model pso --seed 7"
      "NESTING --design v5 --memory-model weak --seed 8" "TORTURE --design pertask --memory-model weak --seed 9"
      "TORTURE --design kernel:tests/kernel/textbook --memory-model weak --seed 10"
      "WEAK --design kernel:tests/kernel/textbook --workload tests/kernel/workloads/irq_reader.c --memory-model tso --seed 11"
      "TORTURE --design twophase --strategy arm --seed 22" "MIGRATE --design v5 --strategy pct:3 --seed 12")
hashes() {
  local r
  for r in "${RUNS[@]}"; do
    # shellcheck disable=SC2086
    # (a failing run exits 1: the hash is what is compared, not the verdict)
    { "$1" run $r -q 2>&1 || true; } | grep '^schedule-hash:' || echo "schedule-hash: (none: $r)"
  done
}
pass=0 fail=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAILED: $*"; fail=$((fail + 1)); }

bazel build "${FLAGS[@]}" //cli:hazsim
gcc_opt="$(bazel info "${FLAGS[@]}" bazel-bin 2>/dev/null)/cli/hazsim"
opt=$(hashes "$gcc_opt")
bazel build "${FLAGS[@]}" --config=asan //cli:hazsim
dbg=$(hashes "$(bazel info "${FLAGS[@]}" --config=asan bazel-bin 2>/dev/null)/cli/hazsim")
clang_bazel build "${FLAGS[@]}" //cli:hazsim //tests:golden_hashes_test
clang_bin="$(clang_bazel info "${FLAGS[@]}" bazel-bin 2>/dev/null)"
clang=$(hashes "$clang_bin/cli/hazsim")

if [ "$opt" = "$dbg" ] && [ "$opt" = "$clang" ] && ! grep -q '(none' <<<"$opt"; then
  ok "${#RUNS[@]} runs: identical schedule hashes from gcc -O2, gcc debug+ASan and clang-16 -O2"
else
  bad "schedule hashes differ (gcc opt | gcc asan | clang opt):"
  paste <(echo "$opt") <(echo "$dbg") <(echo "$clang")
fi

# The golden matrix, by clang's build (it reads tests/golden_hashes.txt from the working directory).
if "$clang_bin/tests/golden_hashes_test" >"${TMPDIR:-/tmp}/clang_golden.log" 2>&1; then
  ok "clang-16 reproduces the golden matrix ($(grep -vc '^#' tests/golden_hashes.txt) runs)"
else
  bad "clang-16 does not reproduce tests/golden_hashes.txt:"
  grep -m20 -E 'Failure|Expected|Which is|differ|  ' "${TMPDIR:-/tmp}/clang_golden.log" || tail -20 "${TMPDIR:-/tmp}/clang_golden.log"
fi

# A schedule file crosses compilers: saved by gcc's build, replayed by clang's.
sched=$(mktemp --suffix=.sched)
trap 'rm -f "$sched"; clang_bazel_done' EXIT
"$gcc_opt" run TORTURE --design twophase --strategy arm --seed 22 --save "$sched" -q >/dev/null || true
replayed=$("$clang_bin/cli/hazsim" replay "$sched" 2>&1 || true)
if [ -s "$sched" ] && grep -q '^replay: identical' <<<"$replayed"; then
  ok "a schedule saved by gcc's build replays identically on clang's"
else
  bad "a schedule saved by gcc's build does not replay identically on clang's:"
  tail -5 <<<"$replayed"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
