#include "explore/keyed_replay.h"

#include "explore/arm.h"

namespace hazsim {

void KeyedReplay::restart() {
  triple_of_.clear();
  triples_.clear();
  noted_.clear();
  cursor_.start(nullptr);
  choices_ = nullptr;
}

KeyedReplay::Triple& KeyedReplay::triple(uint64_t where) {
  uint32_t& at = triple_of_[where];
  if (at == 0) {
    triples_.emplace_back();
    at = uint32_t(triples_.size());
  }
  return triples_[at - 1];
}

void KeyedReplay::start_learning(const std::vector<uint16_t>* script) {
  restart();
  cursor_.start(script);
}

void KeyedReplay::start_keyed(const std::vector<KeyedChoice>* choices) {
  restart();
  choices_ = choices;
  for (size_t i = 0; i < choices->size(); ++i) triple((*choices)[i].where).chosen.push_back(uint32_t(i));
  for (Triple& t : triples_)
    std::sort(t.chosen.begin(), t.chosen.end(),
              [&](uint32_t a, uint32_t b) { return (*choices)[a].occurrence < (*choices)[b].occurrence; });
}

uint32_t KeyedReplay::choose(const ChoiceContext& ctx, Choice c, uint32_t n) {
  uint64_t where = SiteArming::mix64(ctx.where(ctx.machine) ^ (uint64_t(c) + 1) * 0x9e3779b97f4a7c15ull);
  Triple& t = triple(where);
  uint32_t occurrence = t.count++;
  uint32_t v = 0;
  if (choices_ == nullptr) {
    v = cursor_.script ? cursor_.replay(n) : 0;
  } else {
    while (t.next < t.chosen.size() && (*choices_)[t.chosen[t.next]].occurrence < occurrence) ++t.next;
    if (t.next < t.chosen.size() && (*choices_)[t.chosen[t.next]].occurrence == occurrence) {
      const KeyedChoice& k = (*choices_)[t.chosen[t.next]];
      if (c != Choice::kCpu) {
        v = k.value < n ? k.value : 0;
      } else {  // the value that switches to the same task now; none: stay
        for (uint32_t i = 1; i < n && v == 0; ++i)
          if (ctx.cpu_target(ctx.machine, i) == k.target) v = i;
      }
    }
  }
  if (v != 0)
    noted_.push_back({where, occurrence, uint16_t(v), c == Choice::kCpu ? ctx.cpu_target(ctx.machine, v) : int64_t(v)});
  return v;
}

}  // namespace hazsim
