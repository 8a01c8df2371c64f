// Sites and the events that fell on them. A site is a source location (function, line); at every
// decision about a preemption, an interrupt delivery, a migration or a store-buffer drain the
// machine notes that the event was possible at the running task's site ("offered") and whether
// it happened ("hit"). Campaigns aggregate these to prefer runs that reach new (site, event)
// pairs and to report the pairs no run reached. Site arming (strategy `arm`) reads the stable
// hash kept here.
//
// The table is fixed-size open addressing keyed by the source_location's pointers, so a lookup
// neither allocates nor formats; names are made only when a campaign merges a run.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <source_location>
#include <vector>

namespace hazsim {

enum class CoverEvent : uint8_t { kPreempt, kIrq, kMigrate, kDrain, kStale };
inline constexpr int kCoverEvents = 5;
inline constexpr const char* kCoverEventNames[kCoverEvents] = {"preemption", "interrupt", "migration", "drain",
                                                               "stale-read"};
inline constexpr uint8_t cover_bit(CoverEvent e) { return uint8_t(1u << unsigned(e)); }

struct SiteEntry {
  const char* func = nullptr;  // source_location::function_name(), nullptr = empty entry
  const char* file = nullptr;
  uint32_t line = 0;
  uint64_t stable_hash = 0;  // stable_site_hash(): the same in every build
  uint8_t offered = 0;       // CoverEvent bits possible here in this run
  uint8_t hit = 0;           // CoverEvent bits that happened here in this run
  bool in_design = false;    // the site is in design code (what coverage reports are about)
  int8_t armed = -1;         // arm: whether this run armed the site (-1: not asked yet this run)
};

// A C++ model (hazptr/) or a tree's own source (kernel/hazptr.c, include/linux/hazptr.h).
inline bool is_design_file(const char* file) {
  return std::strstr(file, "hazptr/") != nullptr || std::strstr(file, "hazptr.c") != nullptr ||
         std::strstr(file, "hazptr.h") != nullptr;
}

// A site's hash for arming: the file's last two path components ("hazptr/v5.h",
// "linux/hazptr.h") and the line, the same whichever compiler built hazsim and wherever its
// sources sit. Not the function's name: its text is the compiler's (gcc and clang spell template
// signatures differently), so arming by it gave the two builds different schedules.
inline uint64_t stable_site_hash(const char* file, uint32_t line) {
  const char* tail = file;
  int slashes = 0;
  for (const char* p = file + std::strlen(file); p > file; --p)
    if (p[-1] == '/' && ++slashes == 2) {
      tail = p;
      break;
    }
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  for (const char* p = tail; *p; ++p) h = (h ^ uint8_t(*p)) * 0x100000001b3ull;
  return h ^ (uint64_t(line) * 0x9E3779B97F4A7C15ull);
}

class SiteTable {
 public:
  static constexpr size_t kCapacity = 4096;  // power of two, far above the sites of any design

  SiteTable() : entries_(kCapacity) { used_.reserve(kCapacity / 2); }

  SiteEntry& lookup(const std::source_location& s) {
    const char* f = s.function_name();
    uint32_t line = s.line();
    // A step's decisions (preemption, interrupt, arming) are about the same site: one entry of
    // memory spares most probes. Entries never move, so the pointer stays good.
    if (last_ && last_->func == f && last_->line == line) [[likely]]
      return *last_;
    last_ = &probe(s, f, line);
    return *last_;
  }

  // Forgets the offered/hit bits of the last run (the sites stay known).
  void clear_run() {
    for (uint32_t i : used_) entries_[i].offered = entries_[i].hit = 0, entries_[i].armed = -1;
    overflow_.offered = overflow_.hit = 0, overflow_.armed = -1;
  }
  template <class F>
  void for_each(F f) const {
    for (uint32_t i : used_) f(entries_[i]);
  }

 private:
  SiteEntry& probe(const std::source_location& s, const char* f, uint32_t line) {
    size_t i = (uintptr_t(f) * 0x9E3779B97F4A7C15ull + line) >> 20 & (kCapacity - 1);
    for (;;) {
      SiteEntry& e = entries_[i];
      if (e.func == f && e.line == line) [[likely]]
        return e;
      if (e.func == nullptr) return insert(e, s, i);
      i = (i + 1) & (kCapacity - 1);
    }
  }

  SiteEntry& insert(SiteEntry& e, const std::source_location& s, size_t i) {
    if (used_.size() >= kCapacity / 2) [[unlikely]]
      return overflow_;  // a pathological number of sites: stop telling them apart
    e.func = s.function_name();
    e.file = s.file_name();
    e.line = s.line();
    e.stable_hash = stable_site_hash(e.file, e.line);
    e.in_design = is_design_file(e.file);
    used_.push_back(uint32_t(i));
    return e;
  }

  std::vector<SiteEntry> entries_;
  std::vector<uint32_t> used_;
  SiteEntry overflow_;
  SiteEntry* last_ = nullptr;
};

}  // namespace hazsim
