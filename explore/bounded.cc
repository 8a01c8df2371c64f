#include "explore/bounded.h"

#include "explore/decision_source.h"

namespace hazsim {

ExploreResult explore_all(const DecisionSource& d, uint64_t max_runs,
                          const std::function<void(const std::vector<uint16_t>& prefix)>& run_once,
                          const std::function<bool()>& stop) {
  std::vector<uint16_t> prefix;
  ExploreResult r;
  while (r.runs < max_runs) {
    if (stop && stop()) {
      r.stopped = true;
      return r;
    }
    run_once(prefix);
    ++r.runs;
    const std::vector<uint16_t>& values = d.recorded();
    const std::vector<uint16_t>& arities = d.arities();
    size_t i = values.size();
    while (i > 0 && values[i - 1] + 1 >= arities[i - 1]) --i;
    if (i == 0) {
      r.exhausted = true;
      return r;
    }
    prefix.assign(values.begin(), values.begin() + long(i - 1));
    prefix.push_back(uint16_t(values[i - 1] + 1));
  }
  return r;
}

}  // namespace hazsim
