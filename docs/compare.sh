#!/usr/bin/env bash
# Rewrites docs/compare.md and docs/compare/ from the current sources, in one command:
#   docs/compare.sh
# The model's tables come from `hazsim compare` (cost profile x86-server, 5 seeds); the native
# figures and this host's profile from `hazsim calibrate` and `hazsim bench-native --model`, so
# they describe the machine the script ran on (named in the page). Every figure in the page's
# text is read from those outputs here, not typed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bazel build --noshow_progress --ui_event_filters=-info //cli:hazsim >&2
H="$root/bazel-bin/cli/hazsim"
out="$root/docs/compare"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

"$H" compare --out "$out" --markdown "$tmp/model.md" >"$tmp/compare.txt"
"$H" compare --designs pertask --sweep reclaim=sync,retire --set passive_tasks=10000 --set nreaders=0 \
  --out "$tmp/retire" >/dev/null
"$H" calibrate -o docs/compare/host.profile >/dev/null
"$H" bench-native --model --profile docs/compare/host.profile --csv docs/compare/native.csv >"$tmp/native.txt"
"$H" bench-native --model --profile x86-server --runs 3 --loops 200000 >"$tmp/native-x86.txt"

csv="$out/compare.csv"
# cell SWEEP VALUE DESIGN COLUMN: a figure of the model's CSV (median over the seeds)
cell() {
  awk -F, -v s="$1" -v v="$2" -v d="$3" -v c="$4" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $1 == s && $2 == v && $3 == d { printf "%.0f", $col[c] }' "$csv"
}
per_task=$(awk -v a="$(cell passive_tasks 10000 pertask sync_cycles)" -v b="$(cell passive_tasks 0 pertask sync_cycles)" \
  'BEGIN { printf "%.0f", (a - b) / 10000 }')
per_cpu=$(awk -v a="$(cell cpus 256 v5 sync_cycles)" -v b="$(cell cpus 8 v5 sync_cycles)" \
  'BEGIN { printf "%.0f", (a - b) / 248 }')
cross8=$(awk -v c="$(cell cpus 8 v5 sync_cycles)" -v p="$per_task" 'BEGIN { printf "%.0f", c / p }')
cross256=$(awk -v c="$(cell cpus 256 v5 sync_cycles)" -v p="$per_task" 'BEGIN { printf "%.0f", c / p }')
count_cost=$(awk -v a="$(cell nreaders 32 v5-pcpucount reader_cycles)" -v b="$(cell nreaders 32 v5 reader_cycles)" \
  'BEGIN { printf "%.0f", a - b }')
# ns at x86-server's 2.4 GHz of a design's reader section at N readers (the nreaders sweep)
reader_ns() { awk -v c="$(cell nreaders "$2" "$1" reader_cycles)" 'BEGIN { printf "%.1f", c / 2.4 }'; }
pref1=$(reader_ns percpu-ref 1); pref8=$(reader_ns percpu-ref 8); pref32=$(reader_ns percpu-ref 32)
v5r1=$(reader_ns v5 1); v5r8=$(reader_ns v5 8); v5r32=$(reader_ns v5 32)
retire_sync=$(awk -F, '$2 == "sync" { printf "%.0f", $7 }' "$tmp/retire/compare.csv")
retire_batch=$(awk -F, '$2 == "retire" { printf "%.0f", $7 }' "$tmp/retire/compare.csv")
host=$(sed -n 's/^host: //p' "$tmp/native.txt")
cold10k=$(awk -F, '$1 == "pertask" && $2 == "sync_cold" && $3 == 10000 { printf "%.2f", $4 / 1e6 }' "$out/native.csv")
warm10k=$(awk -F, '$1 == "pertask" && $2 == "sync_warm" && $3 == 10000 { printf "%.2f", $4 / 1e6 }' "$out/native.csv")

{
  cat <<EOF
# Per-CPU against per-task slots, with numbers

This page is written by \`docs/compare.sh\` (under a minute on 2 cores), which also rewrites
\`docs/compare/\`: the model's CSV, SVG plots (medians with the seeds' range as error bars) and
gnuplot's inputs in \`plot-data/\`, this host's cost profile (\`host.profile\`) and its native
figures (\`native.csv\`). The model's runs are deterministic: a clean checkout reproduces its tables
cell for cell; the native ones describe the host the script last ran on:
${host}.

## What is measured, and how

- **The model** (\`hazsim compare\`, \`scenarios/costbench.h\` after refscale): readers pinned one
  per vCPU repeat 100 read-side sections on one shared object (acquire, sometimes sleep holding it,
  release); one writer replaces the object 20 times and waits for each old one with
  \`hazptr_synchronize()\`, each timed call following an untimed one (warm). Passive tasks stand for
  the rest of a system's threads. Each point runs 5 seeds; tables give the median and, in
  parentheses, the least and greatest.
- **The cost profile** \`x86-server\` (\`sim/cost_profile.cc\`, every constant with its source): a
  Skylake-SP-class core run out of order (\`sim/core_timing.h\`): two accesses issue a cycle,
  independent loads overlap up to the reorder window, accesses through a pointer a load returned
  (and the task walk's links) wait for that load, stores retire into the store buffer, a load of a
  word stored lately waits for the forwarding, \`smp_mb()\` is x86's locked add (20 cycles) after
  earlier accesses complete; private L1 (32 KiB, 8-way) and L2 (1 MiB, 16-way) with LRU and the
  L2's pair prefetcher (a fetched line brings the other line of its 128-byte pair), a 38.5 MiB L3
  and memory at 200 cycles; a line another CPU holds modified costs 110. Passive tasks are
  8 KiB task_structs one after another, the walk's link and the design's fields on two lines of
  each (\`kapi/task_struct_layout.h\`, as native timing lays them out); translation is free (the
  kernel's direct map uses large pages). A profile \`hazsim calibrate\` writes may price TLB
  misses at 4 KiB pages where the host pays them (a guest on a hypervisor's small pages).
  \`--profile skylake-sp-inorder\` is the model of earlier versions of this page (latencies in
  sequence, no memory, \`smp_mb()\` as MFENCE).
- **Native** (\`hazsim bench-native\`): the same design templates compiled over real threads
  (\`native/native_kernel.h\`: the kernel's barrier instructions, lock fast paths), timed as
  refscale times them; synchronize against task_struct-sized objects on a shuffled list, cold
  (their lines flushed) and warm. Before timing, a protection check runs each design with a reader
  and an updater on two CPUs.
- **Columns**: \`reader\` one acquire+release section; \`sync\` one \`hazptr_synchronize()\`; cycles.
- **Baselines**: \`refcount\` (one shared atomic count) and \`percpu-ref\` (lib/percpu-refcount.h's
  get/put: an RCU read-side section around \`this_cpu_add()\`; its synchronize sums the counters
  without percpu_ref's RCU grace period, so it does not protect, which bench-native's check shows).

## The model against this host

\`hazsim calibrate\` measured this host's constants (\`docs/compare/host.profile\`), and
\`hazsim bench-native --model --profile docs/compare/host.profile\` ran the same operations
natively and in the model under that profile:

\`\`\`
EOF
  sed -n '/^The cost model/,$p' "$tmp/native.txt" | grep -v '^figures written'
  cat <<EOF
\`\`\`

The native figures themselves (ns; median and range of 9 runs):

\`\`\`
EOF
  sed -n '/^Reader section/,/^The cost model/p' "$tmp/native.txt" | sed '$d'
  cat <<EOF
\`\`\`

Under \`x86-server\` (not this host), for scale:

\`\`\`
EOF
  sed -n '/^The cost model/,$p' "$tmp/native-x86.txt"
  cat <<EOF
\`\`\`

## The model's sweeps (profile x86-server)

Synchronize sweeps run without readers (the scan, not the wait for a reader); the reader sweep
runs on 32 vCPUs as refscale's did; the sleep sweep on 8 vCPUs with 8 readers.

![synchronize against tasks](compare/sync-passive_tasks.svg)
![synchronize against CPUs](compare/sync-cpus.svg)
![reader section against readers](compare/reader-nreaders.svg)
EOF
  cat "$tmp/model.md"
  cat <<EOF

## Answers to the questions the thread left open (from the tables above)

**Per-CPU against per-task synchronize.** The per-task scan costs about ${per_task} cycles per
task in the model (a pointer chase through the task list, warm: the lines come from the L3), and
does not depend on CPUs; the per-CPU scan about ${per_cpu} cycles per CPU whatever the tasks. So
per-task costs as much as per-CPU at about ${cross8} tasks on 8 CPUs and ${cross256} on 256; a
system has far more tasks than that. Cold, each task costs a memory latency: natively on this
host the per-task scan of 10,000 tasks took ${cold10k} ms cold and ${warm10k} ms warm (the
thread's measurement was about 1 ms).

**A per-CPU count of used slots** (v5-pcpucount) costs each reader section about ${count_cost}
cycles in the model at 32 readers; natively, see the reader table above. It saves the scan little,
because the count's line is fetched anyway and the overflow lists are still locked and walked.
Skipping idle CPUs is the same saving.

**Against the refscale figures of the seed.** Boqun Feng's refscale numbers (x86_64, PREEMPT=y;
percpu_ref 6.95 / 10.09 / 8.97 ns and hazptr 8.60 / 8.40 / 8.58 ns at 1 / 8 / 32 readers) measure
the hazptr of his 2024 RFC (a \`hazptr_context\` of slots), which hazsim does not model, not v5.
What can be compared is the baseline: the model's \`percpu-ref\` reader section under
\`x86-server\` is ${pref1} / ${pref8} / ${pref32} ns at 2.4 GHz; v5's is ${v5r1} / ${v5r8} /
${v5r32} ns, so a v5 / percpu-ref ratio near 1.24 / 0.83 / 0.96 is not to be expected from it.

**A batched retire list** (pertask, \`reclaim=retire\`, 10,000 tasks, no readers): ${retire_batch}
cycles per object instead of ${retire_sync} with one synchronize per object.

## What the model leaves out

NUMA distances (every transfer costs the same); prefetchers other than the pair prefetcher (the
task list is not in address order, so a stream prefetcher would not follow a walk); the RCU grace
period percpu_ref needs to switch modes; the kernel's task-list walk beyond the link and the
design's fields (\`for_each_process_thread()\` also reads each process's thread list); time spent
sleeping (costs are CPU cycles).
EOF
} >"$root/docs/compare.md"
echo "docs/compare.md and docs/compare/ rewritten" >&2
