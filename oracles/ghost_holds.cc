#include "oracles/ghost_holds.h"

namespace hazsim {

uint64_t GhostHolds::unpublished_step(const void* value) const {
  if (watch_ != nullptr) {
    const void* now;
    std::memcpy(&now, watch_, sizeof(now));
    if (now == value) return UINT64_MAX;
  }
  for (uint32_t i = 0; i < unpublished_.size() && i < pos_; ++i) {
    const Unpublished& u = unpublished_[(pos_ - 1 - i) % unpublished_.size()];
    if (u.value == value) return u.step;
  }
  return UINT64_MAX;
}

bool GhostHolds::released(const void* p, const void* key) {
  for (size_t i = holds_.size(); i-- > 0;)
    if (holds_[i].addr == p && holds_[i].key == key && holds_[i].releaser == nullptr) {
      holds_.erase(holds_.begin() + long(i));
      return true;
    }
  return false;
}

bool GhostHolds::linger(const void* p, const void* key, const void* releaser) {
  for (size_t i = holds_.size(); i-- > 0;)
    if (holds_[i].addr == p && holds_[i].key == key && holds_[i].releaser == nullptr) {
      holds_[i].releaser = releaser;
      ++lingering_;
      return true;
    }
  return false;
}

void GhostHolds::erase_lingering(const void* releaser, bool passed_too) {
  if (releaser == nullptr) return;  // nullptr marks the holds that do not linger
  for (size_t i = holds_.size(); i-- > 0;)
    if (holds_[i].releaser == releaser && (passed_too || holds_[i].passed_step == 0)) {
      holds_.erase(holds_.begin() + long(i));
      --lingering_;
    }
}

}  // namespace hazsim
