#!/usr/bin/env bash
# The step's cost side by side with another revision: builds bench/step_bench.cc at REV (in a
# temporary git worktree) and at the working tree, runs them in turn on the same machine, and
# prints both medians with their ratio. Equal "steps" and "checksum" columns mean both builds ran
# the same schedules.
#   bench/compare_builds.sh [REV] [rounds] [seeds]      (REV defaults to the previous release, 0fe964a)
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-0fe964a}
rounds=${2:-5}
seeds=${3:-20}
flags=(--noshow_progress --ui_event_filters=-info)
wt=$(mktemp -d /tmp/hazsim-base.XXXXXX)
trap 'git worktree remove --force "$wt" >/dev/null 2>&1 || true; rm -rf "$wt"' EXIT
git worktree add --detach "$wt" "$rev" >/dev/null 2>&1
cp bench/step_bench.cc "$wt/bench/"
grep -q step_bench "$wt/bench/BUILD" || printf '\ncc_binary(name = "step_bench", srcs = ["step_bench.cc"], deps = ["//scenarios"])\n' >>"$wt/bench/BUILD"
(cd "$wt" && bazel build "${flags[@]}" //bench:step_bench >&2)
bazel build "${flags[@]}" //bench:step_bench >&2
base_bin="$wt/bazel-bin/bench/step_bench"
new_bin="$(bazel info "${flags[@]}" bazel-bin 2>/dev/null)/bench/step_bench"
# Rounds alternate between the builds, so that the machine's drift falls on both alike.
: >"$wt/base.txt"
: >"$wt/new.txt"
for _ in $(seq "$rounds"); do
  "$base_bin" 1 "$seeds" >>"$wt/base.txt"
  "$new_bin" 1 "$seeds" >>"$wt/new.txt"
done
summary() {  # median ns/step per strategy, with the steps and checksum of its runs
  sort -k2,2 -k3,3n "$1" | awk '{ n[$2]++; v[$2, n[$2]] = $3; steps[$2] = $13; sum[$2] = $15 }
    END { for (s in n) printf "%s %s %.1f %s %s\n", "TORTURE/v5", s, v[s, int((n[s] + 1) / 2)], steps[s], sum[s] }' | sort
}
echo "median ns/step of $rounds alternating rounds ($seeds seeds each):"
join -j 2 <(summary "$wt/base.txt") <(summary "$wt/new.txt") | awk -v rev="$rev" '{
  same = ($4 == $8 && $5 == $9) ? "same schedules" : "DIFFERENT schedules";
  printf "TORTURE/v5 %-9s  %s %6.1f   this tree %6.1f   %.2fx faster  (%s: %s steps, checksum %s)\n",
         $1, rev, $3, $7, $3 / $7, same, $8, $9 }'
(cd "$wt" && bazel shutdown >/dev/null 2>&1 || true)
