#include "sim/cost_meter.h"

#include <cstring>

namespace hazsim {

const SectionCost* CostTotals::find(const char* name) const {
  for (const auto& s : sections)
    if (std::strcmp(s.name, name) == 0) return &s;
  return nullptr;
}

}  // namespace hazsim
