# Sourced by the scripts that build hazsim a second time with Debian's clang-16 (the cross-compiler
# determinism check, the parser fuzzers). The clang build keeps its own output base beside gcc's so
# the two never evict each other's cache, and writes no bazel-* symlinks over gcc's.
#   clang_bazel build //cli:hazsim        clang_bazel info bazel-bin        clang_bazel_done
clang_output_base() { echo "$(bazel info output_base 2>/dev/null)-clang16"; }
clang_bazel() {
  local cmd=$1
  shift
  CC=clang-16 CXX=clang++-16 bazel --output_base="$(clang_output_base)" "$cmd" --symlink_prefix=/ "$@"
}
# The clang server holds a gigabyte or so: stop it when done.
clang_bazel_done() { bazel --output_base="$(clang_output_base)" shutdown 2>/dev/null || true; }
