#!/bin/bash
# The litmus checkers catch a wrong verdict: on a file claiming store buffering is forbidden,
# `hazsim litmus` exits 1 with CONTRADICTION under tso, and the suite's script fails.
set -u
HAZSIM=$1 SUITE=$2 WRONG=$3
out=$("$HAZSIM" litmus "$WRONG" --memory-model tso 2>&1)
rc=$?
[ $rc -eq 1 ] || { echo "FAIL: hazsim litmus exited $rc on a contradiction"; exit 1; }
echo "$out" | grep -q CONTRADICTION || { echo "FAIL: no CONTRADICTION line"; exit 1; }
"$HAZSIM" litmus "$WRONG" --memory-model sc >/dev/null 2>&1 || { echo "FAIL: sc agrees with Never, must exit 0"; exit 1; }
if bash "$SUITE" "$HAZSIM" "$WRONG" >/dev/null 2>&1; then echo "FAIL: the suite's script accepted a wrong file"; exit 1; fi
echo "ok: both checkers reject the wrong verdict"
