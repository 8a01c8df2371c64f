// hazsim's kernel headers and the glue of each design version, embedded in the binary
// (kshim/embed.sh): the loader writes them out next to the tree it compiles.
#pragma once
#include <cstddef>

namespace hazsim::kshim {

struct ShimFile {
  const char* path;  // in the written tree: shim/include/..., shim/glue/...
  const char* text;
};
extern const ShimFile kShimFiles[];
extern const size_t kShimFileCount;

}  // namespace hazsim::kshim
