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
base_out=$("$base_bin" "$rounds" "$seeds")
new_out=$("$new_bin" "$rounds" "$seeds")
echo "base ($rev):"; echo "$base_out"
echo "this tree:"; echo "$new_out"
paste <(echo "$base_out") <(echo "$new_out") | awk -F'\t' '{
  split($1, a, " "); split($2, b, " ");
  same = (a[13] == b[13] && a[15] == b[15]) ? "same schedules" : "DIFFERENT schedules";
  printf "%s %s: %.1f -> %.1f ns/step, %.2fx faster (%s)\n", a[1], a[2], a[3], b[3], a[3] / b[3], same }'
(cd "$wt" && bazel shutdown >/dev/null 2>&1 || true)
