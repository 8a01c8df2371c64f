#!/usr/bin/env bash
# A fuzz campaign as a Bazel test: `bazel test //tests:campaign_v5 --runs_per_test=N` repeats it
# with other seeds (TEST_RANDOM_SEED), shard_count spreads its seeds over cores (or, with remote
# execution, machines); failing schedules land in bazel-testlogs/.../test.outputs/.
set -uo pipefail
"$1" fuzz "$2" --design "$3" --runs "$4" --shrink-time 2
rc=$?
[ "$rc" = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit "$rc"
