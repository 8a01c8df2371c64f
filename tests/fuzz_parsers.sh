#!/usr/bin/env bash
# libFuzzer on the schedule-file parser (tests/fuzz/schedule_fuzzer.cc), with ASan and UBSan.
#   tests/fuzz_parsers.sh [SECONDS]     (./hazsim test runs 20 s; for a long run: 600)
# Built with Debian's clang-14 and its libFuzzer runtime (libclang-rt-14-dev), outside Bazel: the
# parser needs neither <source_location> (which clang-14 lacks) nor the rest of the machine.
# The parameter parser cannot be built this way yet: it reaches the designs through the registry.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I. \
  tests/fuzz/schedule_fuzzer.cc sim/schedule_file.cc sim/files.cc -lfmt -o "$work/schedule_fuzzer"
mkdir "$work/corpus"
printf 'format = hazsim-schedule 1\nparam.seed = 1\noutcome = FAILURE\noracle = warn\nsteps = 9\nschedule_hash = 00000000000000ff\ndecisions = 5\nchoices:\n0 1*2 0 3\n' \
  >"$work/corpus/valid.sched"
if "$work/schedule_fuzzer" "$work/corpus" -max_total_time="$seconds" -max_len=4096 -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 >"$work/log" 2>&1; then
  echo "schedule parser fuzzing: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$') inputs in ${seconds} s, no crash"
  echo "1 passed, 0 failed"
else
  tail -30 "$work/log"
  echo "schedule parser fuzzing: FAILED (the crashing input is above)"
  echo "0 passed, 1 failed"
  exit 1
fi
