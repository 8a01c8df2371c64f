// Ghost state of hazard-pointer holds: which contexts hold which objects, and since when, as the
// workloads declare around the design's calls. The synchronize oracle (sync-returned-early) and
// the batched-reclaim check read it: every reader whose Load A saw p before p stopped being
// published in memory must have been waited for.
//
// A hold dates from the reader's last load of the published pointer (its Load A), the point where
// it saw the old value; the machine tells this class when the watched pointer is loaded and when
// a store replaces it in memory (not when the store leaves the instruction stream: a buffered
// store has not unpublished anything yet).
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

namespace hazsim {

struct GhostHold {
  const void* addr;
  const void* key;  // the hazptr_ctx that holds it
  int pid;          // -1 once detached: then no task owns it
  uint64_t acquired_step;
  const void* task;  // the holder, for reports (pids are not unique: every idle task is pid 0)
  // Under weak, a hold whose release has begun while its releaser's loads of the object are not
  // yet ordered before its later stores (sim/open_loads.h) lingers: `releaser` is that task.
  // `passed_step` != 0: a plain store of the release, at that step, may become visible before
  // those loads are satisfied (load buffering), so the hold lasts until the releaser's next
  // ordering point. A lingering hold that no store passed is released.
  const void* releaser = nullptr;
  uint64_t passed_step = 0;
  bool live() const { return releaser == nullptr || passed_step != 0; }
};

class GhostHolds {
 public:
  void reset() {
    holds_.clear();
    lingering_ = 0;
    watch_ = nullptr;
    pos_ = 0;
    unpublished_.fill({nullptr, 0});
  }

  // The published pointer whose loads date holds (nullptr: holds date from the acquire).
  void watch(const void* published) { watch_ = published; }
  const void* watched() const { return watch_; }
  // A store reaches the watched pointer in memory: its old value stops being published now.
  void note_store_reaches_memory(const void* p, size_t size, uint64_t step) {
    if (size != sizeof(void*)) return;
    const void* old;
    std::memcpy(&old, p, sizeof(old));
    unpublished_[pos_++ % unpublished_.size()] = {old, step};
  }
  // When `value` stopped being published; UINT64_MAX: still published (or too long ago to know).
  uint64_t unpublished_step(const void* value) const;

  void acquired(const GhostHold& h) { holds_.push_back(h); }
  // Released through the same ctx (`key`), maybe by another context; false if no such hold.
  bool released(const void* p, const void* key);
  // Load buffering (see GhostHold::releaser): the release of p through `key` has begun in
  // `releaser`, whose loads of p's object are still open; false if no such hold.
  bool linger(const void* p, const void* key, const void* releaser);
  bool lingering() const { return lingering_ != 0; }
  // A plain store of `releaser` at `step`: its lingering holds last until its next ordering point.
  void passed(const void* releaser, uint64_t step) {
    if (releaser == nullptr) return;  // no task: no hold of its lingers (nullptr marks held ones)
    for (auto& h : holds_)
      if (h.releaser == releaser && h.passed_step == 0) h.passed_step = step;
  }
  // The release returned: what no store passed is released.
  void release_returned(const void* releaser) { erase_lingering(releaser, false); }
  // The releaser's loads are ordered (a barrier, an interrupt, a context switch): released.
  void ordered(const void* releaser) { erase_lingering(releaser, true); }
  // The holds not released, lingering ones included only if a store passed their loads.
  size_t live_count() const {
    size_t n = 0;
    for (const auto& h : holds_) n += h.live();
    return n;
  }

  // hazptr_detach(): the hold no longer belongs to the task that acquired it.
  void detached(const void* key) {
    for (auto& h : holds_)
      if (h.key == key) h.pid = -1;
  }

  // A hold of p whose Load A came before `unpublished`, or nullptr.
  const GhostHold* early_holder(const void* p, uint64_t unpublished) const {
    for (const auto& h : holds_)
      if (h.addr == p && h.acquired_step < unpublished && h.live()) return &h;
    return nullptr;
  }
  const std::vector<GhostHold>& holds() const { return holds_; }

 private:
  void erase_lingering(const void* releaser, bool passed_too);

  std::vector<GhostHold> holds_;
  uint32_t lingering_ = 0;
  const void* watch_ = nullptr;
  struct Unpublished {
    const void* value;
    uint64_t step;
  };
  std::array<Unpublished, 16> unpublished_{};  // the last values replaced in memory, newest at pos-1
  uint32_t pos_ = 0;
};

}  // namespace hazsim
