#!/usr/bin/env bash
# The entry script runs the hazsim command where the user stands: a relative --save, a relative
# replay FILE, a small test FILE.c and the default --artifacts are the caller's, not the repository's.
# (./hazsim test runs this after the suites, when the build is up to date.)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check() {  # check NAME CONDITION...
  local name=$1
  shift
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $name"; fi
}
cd "$work"
"$root/hazsim" run TORTURE --design v4-nopreempt --seed 1 --save ok.sched >run.txt 2>&1
check save-lands-here test -s "$work/ok.sched"
check not-in-the-repository test ! -e "$root/ok.sched"
"$root/hazsim" replay ok.sched -q >replay.txt 2>&1
check replay-reads-here grep -q 'identical to the recorded run' replay.txt
"$root/hazsim" fuzz TORTURE --design busted --runs 1 --shrink-time 0 >fuzz.txt 2>&1
check artifacts-land-here test -d "$work/hazsim-artifacts"
# A small test named by a relative path from the caller's directory, and its schedule replayed.
cp "$root/scenarios/small/classic_hp.c" "$work/my_test.c"
"$root/hazsim" run my_test.c --set kconfig=DEREF_EARLY=y --memory-model sc --strategy random --seed 3 \
  --save my_test.sched >small.txt 2>&1
check small-test-runs-here grep -q 'scenario=my_test.c design=none' small.txt
"$root/hazsim" replay my_test.sched -q >small_replay.txt 2>&1
check small-test-replays-here grep -q 'identical to the recorded run' small_replay.txt
echo "entry script: $pass passed, $fail failed"
[ "$fail" = 0 ]
