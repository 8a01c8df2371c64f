#!/usr/bin/env bash
# Small tests in kernel C (hazsim run FILE.c): the classic hazard-pointer test of
# scenarios/small/classic_hp.c gets, in each of its variants and under each memory model, the
# verdict that model must give, by exhaustive search (bounded:3, every schedule with at most
# three eventful choices) and by 3,000 random runs; and such a test runs, fuzzes, replays, shrinks
# and traces like any scenario, with one-line errors for a bad file.
#   tests/small_tests_test.sh HAZSIM TEST_FILE
set -uo pipefail
HAZSIM="$1"
TEST_FILE="$2"
TMP="${TEST_TMPDIR:-$(mktemp -d)}"
export HAZSIM_CACHE_DIR="$TMP/cache"
source "$(dirname "$0")/small_test_helpers.sh"

# What an exhaustive search's output in $TMP/out says: pass (exhausted, no failure), fail (the
# use after free), or what else it printed.
exhaustive_verdict() {
  if grep -q "the space is exhausted" "$TMP/out" && grep -q " 0 failures" "$TMP/out"; then
    echo pass
  elif grep -q " 1 failures (use-after-free: 1)" "$TMP/out"; then
    echo fail
  else
    echo "unexpected output: $(tail -2 "$TMP/out" | tr '\n' ' ')"
  fi
}

# verdict VARIANT MODEL pass|fail: VARIANT is a kconfig value (none, or NAME=y[,NAME=y]).
verdict() {
  local variant="$1" model="$2" want="$3"
  local common=("$TEST_FILE" --memory-model "$model" --set kconfig="$variant" -q --artifacts "$TMP/art")
  "$HAZSIM" fuzz "${common[@]}" --strategy bounded:3 --runs 0 --stop-on-first >"$TMP/out" 2>&1
  local exhaustive random_failures
  exhaustive=$(exhaustive_verdict)
  "$HAZSIM" fuzz "${common[@]}" --runs 3000 >"$TMP/out" 2>&1
  random_failures=$(grep -o "runs *[0-9]* failures" "$TMP/out" | grep -o "[0-9]* failures" | cut -d' ' -f1)
  if [ "$exhaustive" != "$want" ]; then
    bad "classic_hp $variant under $model: bounded:3 says $exhaustive, the model's verdict is $want"
  elif [ "$want" = pass ] && [ "${random_failures:-x}" != 0 ]; then
    bad "classic_hp $variant under $model: $random_failures of 3,000 random runs failed a correct variant"
  else
    ok
  fi
}

for model in sc tso pso weak; do
  verdict none "$model" pass
  verdict ALL_MB=y "$model" pass
  verdict DEREF_EARLY=y "$model" fail
  barrier_verdict=$([ "$model" = sc ] && echo pass || echo fail)
  verdict NO_READER_MB=y "$model" "$barrier_verdict"
  verdict NO_UPDATER_MB=y "$model" "$barrier_verdict"
  verdict NO_READER_MB=y,NO_UPDATER_MB=y "$model" "$barrier_verdict"
done

# dpor (source-DPOR with sleep sets) exhausts the test under sc and tso and gives the same
# verdicts; a failure it finds replays and shrinks like any other.
dpor_verdict() {
  local variant="$1" model="$2" want="$3"
  "$HAZSIM" fuzz "$TEST_FILE" --memory-model "$model" --set kconfig="$variant" -q --artifacts "$TMP/dpor" \
    --strategy dpor --runs 20000 --stop-on-first >"$TMP/out" 2>&1
  local got
  got=$(exhaustive_verdict)
  if [ "$got" = "$want" ]; then ok; else bad "classic_hp $variant under $model: dpor says $got, the model's verdict is $want"; fi
}
for model in sc tso; do
  dpor_verdict none "$model" pass
  dpor_verdict ALL_MB=y "$model" pass
  dpor_verdict DEREF_EARLY=y "$model" fail
  barrier_verdict=$([ "$model" = sc ] && echo pass || echo fail)
  dpor_verdict NO_READER_MB=y "$model" "$barrier_verdict"
  dpor_verdict NO_UPDATER_MB=y "$model" "$barrier_verdict"
done
dpor_found=$(ls "$TMP"/dpor/*-dpor-run*.sched 2>/dev/null | grep -v '\.min\.sched$' | head -1)
[ -n "$dpor_found" ] && "$HAZSIM" replay "$dpor_found" >"$TMP/out" 2>&1  # exits 1: the run fails
if grep -q "replay: identical to the recorded run" "$TMP/out"; then
  ok
else
  bad "a dpor failure does not replay: ${dpor_found:-none saved}"
fi

# dpor:1 (dpor within one preemption) under tso: the test passes every such schedule and says the
# search was exhausted within the bound only; the broken variants fail within it, and a failure
# it finds replays.
bounded_dpor() {
  local variant="$1" want="$2"
  "$HAZSIM" fuzz "$TEST_FILE" --memory-model tso --set kconfig="$variant" -q --artifacts "$TMP/dpor1" \
    --strategy dpor:1 --runs 20000 --stop-on-first >"$TMP/out" 2>&1
  local got="unexpected output: $(tail -2 "$TMP/out" | tr '\n' ' ')"
  grep -q "exhausted within 1 preemption (schedules with more were left out)" "$TMP/out" &&
    grep -q " 0 failures" "$TMP/out" && got=pass
  grep -q " 1 failures (use-after-free: 1)" "$TMP/out" && got=fail
  if [ "$got" = "$want" ]; then ok; else bad "classic_hp $variant under tso: dpor:1 says $got, want $want"; fi
}
bounded_dpor none pass
bounded_dpor DEREF_EARLY=y fail
bounded_dpor NO_READER_MB=y fail
bounded_dpor NO_UPDATER_MB=y fail
dpor1_found=$(ls "$TMP"/dpor1/*-dpor-1-run*.sched 2>/dev/null | grep -v '\.min\.sched$' | head -1)
[ -n "$dpor1_found" ] && "$HAZSIM" replay "$dpor1_found" >"$TMP/out" 2>&1
if grep -q "replay: identical to the recorded run" "$TMP/out"; then ok
else bad "a dpor:1 failure does not replay: ${dpor1_found:-none saved}"; fi

# The rest of the tool on a small test: a failure found by fuzz, rerun by its seed, replayed,
# shrunk and traced.
"$HAZSIM" fuzz "$TEST_FILE" --set kconfig=DEREF_EARLY=y --strategy random --runs 500 --stop-on-first -q \
  --artifacts "$TMP/found" >"$TMP/out" 2>&1
found=$(ls "$TMP"/found/*-seed*.sched 2>/dev/null | grep -v '\.min\.sched$' | head -1)
seed=$(basename "${found:-x}" .sched | sed 's/.*-seed//')
if [ -n "$found" ]; then ok; else bad "fuzz found no failure of DEREF_EARLY: $(tail -2 "$TMP/out")"; fi
"$HAZSIM" run "$TEST_FILE" --set kconfig=DEREF_EARLY=y --strategy random --seed "$seed" --save "$TMP/early.sched" \
  >"$TMP/out" 2>&1
if [ $? = 1 ] && grep -q "FAILURE" "$TMP/out"; then ok; else bad "run --seed $seed: $(tail -3 "$TMP/out")"; fi
if "$HAZSIM" replay "$TMP/early.sched" >"$TMP/out" 2>&1; [ $? = 1 ] && grep -q "identical to the recorded run" "$TMP/out"; then ok
else bad "replay: $(tail -3 "$TMP/out")"; fi
"$HAZSIM" shrink "$TMP/early.sched" >"$TMP/out" 2>&1
if grep -q "still fails the same way: use-after-free" "$TMP/out" && [ -s "$TMP/early.min.sched" ]; then ok
else bad "shrink: $(tail -3 "$TMP/out")"; fi
if "$HAZSIM" trace "$TMP/early.sched" -o "$TMP/early.txt" >"$TMP/out" 2>&1 && grep -q "reader" "$TMP/early.txt"; then ok
else bad "trace: $(tail -3 "$TMP/out")"; fi

# Bad input: one line naming the problem, exit 2.
printf '// hazsim: cpus=0\n' >"$TMP/zero_cpus.c"
one_line bad-setting "zero_cpus.c:1: hazsim: cpus = '0'" "$TMP/zero_cpus.c"
printf '/* hazsim: design=v5 */\n' >"$TMP/sets_design.c"
one_line sets-design "cannot set design" "$TMP/sets_design.c"
printf '// hazsim: cpus\n' >"$TMP/no_value.c"
one_line no-value "expected key=value" "$TMP/no_value.c"
printf '#include <linux/module.h>\nstatic int __init t(void) { return undefined_thing; }\nmodule_init(t);\n' >"$TMP/broken.c"
one_line compile-error "undefined_thing" "$TMP/broken.c"
printf '#include <linux/module.h>\nstatic int __init t(void) { hazptr_synchronize(0); return 0; }\nmodule_init(t);\n' >"$TMP/wants_design.c"
one_line needs-a-design "no hazptr_synchronize()" "$TMP/wants_design.c"
one_line missing-file "cannot read" "$TMP/no_such_test.c"

echo "small tests: $pass passed, $fail failed"
[ "$fail" = 0 ]
