// The decision stream: every choice the machine makes comes from here, is recorded, and can be
// fed back (sim/choice.h says what a choice is). The strategies live one per file beside this
// one; choose() is a switch that only dispatches to them, since it runs at every step (no
// virtual call). One PRNG per run feeds random, pct and arm alike, in a fixed order of draws.
#pragma once
#include <cstdint>
#include <vector>

#include "explore/arm.h"
#include "explore/bounded.h"
#include "explore/dpor.h"
#include "explore/keyed_replay.h"
#include "explore/pct.h"
#include "explore/random.h"
#include "explore/replay.h"
#include "explore/strategy.h"
#include "sim/prng.h"

namespace hazsim {

class DecisionSource {
 public:
  static constexpr uint32_t kStallChoices = SiteArming::kStallChoices;

  void start_random(uint64_t seed, const RandomKnobs& knobs) {
    kind_ = StrategyKind::kRandom;
    rng_.reseed(seed);
    knobs_ = knobs;
    recorded_.clear();
    cursor_.diverged = false;
    cursor_.script = nullptr;
    arming_.clear();
  }
  void start_arm(uint64_t seed, const RandomKnobs& knobs, uint32_t arm_ppm, uint32_t fire_ppm) {
    start_random(seed, knobs);
    kind_ = StrategyKind::kArm;
    set_arming(seed, arm_ppm, fire_ppm);
  }
  // Also for the replay of an arm run (after start_replay()): it stalls at the same sites.
  void set_arming(uint64_t seed, uint32_t arm_ppm, uint32_t fire_ppm) { arming_.set(seed, arm_ppm, fire_ppm); }
  bool arming() const { return arming_.on(); }
  bool site_armed(uint64_t site_hash) const { return arming_.armed(site_hash); }
  // Which of k vCPUs runs while this one stalls (value 1..k, recorded); a replay takes the
  // recorded value, where 0 (a shrunk choice) ends the stall.
  uint32_t stall_pick(uint32_t k) {
    if (kind_ != StrategyKind::kArm) return choose(Choice::kCpu, k + 1);
    return record(1 + rng_.below(k));
  }

  // Random and arm runs: follow `prefix` (a corpus entry's first choices) before choosing freshly,
  // so a campaign can extend a run that reached something new. `salt` reseeds the stream for the
  // choices after the prefix, so extensions of one prefix differ.
  void set_prefix(const std::vector<uint16_t>* prefix, uint64_t salt) {
    cursor_.script = prefix;
    cursor_.pos = 0;
    rng_.reseed(SiteArming::mix64(salt ^ 0x636f'7270'7573ull));
  }

  void start_replay(const std::vector<uint16_t>* script) {
    kind_ = StrategyKind::kReplay;
    arming_.clear();
    cursor_.start(script);
    recorded_.clear();
  }

  // Shrinking's keyed replay (explore/keyed_replay.h): learn the keys of `script`'s choices, or
  // take choices by key. The machine says who chooses where through `context` (set once).
  void set_context(const ChoiceContext& context) { context_ = context; }
  void start_keyed_learning(const std::vector<uint16_t>* script) {
    start_keyed_common();
    keyed_.start_learning(script);
  }
  void start_keyed(const std::vector<KeyedChoice>* choices) {
    start_keyed_common();
    keyed_.start_keyed(choices);
  }
  const std::vector<KeyedChoice>& keyed_noted() const { return keyed_.noted(); }

  void start_pct(uint64_t seed, const RandomKnobs& knobs, int depth, uint64_t steps) {
    start_random(seed, knobs);
    kind_ = StrategyKind::kPct;
    pct_.start(rng_, depth, steps);
  }
  bool pct() const { return kind_ == StrategyKind::kPct; }
  int64_t pct_priority(int pid) { return pct_.priority(rng_, pid); }
  bool pct_change_point(uint64_t step) { return pct_.change_point(step); }
  void pct_lower(int pid) { pct_.lower(rng_, pid); }

  void start_explore(const std::vector<uint16_t>* prefix, uint32_t mask, uint32_t event_bound = UINT32_MAX) {
    kind_ = StrategyKind::kExplore;
    arming_.clear();
    cursor_.start(prefix);
    explorer_.start(mask, event_bound);
    recorded_.clear();
  }
  bool bounded() const { return kind_ == StrategyKind::kExplore && explorer_.bounded(); }
  // Neither PCT, bounded nor dpor: the vCPU choice is an ordinary draw (random, arm, replay, explore).
  bool plain() const { return kind_ != StrategyKind::kPct && kind_ != StrategyKind::kDpor && !bounded(); }

  // dpor (explore/dpor.h): one run of the search the explorer holds; dpor_explorer().reset()
  // starts a new search.
  // `mask`: the kinds of choice that branch (choice_bit()); the others are always 0.
  void start_dpor(uint32_t mask = ~0u) {
    kind_ = StrategyKind::kDpor;
    dpor_mask_ = mask;
    arming_.clear();
    cursor_.start(nullptr);
    recorded_.clear();
    dpor_.start_run();
  }
  bool dpor() const { return kind_ == StrategyKind::kDpor; }
  DporExplorer& dpor_explorer() { return dpor_; }
  // dpor's choice of agent: agents[v] is the vCPU or store buffer value v runs. Not recorded:
  // the machine records the choices a replay makes for it (record()).
  uint32_t dpor_pick(const int* agents, uint32_t n, bool yield = false, uint64_t disabled = 0, bool free = false) {
    return dpor_.choose_agent(agents, n, yield, disabled, free);
  }

  // A choice the machine made itself (PCT's priorities, bounded's free switch at a spin-wait),
  // recorded so a replay makes it again.
  uint32_t record(uint32_t v) {
    recorded_.push_back(uint16_t(v));
    if (kind_ == StrategyKind::kExplore) explorer_.note_forced(cursor_);
    return v;
  }

  // n >= 2. `armed`: the site of this choice is armed (arm runs only).
  [[gnu::always_inline]] uint32_t choose(Choice c, uint32_t n, bool armed = false) {
    uint32_t v;
    switch (kind_) {
      case StrategyKind::kRandom:
      case StrategyKind::kPct:
        v = cursor_.script ? prefix_or_fresh(c, n, false) : random_choice(rng_, knobs_, c, n);
        break;
      case StrategyKind::kArm:
        if (cursor_.script) v = prefix_or_fresh(c, n, armed);
        else v = armed ? arming_.choice(rng_, knobs_, c, n) : random_choice(rng_, knobs_, c, n);
        break;
      case StrategyKind::kExplore:
        if (!explorer_.branches(c)) return 0;
        v = explorer_.choose(cursor_, n);
        break;
      case StrategyKind::kKeyed: v = keyed_choice(c, n); break;
      case StrategyKind::kDpor:
        if (!(dpor_mask_ & choice_bit(c))) return 0;
        v = dpor_.choose_data(n, c == Choice::kIrq || c == Choice::kPreempt || c == Choice::kMigrate);
        break;
      case StrategyKind::kReplay:
      default: v = cursor_.replay(n); break;
    }
    recorded_.push_back(uint16_t(v));
    return v;
  }

  const std::vector<uint16_t>& arities() const { return explorer_.arities(); }
  const std::vector<uint16_t>& recorded() const { return recorded_; }
  bool diverged() const { return kind_ == StrategyKind::kKeyed ? keyed_.diverged() : cursor_.diverged; }
  // Replay only: how many recorded choices were consumed.
  size_t consumed() const { return kind_ == StrategyKind::kKeyed ? keyed_.consumed() : cursor_.pos; }
  StrategyKind kind() const { return kind_; }

 private:
  [[gnu::noinline]] uint32_t prefix_or_fresh(Choice c, uint32_t n, bool armed) {
    if (cursor_.more()) return cursor_.prefix(n);
    return armed ? arming_.choice(rng_, knobs_, c, n) : random_choice(rng_, knobs_, c, n);
  }

  [[gnu::noinline]] uint32_t keyed_choice(Choice c, uint32_t n) { return keyed_.choose(context_, c, n); }
  void start_keyed_common() {
    kind_ = StrategyKind::kKeyed;
    arming_.clear();
    cursor_.start(nullptr);
    recorded_.clear();
  }

  StrategyKind kind_ = StrategyKind::kRandom;
  Prng rng_;
  RandomKnobs knobs_;
  ScriptCursor cursor_;  // replay's script, the explorer's prefix, or a corpus prefix
  BoundedExplorer explorer_;
  PctStrategy pct_;
  SiteArming arming_;
  std::vector<uint16_t> recorded_;
  ChoiceContext context_;
  KeyedReplay keyed_;
  DporExplorer dpor_;
  uint32_t dpor_mask_ = ~0u;
};

}  // namespace hazsim
