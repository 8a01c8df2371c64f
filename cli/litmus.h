// hazsim litmus: run litmus tests in the LKMM's C format and report as herd7 does.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace hazsim {

// Exit status: 0 when every test agrees with its Result: comment (or has none), 1 when a model
// reached an outcome the Result: comment forbids, 2 for a file that cannot be read or parsed.
int cmd_litmus(const std::vector<std::string>& files, const std::string& memory_model, uint64_t max_runs,
               bool dpor);

}  // namespace hazsim
