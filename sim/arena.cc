#include "sim/arena.h"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>

namespace hazsim {

const char* shadow_name(Shadow s) {
  switch (s) {
    case Shadow::kUnallocated: return "unallocated memory";
    case Shadow::kStatic: return "static data";
    case Shadow::kHeap: return "a live heap object";
    case Shadow::kStack: return "a live stack object";
    case Shadow::kFreedHeap: return "a freed heap object";
    case Shadow::kDeadStack: return "a dead stack frame";
  }
  return "?";
}

namespace {
// Reserved, not committed: zeroed pages appear as they are first touched, so a machine costs
// only what its runs use (the arena and its two shadow maps reserve 320 MiB between them).
char* reserve_zeroed(size_t bytes, const char* what) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    std::fprintf(stderr, "hazsim: cannot reserve %zu bytes for %s\n", bytes, what);
    std::abort();
  }
  return static_cast<char*>(p);
}
}  // namespace

Arena::Arena(size_t capacity) : capacity_(capacity) {
  base_ = reserve_zeroed(capacity_, "the simulated memory arena");
  shadow_ = reinterpret_cast<uint8_t*>(reserve_zeroed(capacity_ / kGranule, "the arena's shadow"));
  linked_ = reinterpret_cast<uint8_t*>(reserve_zeroed(capacity_ / kGranule, "the arena's list ghost bits"));
}

Arena::~Arena() {
  munmap(base_, capacity_);
  munmap(shadow_, capacity_ / kGranule);
  munmap(linked_, capacity_ / kGranule);
}

void Arena::reset(int64_t quarantine_bytes) {
  quarantine_ = quarantine_bytes;
  std::memset(base_, 0, used_);
  std::memset(shadow_, 0, (used_ + kGranule - 1) / kGranule);
  std::memset(linked_, 0, (used_ + kGranule - 1) / kGranule);
  used_ = 0;
  allocs_.clear();
  quarantined_.clear();
  quarantined_bytes_ = 0;
  for (auto& f : free_by_class_) f.clear();
}

namespace {
// kmalloc's small size classes (kmalloc-8 .. kmalloc-192); above them, one class per power of two.
constexpr size_t kSmallClasses[] = {8, 16, 32, 64, 96, 128, 192};
constexpr size_t kNumSmallClasses = std::size(kSmallClasses);

// Index of a size class in the free lists: the small classes first, then 256, 512, ...
size_t class_index(size_t cls) {
  for (size_t i = 0; i < kNumSmallClasses; ++i)
    if (kSmallClasses[i] == cls) return i;
  return kNumSmallClasses + size_t(std::countr_zero(cls)) - 8;  // 256 -> kNumSmallClasses
}
}  // namespace

size_t Arena::size_class(size_t size) {
  for (size_t c : kSmallClasses)
    if (size <= c) return c;
  return std::bit_ceil(size);
}

void* Arena::allocate(size_t size, size_t align, Shadow kind, int pid, uint64_t step, const char* what,
                      bool* reused, const Site& site) {
  if (size == 0) size = 1;
  if (reused) *reused = false;
  align = std::max(align, kGranule);
  const bool classed = kind == Shadow::kHeap && reuses();
  const size_t cls = classed ? size_class(size) : 0;
  if (classed) {
    size_t ci = class_index(cls);
    if (ci < free_by_class_.size() && !free_by_class_[ci].empty()) {
      uint32_t i = free_by_class_[ci].back();
      free_by_class_[ci].pop_back();
      AllocInfo& a = allocs_[i];
      a = AllocInfo{a.offset, uint32_t(size), pid, step, 0, -1, what, site};
      // The part of the class beyond `size` stays poisoned, as the redzone after a new object.
      std::memset(shadow_ + a.offset / kGranule, uint8_t(Shadow::kUnallocated), cls / kGranule);
      std::memset(shadow_ + a.offset / kGranule, uint8_t(kind), (size + kGranule - 1) / kGranule);
      if (reused) *reused = true;
      return base_ + a.offset;
    }
  }
  size_t start = (used_ + align - 1) / align * align;
  // A poisoned granule after each object, like a redzone, so an overrun is not silently valid.
  size_t end = start + (size + kGranule - 1) / kGranule * kGranule;
  if (classed) end = std::max(end, start + cls);  // the whole class slot, for whoever reuses it
  if (end + kGranule > capacity_) return nullptr;
  std::memset(shadow_ + start / kGranule, uint8_t(kind), (end - start) / kGranule);
  used_ = end + kGranule;
  allocs_.push_back(AllocInfo{start, uint32_t(size), pid, step, 0, -1, what, site});
  return base_ + start;
}

const AllocInfo* Arena::find(const void* p) const {
  if (!contains(p)) return nullptr;
  uint64_t off = offset_of(p);
  auto it = std::upper_bound(allocs_.begin(), allocs_.end(), off,
                             [](uint64_t o, const AllocInfo& a) { return o < a.offset; });
  if (it == allocs_.begin()) return nullptr;
  --it;
  if (off >= it->offset + ((it->size + kGranule - 1) / kGranule * kGranule)) return nullptr;
  return &*it;
}

bool Arena::retire(void* p, Shadow dead_kind, int pid, uint64_t step, const Site& site) {
  const AllocInfo* ci = find(p);
  if (ci == nullptr || ci->offset != offset_of(p)) return false;
  Shadow live = dead_kind == Shadow::kFreedHeap ? Shadow::kHeap : Shadow::kStack;
  if (Shadow(shadow_[ci->offset / kGranule]) != live) return false;
  auto* info = const_cast<AllocInfo*>(ci);
  info->free_step = step;
  info->free_pid = pid;
  info->free_site = site;
  size_t g0 = info->offset / kGranule;
  size_t g1 = g0 + (info->size + kGranule - 1) / kGranule;
  std::memset(shadow_ + g0, uint8_t(dead_kind), g1 - g0);
  if (dead_kind == Shadow::kFreedHeap && reuses()) {
    size_t cls = size_class(info->size);
    quarantined_.push_back({uint32_t(info - allocs_.data()), uint32_t(cls)});
    quarantined_bytes_ += int64_t(cls);
    while (quarantined_bytes_ > quarantine_) {  // the oldest leave the quarantine for their free list
      Quarantined q = quarantined_.front();
      quarantined_.pop_front();
      quarantined_bytes_ -= q.bytes;
      size_t ci = class_index(q.bytes);
      if (free_by_class_.size() <= ci) free_by_class_.resize(ci + 1);
      free_by_class_[ci].push_back(q.alloc);
    }
  }
  return true;
}

const void* Arena::first_linked(const void* p, size_t n) const {
  size_t g0 = offset_of(p) / kGranule;
  size_t g1 = (offset_of(p) + n + kGranule - 1) / kGranule;
  for (size_t g = g0; g < g1; ++g)
    if (linked_[g]) return base_ + g * kGranule;
  return nullptr;
}

}  // namespace hazsim
