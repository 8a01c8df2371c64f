#!/bin/sh
# Generates the C++ table of hazsim's kernel headers and glue, so the binary writes them next to
# the tree it compiles and needs no file layout at run time. Arguments: the source files.
set -eu
echo '// Generated from kshim/ and kapi/kshim_abi.h by kshim/embed.sh; do not edit.'
echo '#include "kshim/shim_files.h"'
echo 'namespace hazsim::kshim {'
echo 'const ShimFile kShimFiles[] = {'
for f in "$@"; do
  case "$f" in
    *kshim/include/*) dest="shim/include/${f##*kshim/include/}" ;;
    *kshim/glue/*) dest="shim/glue/${f##*kshim/glue/}" ;;
    *kapi/kshim_abi.h) dest="shim/include/hazsim/kshim_abi.h" ;;
    *) echo "embed.sh: $f is not a shim file" >&2; exit 1 ;;
  esac
  printf '  {"%s", R"hazsim_kshim(' "$dest"
  cat "$f"
  printf ')hazsim_kshim"},\n'
done
echo '};'
echo 'const size_t kShimFileCount = sizeof(kShimFiles) / sizeof(kShimFiles[0]);'
echo '}  // namespace hazsim::kshim'
