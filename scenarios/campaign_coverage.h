// Coverage of a campaign: the (site, event) pairs in design code that its runs were offered and
// those they hit, merged run by run (explore/coverage.h collects them in the machine). A run that
// hits a pair no earlier run hit is worth extending; the pairs offered but never hit are where
// the campaign's schedules never put a preemption, an interrupt, a migration or a drain.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "explore/coverage.h"

namespace hazsim {

// A campaign's runs are taken in rounds of kCampaignRound positions; a round's runs are merged into
// the coverage and the corpus in order once all of them have finished. The runs of round r see
// the corpus as it stood after round r - kCorpusLag was merged (none before), so up to
// (kCorpusLag + 1) rounds run at once and the campaign is the same for any number of workers.
inline constexpr long kCampaignRound = 32;
inline constexpr long kCorpusLag = 7;
// The number of merged rounds whose corpus position k sees.
inline long corpus_rounds_seen(long k) {
  long r = k / kCampaignRound - kCorpusLag;
  return r > 0 ? r : 0;
}

class CampaignCoverage {
 public:
  // Merges the last run's sites; true if it hit a pair that no earlier run hit.
  bool merge(const SiteTable& sites);
  bool merge(const std::vector<SiteEntry>& sites);  // a copy of a run's entries

  size_t offered_pairs() const { return offered_; }
  size_t hit_pairs() const { return hit_; }
  // "hazptr/v5.h:123 (hazptr_acquire) interrupt", in file and line order.
  std::vector<std::string> never_hit() const;
  // One line per site with the events offered and hit, for a coverage file.
  std::string table() const;

 private:
  struct Pairs {
    uint8_t offered = 0, hit = 0;
  };
  std::map<std::pair<std::string, uint32_t>, std::pair<std::string, Pairs>> sites_;  // (file, line) -> (func, bits)
  std::map<std::pair<const char*, uint32_t>, Pairs*> by_pointer_;  // a run's entries, found without formatting
  size_t offered_ = 0, hit_ = 0;
};

}  // namespace hazsim
