#include "sim/memory_model.h"

namespace hazsim {

const char* memory_model_name(MemoryModel m) {
  switch (m) {
    case MemoryModel::kSC: return "sc";
    case MemoryModel::kTSO: return "tso";
    case MemoryModel::kPSO: return "pso";
    case MemoryModel::kWeak: return "weak";
  }
  return "?";
}

bool memory_model_from_name(const std::string& s, MemoryModel* out) {
  for (MemoryModel m : {MemoryModel::kSC, MemoryModel::kTSO, MemoryModel::kPSO, MemoryModel::kWeak})
    if (s == memory_model_name(m)) {
      *out = m;
      return true;
    }
  return false;
}

uint32_t StoreBuffer::drainable(std::array<uint32_t, kCapacity>* out) const {
  uint32_t k = 0;
  for (uint32_t i = 0; i < n && e[i].group == e[0].group; ++i) {
    bool first = true;
    const char* a = static_cast<const char*>(e[i].addr);
    for (uint32_t j = 0; j < i && first; ++j) {
      const char* b = static_cast<const char*>(e[j].addr);
      first = !(b < a + e[i].size && a < b + e[j].size);
    }
    if (first) (*out)[k++] = i;
  }
  return k;
}

}  // namespace hazsim
