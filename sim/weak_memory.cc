#include "sim/weak_memory.h"

#include <algorithm>
#include <bit>

namespace hazsim {

namespace {
constexpr uint32_t kNone = UINT32_MAX;
uint32_t hash_word(uintptr_t word, size_t cap) {
  return uint32_t(((uint64_t(word) >> 3) * 0x9E3779B97F4A7C15ULL) >> 40) & uint32_t(cap - 1);
}
}  // namespace

void WeakMemory::reset(uint32_t ncpus) {
  n_ = ncpus;
  cpu_views_.assign(size_t(n_) * kCpuViews * n_, 0);
  // Slot and dependency views are written before they are read: sized, not cleared.
  if (slot_views_.size() != size_t(n_) * kSlots * n_) slot_views_.assign(size_t(n_) * kSlots * n_, 0);
  if (dep_views_.size() != size_t(n_) * kDeps * n_) dep_views_.assign(size_t(n_) * kDeps * n_, 0);
  gseq_.assign(n_, 0);
  forced_.assign(n_, 0);
  drain_group_.assign(n_, 0);
  lower_seq_.assign(n_, 0);
  free_slots_.assign(n_, ~0u);
  deps_.assign(size_t(n_) * kDeps, Dep{});
  dep_next_.assign(n_, 0);
  last_load_.assign(n_, UINT32_MAX);
  if (table_.empty()) table_.assign(4096, 0);
  for (const Loc& l : locs_) table_[l.table_slot] = 0;
  locs_.clear();
  loc_views_.clear();
}

uint32_t WeakMemory::find(uintptr_t word) const {
  for (uint32_t i = hash_word(word, table_.size());; i = (i + 1) & uint32_t(table_.size() - 1)) {
    uint32_t e = table_[i];
    if (e == 0) return kNone;
    if (locs_[e - 1].word == word) return e - 1;
  }
}

uint32_t WeakMemory::create(uintptr_t word, uint64_t mem) {
  if ((locs_.size() + 1) * 2 > table_.size()) {  // keep the table at most half full
    table_.assign(table_.size() * 2, 0);
    for (uint32_t k = 0; k < locs_.size(); ++k) {
      uint32_t i = hash_word(locs_[k].word, table_.size());
      while (table_[i] != 0) i = (i + 1) & uint32_t(table_.size() - 1);
      table_[i] = k + 1;
      locs_[k].table_slot = i;
    }
  }
  uint32_t i = hash_word(word, table_.size());
  while (table_[i] != 0) i = (i + 1) & uint32_t(table_.size() - 1);
  uint32_t k = uint32_t(locs_.size());
  table_[i] = k + 1;
  Loc& l = locs_.emplace_back();
  l.word = word;
  l.table_slot = i;
  l.msgs[0] = Msg{mem, 0, 0, -1};  // what memory held before the first store of the run
  loc_views_.resize(loc_views_.size() + size_t(kHistory + 1) * n_, 0);
  return k;
}

void WeakMemory::overwritten(uintptr_t word, uint64_t value, uint64_t step) {
  uint32_t l = find(word);
  if (l != kNone) overwrite(l, value, step);
}

void WeakMemory::overwrite(uint32_t l, uint64_t value, uint64_t step) {
  Loc& loc = locs_[l];
  uint32_t i = ++loc.newest;
  loc.msgs[i % kHistory] = Msg{value, step, 0, -1};
  std::fill_n(msg_view(l, i), n_, 0);
  for (uint32_t k = 0; k < n_; ++k) floors(l)[k] = i;
}

const uint32_t* WeakMemory::dep_for(uint32_t c, uintptr_t addr) {
  const Dep* d = &deps_[size_t(c) * kDeps];
  for (uint32_t i = 0; i < kDeps; ++i)
    if (addr >= d[i].lo && addr < d[i].hi) return dep_view(c, i);
  return nullptr;
}

WeakMemory::Options WeakMemory::options(uint32_t c, uintptr_t word, uintptr_t addr, uint64_t mem) {
  uint32_t l = find(word);
  if (l == kNone) return {};
  const Loc& loc = locs_[l];
  // Memory written behind the model's back (set-up code, not a store of the run): memory decides.
  if (loc.msgs[loc.newest % kHistory].word != mem) return {};
  const uint32_t* cur = view(c, kCur);
  const uint32_t* dep = dep_for(c, addr);
  uint32_t oldest = loc.newest + 1 >= kHistory ? loc.newest + 1 - kHistory : 0;
  oldest = std::max(oldest, floors(l)[c]);
  uint32_t n = 0;
  for (uint32_t i = loc.newest;; --i) {
    ++n;
    const Msg& m = loc.msgs[i % kHistory];
    if (i == oldest || m.writer < 0 || uint32_t(m.writer) == c) break;
    uint32_t known = cur[m.writer];
    if (dep && dep[m.writer] > known) known = dep[m.writer];
    if (m.seq <= known) break;  // c has this one: nothing older is left for it
  }
  return {l, n, loc.newest};
}

uint64_t WeakMemory::read(uint32_t c, const Options& o, uint32_t k, bool acquire, uint64_t* superseded_step) {
  const Loc& loc = locs_[o.loc];
  uint32_t cidx = o.newest - k;
  const Msg& m = loc.msgs[cidx % kHistory];
  last_load_[c] = o.loc;
  uint32_t& floor = floors(o.loc)[c];
  floor = std::max(floor, cidx);
  const uint32_t* carried = msg_view(o.loc, cidx);
  join(view(c, kPend), carried);
  if (acquire) join(view(c, kCur), carried);
  uint32_t* obs = view(c, kObs);
  join(obs, carried);
  if (m.writer >= 0 && m.seq > obs[m.writer]) obs[m.writer] = m.seq;
  *superseded_step = k == 0 ? 0 : loc.msgs[(cidx + 1) % kHistory].step;
  return m.word;
}

void WeakMemory::note_pointer(uint32_t c, uintptr_t lo, uintptr_t hi, uintptr_t addr_loaded, const Options& o,
                              uint32_t k) {
  Dep* d = &deps_[size_t(c) * kDeps];
  uint32_t slot = kNone;
  for (uint32_t i = 0; i < kDeps; ++i)
    if (d[i].lo == lo && d[i].hi == hi) slot = i;
  const uint32_t* via = dep_for(c, addr_loaded);  // the pointer itself was loaded through one
  uint32_t* v;
  if (slot == kNone) {
    slot = dep_next_[c]++ % kDeps;
    v = dep_view(c, slot);
    // Forgetting a dependency would make the model weaker: what it ordered becomes ordered for all.
    if (d[slot].hi != 0) join(view(c, kCur), v);
    d[slot] = Dep{lo, hi};
    std::copy_n(view(c, kCur), n_, v);
  } else {
    v = dep_view(c, slot);
    join(v, view(c, kCur));
  }
  if (via && via != v) join(v, via);
  join(v, msg_view(o.loc, o.newest - k));
}

uint32_t* WeakMemory::append(uint32_t c, uintptr_t word, uint64_t before, uint64_t after, uint64_t step) {
  uint32_t l = find(word);
  if (l == kNone) l = create(word, before);
  Loc& loc = locs_[l];
  // Set-up code wrote memory directly since: that value is a message every vCPU has.
  if (loc.msgs[loc.newest % kHistory].word != before) overwrite(l, before, step);
  uint32_t cidx = ++loc.newest;
  loc.msgs[cidx % kHistory] = Msg{after, step, ++gseq_[c], int32_t(c)};
  floors(l)[c] = cidx;
  return msg_view(l, cidx);
}

void WeakMemory::commit(uint32_t c, uintptr_t word, uint64_t before, uint64_t after, uint32_t group, uint8_t slot,
                        uint64_t step) {
  if (group != drain_group_[c]) {  // the stores of earlier groups have all reached memory
    drain_group_[c] = group;
    lower_seq_[c] = gseq_[c];
  }
  uint32_t* carried = append(c, word, before, after, step);
  if (slot != kNoSlot) {
    std::copy_n(slot_view(c, slot), n_, carried);
    free_slots_[c] |= 1u << slot;
  } else {
    std::copy_n(view(c, kFence), n_, carried);
  }
  carried[c] = std::max(carried[c], lower_seq_[c]);
}

void WeakMemory::commit_rmw(uint32_t c, uintptr_t word, uint64_t before, uint64_t after, bool full, uint64_t step) {
  uint32_t earlier = gseq_[c];  // a full RMW comes after a drained buffer: every earlier store
  uint32_t* carried = append(c, word, before, after, step);
  std::copy_n(view(c, kFence), n_, carried);
  carried[c] = std::max(carried[c], full ? earlier : lower_seq_[c]);
}

uint8_t WeakMemory::snapshot_release(uint32_t c) {
  uint32_t s = uint32_t(std::countr_zero(free_slots_[c]));  // a buffer of kSlots entries never needs more
  free_slots_[c] &= ~(1u << s);
  uint32_t* v = slot_view(c, s);
  std::copy_n(view(c, kCur), n_, v);
  join(v, view(c, kObs));
  join(v, view(c, kFence));
  // The release orders every earlier store of c: all of them reach memory before it.
  return uint8_t(s);
}

void WeakMemory::fence_mb(uint32_t c) {
  uint32_t* cur = view(c, kCur);
  join(cur, view(c, kObs));  // what c read and what it carried (a superset of kPend)
  join(cur, view(c, kFence));
  cur[c] = gseq_[c];  // its own stores: the buffer has drained
  join(forced_.data(), cur);
  std::copy_n(forced_.data(), n_, cur);
  std::copy_n(cur, n_, view(c, kObs));
  std::copy_n(cur, n_, view(c, kFence));
}

void WeakMemory::fence_sync(uint32_t c) {
  std::copy_n(gseq_.data(), n_, view(c, kCur));
  std::copy_n(gseq_.data(), n_, view(c, kObs));
  std::copy_n(gseq_.data(), n_, view(c, kFence));
  join(forced_.data(), gseq_.data());
}

void WeakMemory::observe_newest(uint32_t c, uintptr_t word, bool acquire) {
  uint32_t l = find(word);
  if (l == kNone) return;
  Options o{l, 1, locs_[l].newest};
  uint64_t ignored;
  read(c, o, 0, acquire, &ignored);
}

}  // namespace hazsim
