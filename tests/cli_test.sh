#!/usr/bin/env bash
# The command as users run it: exit codes, one-line errors, saved schedules, replay, divergence.
set -uo pipefail
HAZSIM="$1"
TMP="${TEST_TMPDIR:-$(mktemp -d)}"
pass=0 fail=0
check() {  # check NAME EXPECTED_EXIT COMMAND...
  local name="$1" want="$2"; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"; local got=$?
  if [ "$got" = "$want" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $name: exit $got, want $want"; cat "$TMP/err" | head -5; fi
}
one_line_error() {  # the last command's stderr is exactly one line naming the problem
  local name="$1" pattern="$2"
  if [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q -e "$pattern" "$TMP/err"; then pass=$((pass+1));
  else fail=$((fail+1)); echo "FAIL $name: stderr:"; cat "$TMP/err"; fi
}

check list 0 "$HAZSIM" list
check bad-flag 2 "$HAZSIM" run TORTURE --no-such-flag
one_line_error bad-flag "error"
check unknown-design 2 "$HAZSIM" run TORTURE --design v99
one_line_error unknown-design "unknown design 'v99'"
check unknown-scenario 2 "$HAZSIM" run NOPE
one_line_error unknown-scenario "unknown scenario 'NOPE'"
check bad-set 2 "$HAZSIM" run TORTURE --set cpus=0
one_line_error bad-set "cpus = '0'"
check bad-model 2 "$HAZSIM" run TORTURE --memory-model arm
one_line_error bad-model "expected one of: sc tso pso"
check tso-run 0 "$HAZSIM" run TORTURE --design v4-nopreempt --memory-model tso --seed 2 -q
check missing-file 2 "$HAZSIM" replay "$TMP/does-not-exist.sched"
one_line_error missing-file "cannot read"
printf 'garbage\n' >"$TMP/garbage.sched"
check garbage-file 2 "$HAZSIM" replay "$TMP/garbage.sched"
one_line_error garbage-file "garbage.sched:1"
# hazsim litmus: bad files, parse errors and unsupported constructs are one line and exit 2.
check litmus-missing 2 "$HAZSIM" litmus "$TMP/nope.litmus"
one_line_error litmus-missing "cannot read"
check litmus-dir 2 "$HAZSIM" litmus "$TMP"
one_line_error litmus-dir "$TMP"
printf 'C bad\n{}\nP0(int *x)\n{\n\tint r0;\n\twhile (1) r0 = READ_ONCE(*x);\n}\nexists (0:r0=1)\n' >"$TMP/loop.litmus"
check litmus-loop 2 "$HAZSIM" litmus "$TMP/loop.litmus"
one_line_error litmus-loop "unsupported: 'while'"
printf 'C bad\n{}\nP0(int *x)\n{\n\tsynchronize_rcu();\n}\nexists (x=1)\n' >"$TMP/gp.litmus"
check litmus-rcu 2 "$HAZSIM" litmus "$TMP/gp.litmus"
one_line_error litmus-rcu "unsupported: synchronize_rcu()"
printf 'C bad\n{}\nP0(int *x)\n{\n\tint r0;\n\tr0 = READ_ONCE(*x);\n}\nexists (1:r0=1)\n' >"$TMP/nop1.litmus"
check litmus-cond 2 "$HAZSIM" litmus "$TMP/nop1.litmus"
one_line_error litmus-cond "names P1, which does not exist"
printf 'not a litmus test\n' >"$TMP/junk.litmus"
check litmus-junk 2 "$HAZSIM" litmus "$TMP/junk.litmus"
one_line_error litmus-junk "starts with 'C name'"
printf 'C nullderef\n{}\nP0(int *x)\n{\n\tint r0;\n\tint r1;\n\tr1 = READ_ONCE(*r0);\n}\nexists (0:r1=1)\n' >"$TMP/null.litmus"
check litmus-null 2 "$HAZSIM" litmus "$TMP/null.litmus"
one_line_error litmus-null "P0: the address 0x0 is not a shared variable"
check litmus-bad-model 2 "$HAZSIM" litmus "$TMP/null.litmus" --memory-model arm
one_line_error litmus-bad-model "unknown memory model 'arm'"

# Kernel source: the project's textbook tree through the command, and trees that cannot run.
TEXTBOOK="$(cd "$(dirname "$0")" && pwd)/kernel/textbook"
export HAZSIM_CACHE_DIR="$TMP/kernel-cache"
check kernel-missing 2 "$HAZSIM" run TORTURE --design kernel:/nonexistent
one_line_error kernel-missing "/nonexistent is not a directory"
check kernel-empty 2 "$HAZSIM" fuzz TORTURE --design kernel: --runs 1
one_line_error kernel-empty "kernel: takes a directory"
check kernel-kconfig 2 "$HAZSIM" run TORTURE --design "kernel:$TEXTBOOK" --set kconfig=PREEMPT_HAZPTR
one_line_error kernel-kconfig "expected NAME=y or NAME=n"
check kernel-run 0 "$HAZSIM" run TORTURE --design "kernel:$TEXTBOOK" --seed 2 --save "$TMP/kernel.sched"
grep -q 'compiled kernel:' "$TMP/err" && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL no compile note"; }
khash=$(grep '^schedule-hash:' "$TMP/out")
check kernel-replay 0 "$HAZSIM" replay "$TMP/kernel.sched"
[ "$(grep '^schedule-hash:' "$TMP/out")" = "$khash" ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL kernel replay hash"; }
[ ! -s "$TMP/err" ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL the cached object was compiled again"; }
check kernel-compare 0 "$HAZSIM" compare --designs "kernel:$TEXTBOOK,v5" --sweep cpus=2 --out "$TMP/compare"
grep -q "^       2 kernel:" "$TMP/out" && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL compare row of the kernel design"; }
check kernel-detach 2 "$HAZSIM" run DETACH --design "kernel:$TEXTBOOK"
one_line_error kernel-detach "has no hazptr_detach()"
unset HAZSIM_CACHE_DIR

check pass-run 0 "$HAZSIM" run TORTURE --design v4-nopreempt --seed 3 --save "$TMP/ok.sched"
grep -q '^hazsim-torture:--- Start of test: scenario=TORTURE design=v4-nopreempt' "$TMP/out" && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL start line"; }
grep -q '^hazsim-torture:--- End of test: SUCCESS' "$TMP/out" && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL end line"; }
hash1=$(grep '^schedule-hash:' "$TMP/out")
check replay-pass 0 "$HAZSIM" replay "$TMP/ok.sched"
[ "$(grep '^schedule-hash:' "$TMP/out")" = "$hash1" ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL replay hash"; }

check fail-run 1 "$HAZSIM" run TORTURE --design busted --seed 1 --save "$TMP/bad.sched"
grep -q '!!!' "$TMP/out" && grep -q '^replay: hazsim replay' "$TMP/out" && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL failure report"; }
check replay-fail 1 "$HAZSIM" replay "$TMP/bad.sched"

sed 's/^schedule_hash = .*/schedule_hash = 0000000000000001/' "$TMP/bad.sched" >"$TMP/tampered.sched"
check diverged 3 "$HAZSIM" replay "$TMP/tampered.sched"
grep -q 'diverged' "$TMP/err" && ! grep -q 'generation\|other sources' "$TMP/err" && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL divergence message"; }
# A file written by another schedule generation, or from other sources, says so when it diverges.
grep -q '^generation = [0-9]*$' "$TMP/bad.sched" && grep -q '^source = [0-9a-f]*$' "$TMP/bad.sched" && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL schedule file lacks generation or source"; }
sed 's/^generation = .*/generation = 1/' "$TMP/tampered.sched" >"$TMP/old-gen.sched"
check diverged-old-generation 3 "$HAZSIM" replay "$TMP/old-gen.sched"
grep -q 'written by schedule generation 1, this hazsim is generation' "$TMP/err" && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL old generation not named:"; cat "$TMP/err"; }
sed 's/^source = .*/source = 0123/' "$TMP/tampered.sched" >"$TMP/old-src.sched"
check diverged-other-sources 3 "$HAZSIM" replay "$TMP/old-src.sched"
grep -q 'written from other sources (digest 0123' "$TMP/err" && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL other sources not named:"; cat "$TMP/err"; }

check fuzz-busted 1 "$HAZSIM" fuzz TORTURE --design busted --runs 5 --artifacts "$TMP/art"
n=$(ls "$TMP/art"/*.sched 2>/dev/null | wc -l)
[ "$n" -ge 1 ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL fuzz wrote no artifacts"; }
first=$(ls "$TMP/art"/*.sched | head -1)
check fuzz-artifact-replays 1 "$HAZSIM" replay "$first"
n_min=$(ls "$TMP/art"/*.min.sched 2>/dev/null | wc -l)
[ "$n_min" -ge 1 ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL fuzz kept no shrunk schedule"; }
check shrink 1 "$HAZSIM" shrink "$first" -o "$TMP/shrunk.sched" --max-time 5
grep -q 'still fails the same way' "$TMP/out" && grep -q 'in words' "$TMP/out" && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL shrink report"; }
cp "$TMP/out" "$TMP/shrink.out"
check shrunk-replays 1 "$HAZSIM" replay "$TMP/shrunk.sched"
# The narrative leads with the failing task (the one the replay's report names) and its own steps.
who=$(sed -n 's/.*!!! where: \(.* (pid [0-9]*)\).*/\1/p' "$TMP/out" | head -1)
lead=$(grep -A1 'in words' "$TMP/shrink.out" | tail -1)
if [ -n "$who" ] && { [ "$lead" = "  the failing task, $who:" ] || [[ "$lead" == "  the failing task, $who, its last "* ]]; }; then
  pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL the narrative does not lead with the failing task ($who): $lead"; fi
check shrink-passing 2 "$HAZSIM" shrink "$TMP/ok.sched"
one_line_error shrink-passing "nothing to shrink"
check fuzz-jobs1 1 "$HAZSIM" fuzz NESTING --design busted --runs 12 --artifacts "$TMP/j1" --shrink-time 0
check fuzz-jobs2 1 "$HAZSIM" fuzz NESTING --design busted --runs 12 --jobs 2 --artifacts "$TMP/j2" --shrink-time 0
if [ "$(cd "$TMP/j1" && ls)" = "$(cd "$TMP/j2" && ls)" ] && diff -r "$TMP/j1" "$TMP/j2" >/dev/null; then
  pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL --jobs 2 found other failures or other schedules than --jobs 1"; fi
# Short runs (SMALL on v5, ~20 us a run: workers claim positions in chunks) with a corpus that
# grows and is extended: the same campaign for --jobs 1 and 2, down to every design line's count.
check fuzz-short-jobs1 0 "$HAZSIM" fuzz SMALL --design v5 --runs 3000 -q --artifacts "$TMP/s1"
grep -q " [1-9][0-9]* runs extended [1-9]" "$TMP/out" && pass=$((pass+1)) ||
  { fail=$((fail+1)); echo "FAIL the short-run campaign extended no corpus entry: it tests nothing"; }
check fuzz-short-jobs2 0 "$HAZSIM" fuzz SMALL --design v5 --runs 3000 --jobs 2 -q --artifacts "$TMP/s2"
if diff -r "$TMP/s1" "$TMP/s2" >/dev/null; then pass=$((pass+1)); else fail=$((fail+1));
  echo "FAIL --jobs 2 ran another campaign of short runs than --jobs 1 (coverage or line counts differ)"; fi
check bad-jobs 2 "$HAZSIM" fuzz TORTURE --jobs 0
# Failures whose schedules cannot be saved (--artifacts is a regular file): exit 4, saying how many
# were lost and why, never "failing schedules are in"; no temporary left beside the file.
: >"$TMP/not-a-dir"
check fuzz-lost-artifacts 4 "$HAZSIM" fuzz TORTURE --design busted --runs 3 --shrink-time 0 --artifacts "$TMP/not-a-dir"
if grep -q '!!! 3 of 3 failing schedules could not be saved' "$TMP/out" && ! grep -q 'failing schedules are in' "$TMP/out" &&
   [ -z "$(ls "$TMP"/not-a-dir?* 2>/dev/null)" ]; then pass=$((pass+1)); else
  fail=$((fail+1)); echo "FAIL fuzz-lost-artifacts output:"; tail -3 "$TMP/out"; fi
check trace-ftrace 0 "$HAZSIM" trace "$TMP/bad.sched" -o "$TMP/bad.txt"
head -1 "$TMP/bad.txt" | grep -qx '# tracer: nop' && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL ftrace header"; }
check trace-json 0 "$HAZSIM" trace "$TMP/bad.sched" --format json -o "$TMP/bad.json"
check trace-events 0 "$HAZSIM" trace "$TMP/bad.sched" --format events -o "$TMP/bad.events"
# The events file ends with the events the failure report lists last (the report's ring does
# not keep the hold-count events a full trace has).
"$HAZSIM" replay "$TMP/bad.sched" 2>&1 | sed -n 's/^hazsim-torture:   //p' | tail -5 >"$TMP/tail.report"
grep -v '  held ' "$TMP/bad.events" | tail -5 >"$TMP/tail.events"
if [ -s "$TMP/tail.report" ] && cmp -s "$TMP/tail.report" "$TMP/tail.events"; then pass=$((pass+1)); else
  fail=$((fail+1)); echo "FAIL trace --format events does not end with the failure report's last events"; fi
check trace-bad-format 2 "$HAZSIM" trace "$TMP/bad.sched" --format svg
# Bazel's test environment: shard 1 of 2 runs seeds 2, 4, 6; failures go to the outputs directory.
mkdir -p "$TMP/und"
TEST_TOTAL_SHARDS=2 TEST_SHARD_INDEX=1 TEST_UNDECLARED_OUTPUTS_DIR="$TMP/und" TEST_SHARD_STATUS_FILE="$TMP/status" \
  "$HAZSIM" fuzz TORTURE --design busted --runs 6 --shrink-time 0 >"$TMP/out" 2>&1
if [ "$(cd "$TMP/und" && ls | tr '\n' ' ')" = "TORTURE-busted-coverage.txt TORTURE-busted-lines.txt TORTURE-busted-seed2.sched TORTURE-busted-seed4.sched TORTURE-busted-seed6.sched buckets.txt " ] &&
   [ -e "$TMP/status" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL sharding: $(ls "$TMP/und")"; fi
# Failure buckets: a campaign's failures by design, oracle and design line; --max-artifacts N keeps
# N schedules a bucket and counts the rest; a later campaign in the same directory marks the
# buckets it saw before as known; a damaged buckets.txt is one line and exit 2.
check buckets 1 "$HAZSIM" fuzz TORTURE --design v4 --runs 12 --max-artifacts 1 --shrink-time 0 --artifacts "$TMP/bk"
nb=$(grep -c '^    [0-9]*x .* \[v4\] (hazptr/v4.h:[0-9]*) new; kept: ' "$TMP/out")
if [ "$nb" -ge 1 ] && [ "$(ls "$TMP/bk"/*.sched | wc -l)" = "$nb" ] && grep -q 'not kept' "$TMP/out"; then
  pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL buckets: $nb buckets, $(ls "$TMP/bk"/*.sched | wc -l) files"; cat "$TMP/out" | tail -5; fi
# A bucket's title names the design call the failing function ran under (the task's open section).
grep -q '^    [0-9]*x list-corruption in hazptr_chain_backup_slot from hazptr_note_context_switch \[v4\] ' "$TMP/out" &&
  pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL bucket title with its caller"; tail -4 "$TMP/out"; }
check buckets-known 1 "$HAZSIM" fuzz TORTURE --design v4 --runs 3 --seed 50 --shrink-time 0 --artifacts "$TMP/bk"
grep -q '^    [0-9]*x warn in hazptr_release \[v4\] .* known; ' "$TMP/out" && pass=$((pass+1)) ||
  { fail=$((fail+1)); echo "FAIL buckets-known"; tail -4 "$TMP/out"; }
printf '12\tno site\n' >"$TMP/bk/buckets.txt"
check buckets-bad-file 2 "$HAZSIM" fuzz TORTURE --design v4 --runs 1 --artifacts "$TMP/bk"
one_line_error buckets-bad-file "buckets.txt:1"
check bounded 1 "$HAZSIM" fuzz SMALL --design busted --strategy bounded:2 --runs 0 --artifacts "$TMP/bnd"
grep -q 'the space is exhausted' "$TMP/out" && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL bounded report"; }
check bounded-replay 1 "$HAZSIM" replay "$(ls "$TMP/bnd"/*.sched | head -1)"
# A bounded campaign stops at --max-total-time, and at SIGTERM or Ctrl-C, before its next schedule
# (it went on for ever before: only SIGKILL stopped it).
start=$SECONDS
check bounded-max-total-time 0 timeout 60 "$HAZSIM" fuzz SMALL --design v5 --strategy bounded:3 --runs 0 --max-total-time 2 \
  --artifacts "$TMP/bnd2"
grep -q 'stopped before the space was exhausted (--max-total-time)' "$TMP/out" && [ $((SECONDS - start)) -le 10 ] &&
  pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL bounded --max-total-time: $(grep bounded "$TMP/out")"; }
for sig in TERM INT; do
  "$HAZSIM" fuzz SMALL --design v5 --strategy bounded:3 --runs 0 --artifacts "$TMP/bnd3" >"$TMP/bnd3.out" 2>&1 &
  pid=$!
  sleep 1
  start_ns=$(date +%s%N)
  kill -"$sig" "$pid"
  ( sleep 20; kill -KILL "$pid" 2>/dev/null ) &
  watchdog=$!
  wait "$pid"
  ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
  kill "$watchdog" 2>/dev/null
  # Within a second of the signal (2 ms here, optimised).
  if grep -q 'stopped before the space was exhausted (interrupted)' "$TMP/bnd3.out" && [ "$ms" -lt 1000 ]; then
    pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL bounded SIG$sig: ${ms} ms: $(tail -2 "$TMP/bnd3.out")"; fi
done
check fuzz-pass 0 "$HAZSIM" fuzz TORTURE --design v4-nopreempt --runs 5 --artifacts "$TMP/art2"
# --cflist with --design D,D: every CFLIST scenario with each design given (it ignored --design),
# saying which scenarios a design cannot run.
"$HAZSIM" fuzz --cflist --design v5,pertask --runs 1 --shrink-time 0 --artifacts "$TMP/mx" >"$TMP/out" 2>&1
rc=$?
if [ "$rc" -le 1 ] && grep -q '^hazsim-fuzz: TORTURE *v5 ' "$TMP/out" && grep -q '^hazsim-fuzz: FORK *pertask ' "$TMP/out" &&
   ! grep -q '^hazsim-fuzz: [A-Z-]* *\(v4\|busted\|twophase\) ' "$TMP/out" &&
   grep -q '^hazsim-fuzz: DETACH v5: not run: .*hazptr_detach' "$TMP/out"; then pass=$((pass+1)); else
  fail=$((fail+1)); echo "FAIL cflist-designs: exit $rc, $(grep -c '^hazsim-fuzz' "$TMP/out") lines"; fi
# A matrix as kvm.sh's: --configs with N* (N times the runs), --configs-file (a CFLIST of one's
# own), --duration with units shared by the entries; bad ones are one line and exit 2.
check configs 0 "$HAZSIM" fuzz --configs "TORTURE 2*NESTING" --design v5 --runs 2 --artifacts "$TMP/cfg"
grep -q '^hazsim-fuzz: TORTURE *v5 *2 runs' "$TMP/out" && grep -q '^hazsim-fuzz: NESTING *v5 *4 runs' "$TMP/out" &&
  pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL configs: $(grep ' runs ' "$TMP/out")"; }
printf '# my matrix\nSMALL v5\n2*SMALL pertask\n' >"$TMP/mycf"
start=$SECONDS
check configs-file-duration 0 "$HAZSIM" fuzz --configs-file "$TMP/mycf" --duration 3s --artifacts "$TMP/cfg2"
grep -q '^hazsim-fuzz: SMALL *v5 ' "$TMP/out" && grep -q '^hazsim-fuzz: SMALL *pertask ' "$TMP/out" &&
  [ $((SECONDS - start)) -le 10 ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL configs-file/duration"; }
check configs-bad-count 2 "$HAZSIM" fuzz --configs "0*TORTURE"
one_line_error configs-bad-count "N from 1 to 1000"
printf 'SMALL v5 extra\n' >"$TMP/badcf"
check configs-file-bad 2 "$HAZSIM" fuzz --configs-file "$TMP/badcf"
one_line_error configs-file-bad "badcf:1"
check duration-bad 2 "$HAZSIM" fuzz SMALL --duration 5q
one_line_error duration-bad "duration"
check two-sources 2 "$HAZSIM" fuzz TORTURE --cflist
one_line_error two-sources "one of SCENARIO"
# --results DIR: a directory per campaign with a log per pair and summary.txt/.json, the buckets in
# DIR; hazsim summary DIR prints the newest campaign's summary again.
check results 1 "$HAZSIM" fuzz --configs "TORTURE" --design v4,v5 --runs 3 --results "$TMP/res"
camp=$(ls -d "$TMP/res"/20*/ 2>/dev/null | head -1)
if [ -n "$camp" ] && [ -s "$camp/TORTURE-v4.log" ] && [ -s "$camp/TORTURE-v5.log" ] && [ -s "$TMP/res/buckets.txt" ] &&
   grep -q '"design": "v5", "runs": 3, "failures": 0' "$camp/summary.json" &&
   { ! command -v python3 >/dev/null || python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$camp/summary.json"; }; then
  pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL results directory: $(ls -R "$TMP/res" | head -20)"; fi
check summary 0 "$HAZSIM" summary "$TMP/res"
grep -q '^hazsim-summary: ' "$TMP/out" && grep -q '^hazsim-fuzz: TORTURE *v5 *3 runs' "$TMP/out" && grep -q 'warn in hazptr_release \[v4\]' "$TMP/out" &&
  pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL summary"; cat "$TMP/out"; }
check summary-none 2 "$HAZSIM" summary "$TMP/cfg"
one_line_error summary-none "no campaign summary"
# --stop-on-first ends the campaign at its first failure, with its schedule file.
check stop-on-first 1 "$HAZSIM" fuzz TORTURE --design busted --runs 50 --stop-on-first --shrink-time 0 --artifacts "$TMP/sof"
grep -q '^hazsim-fuzz: TORTURE *busted *1 runs *1 failures' "$TMP/out" && [ "$(ls "$TMP/sof"/*.sched | wc -l)" = 1 ] &&
  pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL stop-on-first: $(grep 'runs' "$TMP/out")"; }
# A design that dereferences NULL is a report with a schedule file, never a crash of hazsim.
check fuzz-null-deref 1 "$HAZSIM" fuzz TORTURE --design inj-acquire-no-guard --runs 3 --shrink-time 0 --artifacts "$TMP/nd"
cat "$TMP/out" "$TMP/err" | grep -q 'null-deref' && [ "$(ls "$TMP/nd"/*.sched | wc -l)" -ge 1 ] && pass=$((pass+1)) ||
  { fail=$((fail+1)); echo "FAIL null-deref report or schedule file"; }
check null-deref-replays 1 "$HAZSIM" replay "$(grep -l 'null-deref' "$TMP/nd"/*.sched | head -1)"
# --max-total-time alone runs until the time is up, past the 100 runs --runs defaults to.
check max-total-time 0 "$HAZSIM" fuzz SMALL --design v5 --strategy random --max-total-time 3 --artifacts "$TMP/mtt"
runs=$(sed -n 's/^hazsim-fuzz: SMALL *v5 *\([0-9]*\) runs.*/\1/p' "$TMP/out")
[ "${runs:-0}" -gt 100 ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL --max-total-time alone stopped at ${runs:-?} runs"; }

# Outputs never replace what is not a regular file, and inputs must be regular files.
echo keep >"$TMP/target"
ln -sf "$TMP/target" "$TMP/link.sched"
check save-to-symlink 2 "$HAZSIM" run SMALL --design v5 --save "$TMP/link.sched"
one_line_error save-to-symlink "symbolic link"
[ -L "$TMP/link.sched" ] && [ "$(cat "$TMP/target")" = keep ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL --save replaced a symbolic link"; }
rm -f "$TMP/fifo" && mkfifo "$TMP/fifo"
timeout 20 cat "$TMP/fifo" >"$TMP/fifo.out" &
reader=$!
check save-to-fifo 0 "$HAZSIM" run SMALL --design v5 --save "$TMP/fifo"
wait "$reader"
[ -p "$TMP/fifo" ] && grep -q '^format = hazsim-schedule' "$TMP/fifo.out" && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL --save to a FIFO did not write into it"; }
ls "$TMP"/*.tmp >/dev/null 2>&1 && { fail=$((fail+1)); echo "FAIL temporaries left: $(ls "$TMP"/*.tmp)"; } || pass=$((pass+1))
mkdir -p "$TMP/adir"
check run-directory 2 "$HAZSIM" run "$TMP/adir"
one_line_error run-directory "is a directory"
check run-device 2 timeout 10 "$HAZSIM" run /dev/zero
one_line_error run-device "not a regular file"
# compare's output path reaches gnuplot as an argument and a quoted string, never through a shell.
check compare-quote 0 "$HAZSIM" compare --designs v5 --sweep cpus=2 --out "$TMP/q'\$(touch $TMP/PWNED)'"
[ ! -e "$TMP/PWNED" ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL compare --out ran a shell command"; }
# Names from parameters become one path component: artifacts stay in --artifacts.
check set-scenario-path 1 "$HAZSIM" fuzz TORTURE --design busted --runs 1 --shrink-time 0 --set scenario=../../escape --artifacts "$TMP/in/art"
[ -z "$(ls "$TMP"/escape* "$TMP/in"/escape* 2>/dev/null)" ] && ls "$TMP/in/art"/*escape*.sched >/dev/null 2>&1 && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL artifacts left --artifacts: $(ls "$TMP" "$TMP/in")"; }

# Seeds, CPU counts and the Bazel environment are checked, never silently replaced.
check negative-seed 2 "$HAZSIM" run SMALL --design v5 --seed -5
one_line_error negative-seed "seed = '-5'"
check negative-cpus 2 "$HAZSIM" run SMALL --design v5 --cpus -1
one_line_error negative-cpus "cpus = '-1'"
check huge-seed 2 "$HAZSIM" run SMALL --design v5 --seed 18446744073709551615
check bad-shard 2 env TEST_TOTAL_SHARDS=2 TEST_SHARD_INDEX=2 "$HAZSIM" fuzz SMALL --design v5 --runs 4 --artifacts "$TMP/sh"
one_line_error bad-shard "TEST_SHARD_INDEX='2'"
check big-random-seed 0 env TEST_RANDOM_SEED=9223372036854775807 "$HAZSIM" fuzz SMALL --design v5 --runs 2 --artifacts "$TMP/rs"

# A mutation that changes nothing says so; more jobs than cores are warned about.
check unused-mutation 0 "$HAZSIM" run SMALL --design v5 --set mutate=drop-mb@no_such_function -q
grep -q "mutate=drop-mb@no_such_function changed nothing" "$TMP/err" && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL no warning for an unused mutation"; }
"$HAZSIM" run WEAK --memory-model tso --set mutate=drop-mb@hazptr_acquire --seed 1 -q >"$TMP/out" 2>"$TMP/err"
grep -q "changed nothing" "$TMP/err" && { fail=$((fail+1)); echo "FAIL warned about a mutation that applied"; } || pass=$((pass+1))
check many-jobs 0 "$HAZSIM" fuzz SMALL --design v5 --runs 2 --jobs 256 --artifacts "$TMP/mj"
grep -q "more than this machine's" "$TMP/err" && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL no warning for --jobs past the cores"; }

# Ctrl-C during fuzz's shrink: the shrink stops at once and both files stay (it waited out the whole
# budget before). The first seed whose arm run fails (one in a few dozen; which one moves with the
# schedule generation) fails in its first run and does not shrink within a minute, so the shrink is
# under way when the signal comes.
seed=0
for s in $(seq 1 100); do
  "$HAZSIM" run TORTURE --design inj-promote-reordered --strategy arm --seed "$s" -q >/dev/null 2>&1
  [ $? = 1 ] && { seed=$s; break; }
done
[ "$seed" != 0 ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL no arm seed of 100 fails inj-promote-reordered"; }
"$HAZSIM" fuzz TORTURE --design inj-promote-reordered --strategy arm --seed "$seed" --runs 1 --shrink-time 60 \
  --artifacts "$TMP/int" >"$TMP/int.out" 2>"$TMP/int.err" &
pid=$!
# Up to 5 min (ASan); a run that ended without failing ends the wait.
for i in $(seq 1 3000); do ls "$TMP/int"/*seed$seed.sched >/dev/null 2>&1 && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
sleep 1
start=$SECONDS
kill -INT "$pid"
wait "$pid"; rc=$?
if [ "$rc" = 1 ] && [ $((SECONDS - start)) -le 10 ] && [ -s "$TMP/int/TORTURE-inj-promote-reordered-seed$seed.sched" ] &&
   [ -s "$TMP/int/TORTURE-inj-promote-reordered-seed$seed.min.sched" ] && grep -q '(interrupted)' "$TMP/int.out"; then
  pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL Ctrl-C in shrink (seed $seed): exit $rc after $((SECONDS - start)) s"; ls "$TMP/int"; cat "$TMP/int.err"; fi
# A second Ctrl-C ends hazsim at once (it did nothing before): the first waits for the run under
# way, which here is long (about 20 s).
"$HAZSIM" fuzz TORTURE --design v5 --runs 1 --set writer_passes=30000 --set reader_passes=60000 \
  --artifacts "$TMP/int2" >/dev/null 2>"$TMP/int2.err" &
pid=$!
sleep 1
start=$SECONDS
kill -INT "$pid"; sleep 0.5; kill -INT "$pid"
wait "$pid"; rc=$?
if [ "$rc" = 130 ] && [ $((SECONDS - start)) -le 5 ]; then pass=$((pass+1)); else
  fail=$((fail+1)); echo "FAIL a second Ctrl-C: exit $rc after $((SECONDS - start)) s, want 130 at once"; fi

# hazsim bench-native: bad options are one line and exit 2; a small run prints its tables.
check native-readers 2 "$HAZSIM" bench-native --readers 0
one_line_error native-readers "--readers 0: at least 1"
check native-design 2 "$HAZSIM" bench-native --designs busted
one_line_error native-design "design 'busted' cannot be timed natively"
check native-tasks 2 "$HAZSIM" bench-native --tasks 1,x
one_line_error native-tasks "--tasks '1,x': expected whole numbers"
check native-task-size 2 "$HAZSIM" bench-native --task-size -5
one_line_error native-task-size "--task-size"
check native-csv-dir 2 "$HAZSIM" bench-native --designs v5 --readers 1 --tasks 1 --loops 100 --runs 1 --csv "$TMP/no/such/dir/x.csv"
one_line_error native-csv-dir "no/such/dir"
check native-run 0 "$HAZSIM" bench-native --designs v5,pertask --readers 1 --tasks 1,100 --loops 1000 --runs 1 --csv "$TMP/native.csv" --model
if grep -q '^| 1 | ' "$TMP/out" && grep -q 'The cost model' "$TMP/out" && [ "$(wc -l <"$TMP/native.csv")" = 11 ] \
  && grep -q "^Reader sections against v5's" "$TMP/out" && grep -q '^| pertask | 1 | [-+]' "$TMP/out"; then
  pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL native-run output:"; head -30 "$TMP/out"; fi

# Cost profiles and compare's seeds: bad values are one line; calibrate's file is one compare loads.
check compare-seeds 2 "$HAZSIM" compare --seeds 0 --out "$TMP/cmp"
one_line_error compare-seeds "--seeds 0: from 1 to 1000"
check compare-profile 2 "$HAZSIM" compare --profile nope --out "$TMP/cmp"
one_line_error compare-profile "cost profile 'nope': not a built-in profile"
printf 'l1_hit = 4\nbogus = 1\n' >"$TMP/bad.profile"
check compare-bad-profile 2 "$HAZSIM" compare --profile "$TMP/bad.profile" --out "$TMP/cmp"
one_line_error compare-bad-profile "bad.profile:2: unknown key 'bogus'"
check native-bad-profile 2 "$HAZSIM" bench-native --model --profile "$TMP/bad.profile"
one_line_error native-bad-profile "bad.profile:2: unknown key 'bogus'"
check calibrate 0 "$HAZSIM" calibrate --quick -o "$TMP/host.profile"
check compare-calibrated 0 "$HAZSIM" compare --profile "$TMP/host.profile" --designs v5,pertask --sweep cpus=2,4 \
  --seeds 2 --out "$TMP/cmp" --markdown "$TMP/cmp.md"
if grep -q '^| cpus | v5 | pertask |' "$TMP/cmp.md" && grep -q 'reader_min' "$TMP/cmp/compare.csv"; then
  pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL compare-calibrated output:"; cat "$TMP/cmp.md"; fi

# A failure no task had (the end-of-run leak check) says so, without a pid or cpu of -1.
"$HAZSIM" run TORTURE --design v4-nopreempt --set broken=leak-retired --seed 1 >"$TMP/out" 2>&1
if grep -q 'where: no task (a check of the whole machine)' "$TMP/out" && ! grep -q 'pid -1' "$TMP/out"; then
  pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL no-task where line:"; grep -E 'where:|!!!' "$TMP/out"; fi

# A failure names the strategy that found it: under portfolio, the member its seed picked.
"$HAZSIM" fuzz TORTURE --design v4 --runs 2 --shrink-time 0 --artifacts "$TMP/member" >"$TMP/out" 2>&1
if grep -q '^hazsim-fuzz: !!! TORTURE v4 seed1 \[pct:2\]:' "$TMP/out" && grep -q 'seed2 \[arm\]:' "$TMP/out"; then
  pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL portfolio member in failure lines:"; grep '!!!' "$TMP/out"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
