// Sixteen hex digits of a SHA-256 over the sources a schedule depends on (cli/BUILD's genrule):
// two builds with the same digest run every schedule alike.
#pragma once

namespace hazsim::cli {
const char* source_digest();
}  // namespace hazsim::cli
