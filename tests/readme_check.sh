#!/usr/bin/env bash
# README.md's example outputs are what tests/readme_examples.sh prints today. Each block follows a
# line `<!-- example: NAME -->`; timings (seconds, runs/s) are compared as "#".
#   tests/readme_check.sh [--update]     (from anywhere; builds the optimised binary)
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(--noshow_progress --ui_event_filters=-info)
bazel build "${flags[@]}" //cli:hazsim >&2
hazsim="$(bazel info "${flags[@]}" bazel-bin 2>/dev/null)/cli/hazsim"
readme="$PWD/README.md"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mask() { sed -E 's/[0-9]+\.[0-9] s \([0-9]+ runs\/s\)/# s (# runs\/s)/g'; }
names=$(sed -n 's/^<!-- example: \([a-z-]*\) -->$/\1/p' "$readme")
[ -n "$names" ] || { echo "readme_check: README.md has no examples"; exit 1; }
pass=0 fail=0 skipped=0
for name in $names; do
  mkdir "$work/$name"
  rc=0
  (cd "$work/$name" && "$OLDPWD/tests/readme_examples.sh" "$hazsim" "$name") >"$work/$name.out" || rc=$?
  if [ "$rc" = 77 ]; then
    echo "readme_check: example '$name' skipped: $(cat "$work/$name.out")"
    skipped=$((skipped + 1))
    continue
  fi
  # The block after the marker: from the opening fence to the closing one.
  awk -v m="<!-- example: $name -->" '$0 == m { on = 1; next } on == 1 && /^```/ { on = 2; next }
    on == 2 && /^```/ { exit } on == 2 { print }' "$readme" >"$work/$name.readme"
  if diff <(mask <"$work/$name.readme") <(mask <"$work/$name.out") >"$work/$name.diff"; then
    pass=$((pass + 1))
  elif [ "${1:-}" = "--update" ]; then
    awk -v m="<!-- example: $name -->" -v f="$work/$name.out" '
      $0 == m { print; on = 1; next }
      on == 1 && /^```/ { print; while ((getline l < f) > 0) print l; on = 2; next }
      on == 2 && /^```/ { print; on = 0; next }
      on == 2 { next } { print }' "$readme" >"$work/readme.new" && cp "$work/readme.new" "$readme"
    echo "readme_check: updated example '$name'"
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "readme_check: README.md's example '$name' is stale (tests/readme_check.sh --update rewrites it):"
    head -20 "$work/$name.diff"
  fi
done
echo "readme examples: $pass passed, $fail failed, $skipped skipped"
[ "$fail" = 0 ]
