#!/usr/bin/env bash
# trace --format trace.dat against the real tool: `trace-cmd report` (Debian's trace-cmd) reads the
# file hazsim writes without a parse error, and reports the same events as hazsim's ftrace text
# of the same run: task, pid, vCPU, timestamp (to the nanosecond) and event, line for line; the
# failure is among them, and so are the --accesses lines.
#   tests/trace_cmd_test.sh HAZSIM
set -uo pipefail
HAZSIM="$1"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
command -v trace-cmd >/dev/null || { echo "FAIL trace-cmd is not installed (./hazsim installs it)"; exit 1; }
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
# "comm-pid [cpu] ... ts: event" of each line, from either tool. hazsim's text has a flags column,
# trace-cmd's (without -l) none; a print event is "print: FUNC: text" in trace-cmd, "FUNC: text" here.
key() {
  sed -E -n 's/^ *(.*)-([0-9]+) +\[([0-9]{3})\] +([^ ]+ +)?([0-9]+\.[0-9]{9}): +(print: +)?([A-Za-z_0-9]+):.*/\2 \3 \5 \7/p'
}
for spec in "TORTURE v4 3" "IRQ v4-nopreempt 1" "SOFTIRQ v5 1"; do
  set -- $spec
  "$HAZSIM" run "$1" --design "$2" --seed "$3" --save "$TMP/r.sched" >/dev/null
  failed=$?  # 1: the run failed
  "$HAZSIM" trace "$TMP/r.sched" --accesses -o "$TMP/r.txt" >/dev/null
  if ! "$HAZSIM" trace "$TMP/r.sched" --accesses --format trace.dat -o "$TMP/r.dat" >/dev/null; then
    bad "$spec: trace --format trace.dat"; continue
  fi
  if ! trace-cmd report -t "$TMP/r.dat" >"$TMP/report.txt" 2>"$TMP/report.err"; then
    bad "$spec: trace-cmd report failed: $(head -3 "$TMP/report.err")"; continue
  fi
  if grep -q -i -E "failed to parse|\[unknown|warning|error" "$TMP/report.err" ||
     grep -q -i -E "failed to parse|\[unknown" "$TMP/report.txt"; then
    bad "$spec: trace-cmd could not parse some of it:"; grep -h -i -E "parse|unknown|warning|error" "$TMP/report.err" "$TMP/report.txt" | head -3
  else ok; fi
  key <"$TMP/r.txt" >"$TMP/want"
  key <"$TMP/report.txt" >"$TMP/got"
  n=$(wc -l <"$TMP/want")
  # trace-cmd merges the vCPUs' buffers by timestamp; events at the same time keep no order
  # between vCPUs, so compare sorted.
  if [ "$n" -gt 50 ] && diff <(sort "$TMP/want") <(sort "$TMP/got") >"$TMP/diff"; then ok
  else bad "$spec: trace-cmd report's $(wc -l <"$TMP/got") events differ from the ftrace text's $n:"; head -5 "$TMP/diff"; fi
  if [ "$failed" = 1 ]; then
    grep -q "FAILURE: " "$TMP/report.txt" && ok || bad "$spec: no FAILURE event in trace-cmd's report"
  fi
  grep -q -E "print: +hazptr_[a-z_]+: (load|store|rmw) line" "$TMP/report.txt" && ok || bad "$spec: no --accesses lines"
done
# Each event kind hazsim writes is one trace-cmd knows by its format (no raw "[unknown]" lines).
grep -E -q "sched_switch: .* ==> " "$TMP/report.txt" && ok || bad "sched_switch not printed by its format"
echo "trace_cmd_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
