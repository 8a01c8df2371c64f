#!/usr/bin/env bash
# Runs per second of a small test's fuzz campaign, for two builds side by side: the builds
# alternate round by round (this machine's speed drifts by a third over minutes), and each figure is
# the median of the rounds, with the ratio new/baseline. Times, unlike run_cost.sh's instruction
# counts, see cache misses, the campaign lock and the second core.
#   bench/small_test_rate.sh BASELINE_HAZSIM NEW_HAZSIM [ROUNDS] [RUNS] [TEST_FILE]
# Environment: JOBS (default "1 2"), MODEL (sc), STRATEGY (random).
set -euo pipefail
base="$1" new="$2"
rounds="${3:-3}" runs="${4:-300000}"
test_file="${5:-$(cd "$(dirname "$0")/.." && pwd)/scenarios/small/classic_hp.c}"
jobs_list="${JOBS:-1 2}" model="${MODEL:-sc}" strategy="${STRATEGY:-random}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rate() {  # rate BINARY JOBS: the campaign's runs/s, from its summary line
  "$1" fuzz "$test_file" --memory-model "$model" --strategy "$strategy" --runs "$runs" --jobs "$2" -q \
    --artifacts "$work/art" | sed -n 's/.*(\([0-9]*\) runs\/s).*/\1/p' | head -1
}
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2)}'; }
echo "small_test_rate: $(basename "$test_file") under $model, --strategy $strategy, $runs runs, median of $rounds alternating rounds"
for jobs in $jobs_list; do
  : >"$work/b"
  : >"$work/n"
  for ((r = 0; r < rounds; ++r)); do
    rate "$base" "$jobs" >>"$work/b"
    rate "$new" "$jobs" >>"$work/n"
  done
  b=$(median <"$work/b") n=$(median <"$work/n")
  printf '  --jobs %s: baseline %7d runs/s (%s), new %7d runs/s (%s)  %.2fx\n' "$jobs" "$b" \
    "$(tr '\n' ' ' <"$work/b" | sed 's/ $//')" "$n" "$(tr '\n' ' ' <"$work/n" | sed 's/ $//')" "$(echo "$n / $b" | bc -l)"
done
