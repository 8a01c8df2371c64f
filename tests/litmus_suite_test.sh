#!/bin/bash
# The litmus suite (tests/litmus/*.litmus): every test under every memory model, all schedules.
# Each file carries the LKMM's verdict (Result:) and what each hazsim model must give
# (hazsim: sc=.. tso=.. pso=.. weak=..). Fails when a model's verdict differs, when a search is
# not exhaustive, when any model reaches a state the LKMM forbids, or when weak differs from the
# LKMM without the file saying why (hazsim-stronger:, listed in README.md).
#   litmus_suite_test.sh [--sanitized] HAZSIM FILE...
# --sanitized (the ASan build): files marked hazsim-heavy: (millions of schedules, minutes each
# even optimised) are skipped, saying so; the optimised build's run of this test covers them.
set -u
sanitized=0
if [ "$1" = --sanitized ]; then
  sanitized=1
  shift
fi
HAZSIM=$1
shift
[ -n "${TEST_SHARD_STATUS_FILE:-}" ] && touch "$TEST_SHARD_STATUS_FILE"
fails=0
i=0
for f in "$@"; do
  i=$((i + 1))
  if [ -n "${TEST_TOTAL_SHARDS:-}" ] && [ $(( (i - 1) % TEST_TOTAL_SHARDS )) -ne "${TEST_SHARD_INDEX:-0}" ]; then continue; fi
  name=$(basename "$f")
  if [ $sanitized = 1 ] && grep -q 'hazsim-heavy:' "$f"; then
    echo "SKIP $name: hazsim-heavy, run by the optimised build"
    continue
  fi
  lkmm=$(grep -o 'Result: [A-Za-z]*' "$f" | awk '{print $2}')
  want=$(grep -o 'hazsim: .*' "$f")
  [ -n "$lkmm" ] && [ -n "$want" ] || { echo "FAIL $name: no Result: or hazsim: line"; fails=$((fails + 1)); continue; }
  for m in sc tso pso weak; do
    w=$(echo "$want" | grep -o "$m=[A-Za-z]*" | cut -d= -f2)
    out=$("$HAZSIM" litmus "$f" --memory-model "$m" 2>&1)
    rc=$?
    got=$(echo "$out" | awk '/^Observation /{print $3}')
    if [ "$got" != "$w" ]; then echo "FAIL $name under $m: $got, expected $w"; fails=$((fails + 1)); fi
    if ! echo "$out" | grep -q 'every one)'; then echo "FAIL $name under $m: the search was not exhaustive"; fails=$((fails + 1)); fi
    if [ "$lkmm" = Never ] && [ "$got" != Never ]; then echo "FAIL $name under $m: reaches what the LKMM forbids"; fails=$((fails + 1)); fi
    if [ "$lkmm" = Never ] && [ $rc -ne 0 ]; then echo "FAIL $name under $m: exit $rc"; fails=$((fails + 1)); fi
    if [ "$m" = weak ] && [ "$got" != "$lkmm" ] && ! grep -q 'hazsim-stronger:' "$f"; then
      echo "FAIL $name: weak gives $got, the LKMM $lkmm, and the file does not say why"; fails=$((fails + 1))
    fi
  done
done
[ $fails -eq 0 ] && echo "litmus suite: every verdict as expected"
exit $((fails != 0))
