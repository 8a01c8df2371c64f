#!/usr/bin/env bash
# The SMALL scenario (two readers and a writer on v5) with each of v5's full barriers removed:
# fuzz's default portfolio finds each under tso in the number of runs the README gives, and no
# failure under sc, where no store waits in a buffer (the control). dpor does not exhaust SMALL
# (its readers' rests are timers, dependent with everything), so the bug found is the answer.
#   tests/small_mutations_test.sh HAZSIM
set -uo pipefail
HAZSIM="$1"
TMP="${TEST_TMPDIR:-$(mktemp -d)}"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# found MUTATION RUNS: the campaign stops at its first failure, at run RUNS (--jobs 1: the same
# campaign every time).
found() {
  "$HAZSIM" fuzz SMALL --memory-model tso --set mutate="$1" --runs 0 --stop-on-first --jobs 1 -q \
    --shrink-time 0 --artifacts "$TMP/art" >"$TMP/out" 2>&1
  if grep -qE "SMALL +v5 +$2 runs +1 failures" "$TMP/out"; then ok
  else bad "$1 under tso: $(grep -E '^hazsim-fuzz: SMALL' "$TMP/out")"; fi
  "$HAZSIM" fuzz SMALL --memory-model sc --set mutate="$1" --runs 20000 --jobs 1 -q --artifacts "$TMP/art" \
    >"$TMP/out" 2>&1
  if grep -qE "SMALL +v5 +20000 runs +0 failures" "$TMP/out"; then ok
  else bad "$1 under sc: $(grep -E '^hazsim-fuzz: SMALL' "$TMP/out")"; fi
}
found drop-mb@hazptr_acquire 20300
found drop-mb@hazptr_synchronize 34878

echo "small_mutations_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
