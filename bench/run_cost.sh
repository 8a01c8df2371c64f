#!/usr/bin/env bash
# What one run of a small test costs, in instructions (callgrind), for two builds side by side:
# the difference between 4,000 and 2,000 runs of `fuzz --jobs 1`, so start-up (loading, compiling
# the test) cancels out. Instruction counts are the same from one run of this script to the next,
# unlike times on a shared machine; they do not see cache misses or branch mispredictions.
#   bench/run_cost.sh BASELINE_HAZSIM NEW_HAZSIM [TEST_FILE] [MEMORY_MODEL]
set -euo pipefail
base="$1" new="$2"
test_file="${3:-$(cd "$(dirname "$0")/.." && pwd)/scenarios/small/classic_hp.c}"
model="${4:-sc}"
command -v valgrind >/dev/null || { echo "run_cost.sh: needs valgrind (apt install valgrind)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
instructions() {  # instructions BINARY RUNS
  valgrind --tool=callgrind --callgrind-out-file="$work/out" "$1" fuzz "$test_file" --memory-model "$model" \
    --strategy random --runs "$2" --jobs 1 -q --artifacts "$work/art" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
per_run() { echo $((($(instructions "$1" 4000) - $(instructions "$1" 2000)) / 2000)); }
b=$(per_run "$base")
n=$(per_run "$new")
echo "run_cost: $(basename "$test_file") under $model, instructions per run"
printf '  baseline %8d\n  new      %8d   (%.2fx fewer)\n' "$b" "$n" "$(echo "$b / $n" | bc -l)"
