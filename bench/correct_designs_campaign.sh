#!/usr/bin/env bash
# Every CFLIST pair of a design without an open bug of its own (v4-nopreempt, v5, pertask,
# pertask-bitmap, listphase, listphase-nodebug, v5-pcpucount) under every strategy (random, pct:3,
# arm, portfolio) and memory model (sc, tso, pso, weak): the check that a correct design fails
# only where a documented finding says it does. Prints one summary line per cell, prefixed with
# its model and strategy; failing schedules go to DIR/MODEL-STRATEGY/.
#   bench/correct_designs_campaign.sh [RUNS [SECONDS [DIR]]]   (defaults 180, 3, hazsim-campaign)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-180} seconds=${2:-3} dir=${3:-hazsim-campaign}
bazel build --noshow_progress --ui_event_filters=-info //cli:hazsim >&2
hazsim="$(bazel info bazel-bin 2>/dev/null)/cli/hazsim"
pairs=$(grep -v '^#' scenarios/configs/CFLIST | awk 'NF == 2' |
  grep -E ' (v4-nopreempt|v5|pertask|pertask-bitmap|listphase|listphase-nodebug|v5-pcpucount)$')
for model in sc tso pso weak; do
  for strategy in random pct:3 arm portfolio; do
    while read -r scenario design; do
      "$hazsim" fuzz "$scenario" --design "$design" --memory-model "$model" --strategy "$strategy" \
        --runs "$runs" --max-total-time "$seconds" --jobs 2 --shrink-time 0 \
        --artifacts "$dir/$model-${strategy/:/}" 2>&1 | grep ' runs ' | grep -v coverage | sed "s/^/$model $strategy /" || true
    done <<<"$pairs"
  done
done
