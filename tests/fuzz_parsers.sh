#!/usr/bin/env bash
# libFuzzer on the five parsers, with ASan and UBSan, SECONDS each: schedule files
# (tests/fuzz/schedule_fuzzer.cc), litmus tests (tests/fuzz/litmus_fuzzer.cc), scenario files
# and parameters (tests/fuzz/params_fuzzer.cc), cost profiles (tests/fuzz/profile_fuzzer.cc) and
# a results directory's buckets.txt (tests/fuzz/buckets_fuzzer.cc).
#   tests/fuzz_parsers.sh [SECONDS]     (./hazsim test gives each 10 s; for a long run: 600)
# Built with Debian's clang-16 and its libFuzzer runtime (libclang-rt-16-dev): all but params outside
# Bazel (they need only their parser), the params fuzzer by Bazel (it links the design registry).
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/clang_bazel.sh
seconds=${1:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"; clang_bazel_done' EXIT
pass=0 fail=0
build_alone() {  # build_alone NAME SOURCES...: one parser and its fuzzer, outside Bazel
  local name=$1
  shift
  clang++-16 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I. \
    "$@" -lfmt -o "$work/$name"
}
fuzz() {  # fuzz NAME: run $work/NAME on the corpus $work/NAME-corpus
  local name=$1
  # A crashing input is kept outside the work directory (which is removed) and the checkout.
  local keep="${TMPDIR:-/tmp}/hazsim-fuzz-$name-"
  if "$work/$name" "$work/$name-corpus" -artifact_prefix="$keep" -max_total_time="$seconds" -max_len=4096 -timeout=20 -rss_limit_mb=2048 \
      -print_final_stats=1 >"$work/$name.log" 2>&1; then
    echo "$name: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name.log" | grep -o '[0-9]*$') inputs in ${seconds} s, no crash"
    pass=$((pass + 1))
  else
    tail -30 "$work/$name.log"
    echo "$name: FAILED (the crash is above; the input is kept as $keep*)"
    fail=$((fail + 1))
  fi
}
mkdir "$work/schedule_fuzzer-corpus" "$work/litmus_fuzzer-corpus" "$work/params_fuzzer-corpus" "$work/profile_fuzzer-corpus" \
  "$work/buckets_fuzzer-corpus"
printf 'format = hazsim-schedule 1\nparam.seed = 1\noutcome = FAILURE\noracle = warn\nsteps = 9\nschedule_hash = 00000000000000ff\ndecisions = 5\nchoices:\n0 1*2 0 3\n' \
  >"$work/schedule_fuzzer-corpus/valid.sched"
for f in tests/litmus/MP+wmb+addr.litmus tests/litmus/MP+wmb+ctrl.litmus tests/litmus/MP+locks.litmus; do
  cp "$f" "$work/litmus_fuzzer-corpus/"
done
cp scenarios/configs/* scenarios/small/*.c "$work/params_fuzzer-corpus/"
printf '2*TORTURE v5\nIRQ  # a comment\n' >"$work/params_fuzzer-corpus/configs.txt"
printf '10m' >"$work/params_fuzzer-corpus/duration.txt"
printf 'clock_ghz = 3.2  # measured\nl1_hit = 4.7\ndram = 403.5\nl1_lines = 768\nl1_ways = 12\nout_of_order = 1\n' \
  >"$work/profile_fuzzer-corpus/host.profile"
printf '# failure buckets\n3\tuse-after-free in hazptr_chain_backup_slot from hazptr_acquire [v5]\thazptr/v5.h:235 (x)\n' \
  >"$work/buckets_fuzzer-corpus/buckets.txt"
build_alone schedule_fuzzer tests/fuzz/schedule_fuzzer.cc sim/schedule_file.cc sim/files.cc
fuzz schedule_fuzzer
build_alone litmus_fuzzer tests/fuzz/litmus_fuzzer.cc scenarios/litmus_parse.cc scenarios/litmus_lexer.cc
fuzz litmus_fuzzer
build_alone profile_fuzzer tests/fuzz/profile_fuzzer.cc sim/cost_profile.cc sim/files.cc
fuzz profile_fuzzer
build_alone buckets_fuzzer tests/fuzz/buckets_fuzzer.cc cli/buckets.cc oracles/oracle.cc sim/files.cc
fuzz buckets_fuzzer
clang_bazel build --noshow_progress --ui_event_filters=-info --config=fuzz //tests:params_fuzzer
cp "$(clang_bazel info --config=fuzz bazel-bin 2>/dev/null)/tests/params_fuzzer" "$work/params_fuzzer"
fuzz params_fuzzer
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
