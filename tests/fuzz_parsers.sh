#!/usr/bin/env bash
# libFuzzer on the schedule-file parser (tests/fuzz/schedule_fuzzer.cc) and the litmus-test parser
# (tests/fuzz/litmus_fuzzer.cc), with ASan and UBSan, SECONDS each.
#   tests/fuzz_parsers.sh [SECONDS]     (./hazsim test gives each 10 s; for a long run: 600)
# Built with Debian's clang-14 and its libFuzzer runtime (libclang-rt-14-dev), outside Bazel: the
# parsers need neither <source_location> (which clang-14 lacks) nor the rest of the machine.
# The parameter parser cannot be built this way yet: it reaches the designs through the registry.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
fuzz() {  # fuzz NAME SOURCES...: build, seed the corpus from $work/NAME-corpus, run
  local name=$1
  shift
  clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I. \
    "$@" -lfmt -o "$work/$name"
  if "$work/$name" "$work/$name-corpus" -max_total_time="$seconds" -max_len=4096 -timeout=20 -rss_limit_mb=2048 \
      -print_final_stats=1 >"$work/$name.log" 2>&1; then
    echo "$name: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name.log" | grep -o '[0-9]*$') inputs in ${seconds} s, no crash"
    pass=$((pass + 1))
  else
    tail -30 "$work/$name.log"
    echo "$name: FAILED (the crashing input is above)"
    fail=$((fail + 1))
  fi
}
mkdir "$work/schedule_fuzzer-corpus" "$work/litmus_fuzzer-corpus"
printf 'format = hazsim-schedule 1\nparam.seed = 1\noutcome = FAILURE\noracle = warn\nsteps = 9\nschedule_hash = 00000000000000ff\ndecisions = 5\nchoices:\n0 1*2 0 3\n' \
  >"$work/schedule_fuzzer-corpus/valid.sched"
for f in tests/litmus/MP+wmb+addr.litmus tests/litmus/MP+wmb+ctrl.litmus tests/litmus/MP+locks.litmus; do
  cp "$f" "$work/litmus_fuzzer-corpus/"
done
fuzz schedule_fuzzer tests/fuzz/schedule_fuzzer.cc sim/schedule_file.cc sim/files.cc
fuzz litmus_fuzzer tests/fuzz/litmus_fuzzer.cc scenarios/litmus_parse.cc
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
