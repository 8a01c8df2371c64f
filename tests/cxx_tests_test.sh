#!/usr/bin/env bash
# Small tests in C++ (hazsim run FILE.cc, <hazsim/test.h>): one mechanism with the kernel-C front
# end, so scenarios/small/classic_hp.cc (the C test written in C++) gets, in every variant under sc
# and tso, the same dpor search as classic_hp.c: the same number of schedules and the same
# verdict. tests/small/cxx_front_end.cc exercises what C++ adds (lambda threads and interrupt
# handlers with copied captures, a virtual call, new and delete on the machine's heap): correct,
# it exhausts with no failure under every model; with EARLY_DELETE the use after free is found and
# names the delete's line; the failure replays, shrinks and traces. Bad C++ files get one line.
#   tests/cxx_tests_test.sh HAZSIM CLASSIC_HP.c CLASSIC_HP.cc CXX_FRONT_END.cc
set -uo pipefail
HAZSIM="$1"
C_TEST="$2"
CXX_TEST="$3"
FRONT_END="$4"
TMP="${TEST_TMPDIR:-$(mktemp -d)}"
export HAZSIM_CACHE_DIR="$TMP/cache"
source "$(dirname "$0")/small_test_helpers.sh"

# The dpor line and the verdict of one search, without the file's name.
dpor_summary() {  # dpor_summary FILE MODEL VARIANT
  "$HAZSIM" fuzz "$1" --memory-model "$2" --set kconfig="$3" -q --artifacts "$TMP/art" --strategy dpor --runs 20000 \
    --stop-on-first 2>&1 | grep -E "^hazsim-fuzz: dpor:|failures" | sed -e 's/classic_hp\.cc\? //' -e 's/ [0-9.]* s (.*//'
}
for model in sc tso; do
  for variant in none ALL_MB=y DEREF_EARLY=y NO_READER_MB=y NO_UPDATER_MB=y; do
    c=$(dpor_summary "$C_TEST" "$model" "$variant")
    cxx=$(dpor_summary "$CXX_TEST" "$model" "$variant")
    if [ -n "$c" ] && [ "$c" = "$cxx" ]; then ok
    else bad "classic_hp $variant under $model: C says [$c], C++ says [$cxx]"; fi
  done
done

# What C++ adds: correct under every model (dpor exhausts it), the early delete found.
for model in sc tso pso weak; do
  "$HAZSIM" fuzz "$FRONT_END" --memory-model "$model" -q --artifacts "$TMP/fe" --strategy dpor --runs 0 >"$TMP/out" 2>&1
  if grep -q "the space is exhausted" "$TMP/out" && grep -q " 0 failures" "$TMP/out"; then ok
  else bad "cxx_front_end under $model: $(tail -2 "$TMP/out" | tr '\n' ' ')"; fi
done
# bounded:K and dpor deliver a pending interrupt at a spin-wait or idle step (the schedule where it
# never comes is no machine's): without that, the search's first schedule spins for ever.
"$HAZSIM" fuzz "$FRONT_END" -q --artifacts "$TMP/fe" --strategy bounded:2 --runs 0 >"$TMP/out" 2>&1
if grep -q "the space is exhausted" "$TMP/out" && grep -q " 0 failures" "$TMP/out"; then ok
else bad "cxx_front_end under bounded:2: $(tail -2 "$TMP/out" | tr '\n' ' ')"; fi
"$HAZSIM" fuzz "$FRONT_END" --set kconfig=EARLY_DELETE=y -q --artifacts "$TMP/early" --strategy dpor --runs 0 \
  --stop-on-first >"$TMP/out" 2>&1
delete_line=$(grep -n "delete static_cast" "$FRONT_END" | cut -d: -f1)
if grep -q "use after free: user (pid 1).*freed/ended by pid 2 at step [0-9]* in workload/cxx_front_end.cc:$delete_line (lambda)" "$TMP/out"
then ok; else bad "EARLY_DELETE: no use after free at line $delete_line: $(grep '!!!' "$TMP/out")"; fi
found=$(ls "$TMP"/early/*-dpor-run*.sched 2>/dev/null | grep -v '\.min\.sched$' | head -1)
if "$HAZSIM" replay "${found:-none}" >"$TMP/out" 2>&1; [ $? = 1 ] && grep -q "identical to the recorded run" "$TMP/out"
then ok; else bad "replay ${found:-none}: $(tail -2 "$TMP/out")"; fi
"$HAZSIM" shrink "${found:-none}" >"$TMP/out" 2>&1
if grep -q "still fails the same way: use-after-free" "$TMP/out"; then ok; else bad "shrink: $(tail -2 "$TMP/out")"; fi
if "$HAZSIM" trace "${found:-none}" -o "$TMP/early.txt" >"$TMP/out" 2>&1 && grep -q "killer" "$TMP/early.txt"; then ok
else bad "trace: $(tail -2 "$TMP/out")"; fi
# Random runs of the correct test: a thread's lambda, the interrupt and the virtual call work.
"$HAZSIM" fuzz "$FRONT_END" --runs 2000 -q --artifacts "$TMP/random" >"$TMP/out" 2>&1
if grep -q "2000 runs *0 failures" "$TMP/out"; then ok; else bad "random runs: $(tail -2 "$TMP/out")"; fi

# Bad C++ files: one line naming the problem, exit 2.
printf '#include <hazsim/test.h>\nvoid hazsim_test() { undefined_thing(); }\n' >"$TMP/broken.cc"
one_line compile-error "broken.cc:2:.*undefined_thing" "$TMP/broken.cc"
printf '#include <hazsim/test.h>\nvoid boot() {}\n' >"$TMP/no_boot.cc"
one_line no-boot "defines no hazsim_test()" "$TMP/no_boot.cc"
printf '#include <hazsim/test.h>\n#include <vector>\nvoid hazsim_test() {}\n' >"$TMP/stl.cc"
one_line c++-library "has no C++ library.*<vector>, .*stl.cc:2" "$TMP/stl.cc"
printf '#include <hazsim/test.h>\nstruct alignas(64) big { int x; };\nstatic big *b;\nvoid hazsim_test() {\n  b = new big;\n  hazsim::thread(0, "t", [] { WARN_ON(READ_ONCE(b->x) == 5); });\n}\n' >"$TMP/aligned.cc"
one_line over-aligned "align_val_t.*not the machine's" "$TMP/aligned.cc"
printf '#include <linux/kthread.h>\n#include <linux/module.h>\nstruct o { int x; };\nstatic o *g;\nstatic int t(void *) { WRITE_ONCE(g->x, 1); return 0; }\nstatic int __init i(void) {\n  g = new o;\n  kthread_run_on_cpu(t, 0, 0, "t");\n  return 0;\n}\nmodule_init(i);\n' >"$TMP/no_header.cc"
one_line new-without-header "operator new(unsigned long), whose memory is not the machine's: include <hazsim/test.h>" \
  "$TMP/no_header.cc"
printf '#include <hazsim/test.h>\nstatic int x;\nvoid hazsim_test() {\n  int &r = x;\n  hazsim::thread(0, "t", [&r] { WRITE_ONCE(r, 1); });\n}\n' >"$TMP/by_ref.cc"
"$HAZSIM" run "$TMP/by_ref.cc" -q >"$TMP/out" 2>&1  # a capture by reference is copied as a pointer: allowed
if [ $? = 0 ]; then ok; else bad "a capture of a reference to a global: $(tail -2 "$TMP/out")"; fi
printf '#include <hazsim/test.h>\nstruct owner { owner() {} ~owner() {} };\nvoid hazsim_test() {\n  owner o;\n  hazsim::thread(0, "t", [o] {});\n}\n' >"$TMP/not_trivial.cc"
one_line non-trivial-capture "captures only plain values" "$TMP/not_trivial.cc"
printf '#include <hazsim/test.h>\nvoid hazsim_test() {}\n' >"$TMP/plain.c"
one_line header-in-c "is the C++ front end" "$TMP/plain.c"

echo "C++ small tests: $pass passed, $fail failed"
[ "$fail" = 0 ]
