#include "scenarios/campaign_coverage.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

#include "oracles/describe.h"
#include "sched/machine.h"

namespace hazsim {

namespace {

std::string design_path(const char* file) {
  const char* p = std::strstr(file, "hazptr/");
  return p ? p : file;
}

std::string events_text(uint8_t bits) {
  std::string s;
  for (int e = 0; e < kCoverEvents; ++e)
    if (bits & (1u << e)) s += fmt::format("{}{}", s.empty() ? "" : ",", kCoverEventNames[e]);
  return s.empty() ? "-" : s;
}

}  // namespace

bool CampaignCoverage::merge(const SiteTable& sites) {
  std::vector<SiteEntry> copy;
  sites.for_each([&](const SiteEntry& e) { copy.push_back(e); });
  return merge(copy);
}

bool CampaignCoverage::merge(const std::vector<SiteEntry>& sites) {
  bool new_hit = false;
  for (const SiteEntry& e : sites) {
    if (!e.in_design || e.offered == 0) continue;
    Pairs*& agg = by_pointer_[{e.func, e.line}];
    if (agg == nullptr) {
      auto& slot = sites_[{design_path(e.file), e.line}];
      if (slot.first.empty()) slot.first = bare_function_name(e.func);
      agg = &slot.second;
    }
    uint8_t more_offered = e.offered & ~agg->offered, more_hit = e.hit & ~agg->hit;
    offered_ += size_t(std::popcount(unsigned(more_offered)));
    hit_ += size_t(std::popcount(unsigned(more_hit)));
    agg->offered |= e.offered;
    agg->hit |= e.hit;
    new_hit |= more_hit != 0;
  }
  return new_hit;
}

std::vector<std::string> CampaignCoverage::never_hit() const {
  std::vector<std::string> out;
  for (const auto& [where, v] : sites_) {
    uint8_t missed = v.second.offered & ~v.second.hit;
    for (int e = 0; e < kCoverEvents; ++e)
      if (missed & (1u << e))
        out.push_back(fmt::format("{}:{} ({}) {}", where.first, where.second, v.first, kCoverEventNames[e]));
  }
  return out;
}

std::string CampaignCoverage::table() const {
  std::string s = fmt::format("# site  function  offered  hit   ({} of {} pairs hit)\n", hit_, offered_);
  for (const auto& [where, v] : sites_)
    s += fmt::format("{}:{}  {}  {}  {}\n", where.first, where.second, v.first, events_text(v.second.offered),
                     events_text(v.second.hit));
  return s;
}

}  // namespace hazsim
