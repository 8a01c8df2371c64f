#!/usr/bin/env bash
# The outputs README.md shows, produced here: `readme_examples.sh HAZSIM NAME` prints example NAME
# exactly as the README shows it (long outputs cut the same way each time). It runs in the current
# directory, which should be an empty one: the examples write schedules and artifacts there.
# tests/readme_check.sh compares them with README.md, and rewrites them with --update. An example
# that needs what this machine lacks prints why and exits 77: the check counts it as skipped.
set -uo pipefail
hazsim="$1"
cut_middle() {  # cut_middle HEAD TAIL: the first HEAD lines, "...", the last TAIL lines
  awk -v h="$1" -v t="$2" '{ line[NR] = $0 } END {
    if (NR <= h + t) { for (i = 1; i <= NR; i++) print line[i]; exit }
    for (i = 1; i <= h; i++) print line[i]; print "..."; for (i = NR - t + 1; i <= NR; i++) print line[i] }'
}
case "$2" in
  campaign)  # ./hazsim: two coverage lines, then the closing table
    "$hazsim" fuzz --cflist --runs 40 --artifacts hazsim-artifacts >out.txt 2>/dev/null
    { grep -m 2 '^hazsim-fuzz: coverage' out.txt; echo "..."; sed -n '/^hazsim-fuzz: summary/,$p' out.txt; } ;;
  buckets)  # two campaigns in one directory: the second knows the first's buckets
    echo '$ hazsim fuzz TORTURE --design v4 --runs 20 --max-artifacts 2'
    "$hazsim" fuzz TORTURE --design v4 --runs 20 --max-artifacts 2 --shrink-time 0 --artifacts hazsim-artifacts |
      sed -n '/^hazsim-fuzz: failure buckets/,$p'
    echo '$ hazsim fuzz TORTURE --design v4 --runs 20 --seed 100'
    "$hazsim" fuzz TORTURE --design v4 --runs 20 --seed 100 --shrink-time 0 --artifacts hazsim-artifacts |
      sed -n '/^hazsim-fuzz: failure buckets/,$p' ;;
  fuzz-coverage)  # the coverage lines of one small campaign
    echo '$ hazsim fuzz TORTURE --design v5 --runs 8'
    "$hazsim" fuzz TORTURE --design v5 --runs 8 --artifacts hazsim-artifacts | grep -v '^hazsim-fuzz: TORTURE' ;;
  failing-run)
    "$hazsim" run TORTURE --seed 3 | cut_middle 7 5 ;;
  shrink)
    "$hazsim" run TORTURE --design v4 --seed 3 --save v4.sched >/dev/null
    # The failing task's last 14 lines, then the whole schedule's first line and last three.
    "$hazsim" shrink v4.sched | awk '
      /^  the whole schedule/ { part = 2; print "    ..."; for (i = s - 13; i <= s; i++) if (i > 0) print story[i] }
      part == 1 { story[++s] = $0; next }
      part == 2 && /^    step/ { if (++n <= 1) print; else rest[++r] = $0; next }
      { print }
      /^  the failing task/ { part = 1 }
      END { print "    ..."; for (i = r - 2; i <= r; i++) if (i > 0) print rest[i] }' ;;
  passing-run)
    echo '$ ./hazsim run TORTURE --design v4-nopreempt --seed 1 --save ok.sched'
    "$hazsim" run TORTURE --design v4-nopreempt --seed 1 --save ok.sched
    echo '$ ./hazsim replay ok.sched -q'
    "$hazsim" replay ok.sched -q ;;
  kernel-patch)  # the posted v4 files as "your tree": test data at ../shared/kernel-src
    root="$(cd "$(dirname "$0")/.." && pwd)"
    [ -d "$root/../shared/kernel-src/v4-jfern-efd5265b" ] || {
      echo "../shared/kernel-src is absent (the posted kernel files are test data)"; exit 77; }
    export HAZSIM_CACHE_DIR="$PWD/cache"
    cd "$root"
    echo '$ ./hazsim fuzz TORTURE --design kernel:../shared/kernel-src/v4-jfern-efd5265b --runs 20'
    "$hazsim" fuzz TORTURE --design kernel:../shared/kernel-src/v4-jfern-efd5265b --runs 20 \
      --artifacts "$OLDPWD/artifacts" --shrink-time 0 2>&1 | grep -E '^hazsim-fuzz: (TORTURE|!!! TORTURE)' | head -3
    echo '$ ./hazsim run TORTURE --design kernel:../shared/kernel-src/v4-jfern-efd5265b --seed 3'
    "$hazsim" run TORTURE --design kernel:../shared/kernel-src/v4-jfern-efd5265b --seed 3 | cut_middle 6 3 ;;
  litmus)
    echo '$ hazsim litmus tests/litmus/MP+wmb+po.litmus'
    "$hazsim" litmus "$(cd "$(dirname "$0")" && pwd)/litmus/MP+wmb+po.litmus" ;;
  small-test)  # the README's own classic test exhausted, then a broken variant (kernel C: gcc)
    root="$(cd "$(dirname "$0")/.." && pwd)"
    export HAZSIM_CACHE_DIR="$PWD/cache"
    awk '/^## Writing a small test/ { s = 1 } s == 1 && /^```c$/ { s = 2; next } s == 2 && /^```$/ { exit }
      s == 2 { print }' "$root/README.md" >classic_hp.c
    echo '$ ./hazsim fuzz classic_hp.c --memory-model tso --strategy bounded:3 --runs 0   # the file above'
    "$hazsim" fuzz classic_hp.c --memory-model tso --strategy bounded:3 --runs 0 --artifacts artifacts 2>/dev/null |
      grep -E '^hazsim-fuzz: (bounded|classic)'
    cd "$root"
    echo '$ ./hazsim fuzz scenarios/small/classic_hp.c --memory-model tso --set kconfig=NO_UPDATER_MB=y \'
    echo '    --strategy bounded:3 --runs 0 --stop-on-first'
    "$hazsim" fuzz scenarios/small/classic_hp.c --memory-model tso --set kconfig=NO_UPDATER_MB=y --strategy bounded:3 \
      --runs 0 --stop-on-first --shrink-time 0 --artifacts "$OLDPWD/artifacts" 2>/dev/null |
      grep -E '^hazsim-fuzz: (bounded|classic|!!!)|x use-after-free' ;;
  dpor)  # the classic test exhausted by dpor under sc and tso, and a broken variant found
    cd "$(dirname "$0")/.."
    export HAZSIM_CACHE_DIR="$OLDPWD/cache"
    for model in sc tso; do
      echo "\$ ./hazsim fuzz scenarios/small/classic_hp.c --memory-model $model --strategy dpor --runs 0"
      "$hazsim" fuzz scenarios/small/classic_hp.c --memory-model "$model" --strategy dpor --runs 0 \
        --artifacts "$OLDPWD/artifacts" 2>/dev/null | grep -E '^hazsim-fuzz: (dpor|classic)'
    done
    echo '$ ./hazsim fuzz scenarios/small/classic_hp.c --memory-model tso --set kconfig=NO_UPDATER_MB=y \'
    echo '    --strategy dpor --runs 0 --stop-on-first'
    "$hazsim" fuzz scenarios/small/classic_hp.c --memory-model tso --set kconfig=NO_UPDATER_MB=y --strategy dpor \
      --runs 0 --stop-on-first --shrink-time 0 --artifacts "$OLDPWD/artifacts" 2>/dev/null |
      grep -E '^hazsim-fuzz: (dpor|classic|!!!)|x use-after-free'
    echo '$ ./hazsim fuzz scenarios/small/classic_hp.c --memory-model sc --strategy dpor:1 --runs 0'
    "$hazsim" fuzz scenarios/small/classic_hp.c --memory-model sc --strategy dpor:1 --runs 0 \
      --artifacts "$OLDPWD/artifacts" 2>/dev/null | grep -E '^hazsim-fuzz: (dpor|classic)' ;;
  small-test-cxx)  # the README's C++ classic test exhausted by dpor, then a broken variant (C++: g++)
    root="$(cd "$(dirname "$0")/.." && pwd)"
    export HAZSIM_CACHE_DIR="$PWD/cache"
    awk '/^### The same test in C\+\+/ { s = 1 } s == 1 && /^```cpp$/ { s = 2; next } s == 2 && /^```$/ { exit }
      s == 2 { print }' "$root/README.md" >classic_hp.cc
    echo '$ ./hazsim fuzz classic_hp.cc --memory-model tso --strategy dpor --runs 0   # the file above'
    "$hazsim" fuzz classic_hp.cc --memory-model tso --strategy dpor --runs 0 --artifacts artifacts 2>/dev/null |
      grep -E '^hazsim-fuzz: (dpor|classic)'
    cd "$root"
    echo '$ ./hazsim fuzz scenarios/small/classic_hp.cc --memory-model tso --set kconfig=NO_UPDATER_MB=y \'
    echo '    --strategy dpor --runs 0 --stop-on-first'
    "$hazsim" fuzz scenarios/small/classic_hp.cc --memory-model tso --set kconfig=NO_UPDATER_MB=y --strategy dpor \
      --runs 0 --stop-on-first --shrink-time 0 --artifacts "$OLDPWD/artifacts" 2>/dev/null |
      grep -E '^hazsim-fuzz: (dpor|classic|!!!)|x use-after-free' ;;
  *) echo "readme_examples.sh: no example '$2'" >&2; exit 2 ;;
esac
exit 0
