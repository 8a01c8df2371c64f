#!/bin/sh
# Generates the C++ table of the scenario files, so the binary needs no file layout at run time.
set -eu
echo '// Generated from scenarios/configs by scenarios/embed.sh; do not edit.'
echo '#include "scenarios/library.h"'
echo 'namespace hazsim {'
echo 'const ScenarioText kScenarioTexts[] = {'
for f in "$@"; do
  name=$(basename "$f")
  printf '  {"%s", R"hazsim_scn(' "$name"
  cat "$f"
  printf ')hazsim_scn"},\n'
done
echo '};'
echo 'const size_t kScenarioTextCount = sizeof(kScenarioTexts) / sizeof(kScenarioTexts[0]);'
echo '}  // namespace hazsim'
