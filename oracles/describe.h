// Words for reports: sites as the sources are laid out in the repository, function names without
// their template noise, and simulated addresses as the objects they fall in.
#pragma once
#include <string>

#include "sim/access.h"
#include "sim/arena.h"

namespace hazsim {

// "hazptr_acquire" out of a compiler's full function signature (templates make those unreadable).
std::string bare_function_name(const char* signature);
// "hazptr/v5.h:120 (hazptr_acquire)", independent of the build directory; "?" for no site.
std::string site_text(const Site& s);
// "hazptr_ctx at arena+0x40, allocated by pid 3 at step 12, freed/ended by ..."
std::string describe_addr(const Arena& arena, const void* p);

}  // namespace hazsim
