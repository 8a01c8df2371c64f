// The decision stream: every choice the machine makes comes from here, is recorded, and can be
// fed back. A recorded choice is a small integer in [0, n) where 0 is always the uneventful one
// (stay on this vCPU, do not preempt, do not deliver, do not migrate), so a schedule that runs
// out of recorded choices continues uneventfully, and shrinking can work by zeroing.
//
// Strategies are cases of one switch, not virtual classes: this is called at every step.
#pragma once
#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/prng.h"

namespace hazsim {

enum class Choice : uint8_t {
  kCpu,      // which vCPU performs the next access (value = offset from the current one)
  kIrq,      // deliver a pending interrupt now
  kPreempt,  // preempt the running task at this access
  kMigrate,  // move a task that is being enqueued to another vCPU (value = offset)
  kDrain,    // drain the oldest buffered store of one vCPU now (value = 1 + index among vCPUs with stores)
  kDrainEntry,  // PSO: which of the stores eligible to drain (value = index)
  kStall,       // arm: at an armed site, stall this vCPU for 2^value steps of virtual time
};
inline constexpr uint32_t choice_bit(Choice c) { return 1u << unsigned(c); }

enum class StrategyKind : uint8_t { kRandom, kReplay, kExplore, kPct, kBounded, kArm, kPortfolio };

// "random", "replay", "pct:D" (D >= 1, the bug depth PCT targets), "bounded:K" (every schedule
// with at most K eventful choices), "arm" (site arming) or "portfolio"; *depth is D or K.
bool parse_strategy(const std::string& s, StrategyKind* out, int* depth);
// The portfolio rotates strategies across runs: the one a run with this seed uses.
const char* portfolio_member(uint64_t seed);

// Probabilities in parts per million, so they are exact in files and across machines.
struct RandomKnobs {
  uint32_t switch_ppm = 300000;   // chance the next access is another vCPU's
  uint32_t preempt_ppm = 3000;    // chance of preemption at a preemptible access
  uint32_t irq_ppm = 200000;      // chance a pending interrupt is delivered at an access
  uint32_t migrate_ppm = 100000;  // chance an enqueued task moves to another vCPU
  uint32_t drain_ppm = 200000;    // chance, at a step, that some buffered store drains (tso, pso)
};

class DecisionSource {
 public:
  void start_random(uint64_t seed, const RandomKnobs& knobs) {
    kind_ = StrategyKind::kRandom;
    rng_.reseed(seed);
    knobs_ = knobs;
    recorded_.clear();
    diverged_ = false;
    prefix_ = nullptr;
    arm_ppm_ = 0;  // a machine runs many strategies in turn: nothing of an arm run may stay
  }

  // Site arming in the manner of FoundationDB's BUGGIFY: each run arms a random subset of sites
  // (`arm_ppm` of them); at an armed site, preemptions, interrupt deliveries, migrations and drains
  // fire with `fire_ppm`, elsewhere with the ordinary `knobs`, and the vCPU may stall (Choice::kStall).
  // Which sites are armed depends only on the seed and the site's stable hash, so a replay of an
  // arm run (set_arming() after start_replay()) makes its stall choices at the same sites.
  void start_arm(uint64_t seed, const RandomKnobs& knobs, uint32_t arm_ppm, uint32_t fire_ppm) {
    start_random(seed, knobs);
    kind_ = StrategyKind::kArm;
    set_arming(seed, arm_ppm, fire_ppm);
  }
  void set_arming(uint64_t seed, uint32_t arm_ppm, uint32_t fire_ppm) {
    arm_salt_ = mix64(seed ^ 0x6172'6d65'6420'7369ull);
    arm_ppm_ = arm_ppm;
    fire_ppm_ = fire_ppm;
  }
  bool arming() const { return arm_ppm_ != 0; }
  bool site_armed(uint64_t site_hash) const { return mix64(site_hash ^ arm_salt_) % 1000000 < arm_ppm_; }
  // Which of k vCPUs runs while this one stalls (value 1..k, recorded); a replay takes the
  // recorded value, where 0 (a shrunk choice) ends the stall.
  uint32_t stall_pick(uint32_t k) {
    if (kind_ != StrategyKind::kArm) return choose(Choice::kCpu, k + 1);
    return record(1 + rng_.below(k));
  }
  static constexpr uint32_t kStallChoices = 16;  // stalls of 2, 4, ... 32,768 steps

  // Random and arm runs: follow `prefix` (a corpus entry's first choices) before choosing freshly,
  // so a campaign can extend a run that reached something new.
  // `salt` reseeds the stream for the choices after the prefix, so extensions of one prefix differ.
  void set_prefix(const std::vector<uint16_t>* prefix, uint64_t salt) {
    prefix_ = prefix;
    pos_ = 0;
    rng_.reseed(mix64(salt ^ 0x636f'7270'7573ull));
  }

  void start_replay(const std::vector<uint16_t>* script) {
    kind_ = StrategyKind::kReplay;
    prefix_ = nullptr;
    arm_ppm_ = 0;
    script_ = script;
    pos_ = 0;
    recorded_.clear();
    diverged_ = false;
  }

  // PCT (Burckhardt et al., ASPLOS 2010): random task priorities; the machine runs the vCPU whose
  // task has the highest; at depth-1 random change points among the first `steps` steps, the
  // running task is preempted and drops below every initial priority. Other choices (interrupts,
  // migration, drains) stay random with `knobs`.
  void start_pct(uint64_t seed, const RandomKnobs& knobs, int depth, uint64_t steps) {
    start_random(seed, knobs);
    kind_ = StrategyKind::kPct;
    depth_ = depth;
    prio_.clear();
    change_points_.clear();
    for (int i = 1; i < depth; ++i) change_points_.push_back(1 + rng_.next() % (steps ? steps : 1));
    std::sort(change_points_.begin(), change_points_.end());
    next_change_ = 0;
  }
  bool pct() const { return kind_ == StrategyKind::kPct; }
  bool bounded() const { return kind_ == StrategyKind::kExplore && event_bound_ != UINT32_MAX; }
  int64_t pct_priority(int pid) {
    if (pid < 0) return INT64_MIN;
    if (size_t(pid) >= prio_.size()) prio_.resize(size_t(pid) + 1, 0);
    if (prio_[size_t(pid)] == 0) prio_[size_t(pid)] = depth_ + 1 + int64_t(rng_.next() >> 2);
    return prio_[size_t(pid)];
  }
  // True once at each change point (steps are visited in increasing order).
  bool pct_change_point(uint64_t step) {
    if (next_change_ < change_points_.size() && step >= change_points_[next_change_]) {
      ++next_change_;
      return true;
    }
    return false;
  }
  void pct_lower(int pid) {
    pct_priority(pid);
    if (pid >= 0) prio_[size_t(pid)] = depth_ - int64_t(next_change_);
  }
  // A choice the machine made itself (PCT), recorded so a replay makes it again.
  uint32_t record(uint32_t v) {
    recorded_.push_back(uint16_t(v));
    if (kind_ == StrategyKind::kExplore) {  // keep the explorer's values, arities and prefix aligned
      arities_.push_back(1);
      ++pos_;
    }
    return v;
  }

  // Exhaustive exploration (the explorer drives it): choices of the kinds in `mask` follow
  // `prefix` and then take 0, and their arities are recorded so the explorer can backtrack;
  // choices of other kinds are always 0 and not recorded.
  // `event_bound` (bounded:K): once a run has made that many non-zero choices, the rest are
  // recorded with arity 1, so the walk covers exactly the schedules with at most K events.
  void start_explore(const std::vector<uint16_t>* prefix, uint32_t mask, uint32_t event_bound = UINT32_MAX) {
    kind_ = StrategyKind::kExplore;
    prefix_ = nullptr;
    arm_ppm_ = 0;
    script_ = prefix;
    mask_ = mask;
    event_bound_ = event_bound;
    events_ = 0;
    pos_ = 0;
    recorded_.clear();
    arities_.clear();
    diverged_ = false;
  }

  // n >= 2. `armed`: the site of this choice is armed (arm runs only).
  [[gnu::always_inline]] uint32_t choose(Choice c, uint32_t n, bool armed = false) {
    uint32_t v;
    switch (kind_) {
      case StrategyKind::kRandom:
      case StrategyKind::kPct:
        v = prefix_ ? prefix_or_random(c, n, false) : random_choice(c, n);
        break;
      case StrategyKind::kArm: v = prefix_or_random(c, n, armed); break;
      case StrategyKind::kExplore:
        if ((mask_ & choice_bit(c)) == 0) return 0;
        if (events_ >= event_bound_) n = 1;  // budget spent: no alternatives from here on
        v = n < 2 ? (++pos_, 0) : replay_choice(n);
        events_ += v != 0;
        arities_.push_back(uint16_t(n));
        break;
      case StrategyKind::kReplay:
      default: v = replay_choice(n); break;
    }
    recorded_.push_back(uint16_t(v));
    return v;
  }

  const std::vector<uint16_t>& arities() const { return arities_; }

  const std::vector<uint16_t>& recorded() const { return recorded_; }
  bool diverged() const { return diverged_; }
  // Replay only: how many recorded choices were consumed.
  size_t consumed() const { return pos_; }
  StrategyKind kind() const { return kind_; }

 private:
  uint32_t random_choice(Choice c, uint32_t n) {
    switch (c) {
      case Choice::kCpu: return rng_.chance_ppm(knobs_.switch_ppm) ? 1 + rng_.below(n - 1) : 0;
      case Choice::kIrq: return rng_.chance_ppm(knobs_.irq_ppm) ? 1 : 0;
      case Choice::kPreempt: return rng_.chance_ppm(knobs_.preempt_ppm) ? 1 : 0;
      case Choice::kMigrate: return rng_.chance_ppm(knobs_.migrate_ppm) ? 1 + rng_.below(n - 1) : 0;
      case Choice::kDrain: return rng_.chance_ppm(knobs_.drain_ppm) ? 1 + rng_.below(n - 1) : 0;
      case Choice::kDrainEntry: return rng_.below(n);
      case Choice::kStall: return 0;  // only armed sites stall
    }
    return 0;
  }

  // Random and arm runs with a corpus prefix: its choices first (a value that no longer fits is 0).
  [[gnu::noinline]] uint32_t prefix_or_random(Choice c, uint32_t n, bool armed) {
    if (prefix_ && pos_ < prefix_->size()) {
      uint32_t v = (*prefix_)[pos_++];
      return v < n ? v : 0;
    }
    return armed ? armed_choice(c, n) : random_choice(c, n);
  }
  uint32_t armed_choice(Choice c, uint32_t n) {
    if (c == Choice::kCpu || c == Choice::kDrainEntry) return random_choice(c, n);
    return rng_.chance_ppm(fire_ppm_) ? 1 + rng_.below(n - 1) : 0;  // kStall: log-uniform length
  }
  static uint64_t mix64(uint64_t z) {  // splitmix64's finaliser
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  uint32_t replay_choice(uint32_t n) {
    if (pos_ >= script_->size()) {
      ++pos_;
      return 0;
    }
    uint32_t v = (*script_)[pos_++];
    if (v >= n) {
      diverged_ = true;
      return 0;
    }
    return v;
  }

  StrategyKind kind_ = StrategyKind::kRandom;
  Prng rng_;
  RandomKnobs knobs_;
  const std::vector<uint16_t>* script_ = nullptr;
  uint32_t mask_ = 0;
  uint32_t event_bound_ = UINT32_MAX;
  uint32_t events_ = 0;
  size_t pos_ = 0;
  std::vector<uint16_t> arities_;
  int depth_ = 1;
  std::vector<int64_t> prio_;  // by pid
  std::vector<uint64_t> change_points_;
  size_t next_change_ = 0;
  uint64_t arm_salt_ = 0;
  uint32_t arm_ppm_ = 0, fire_ppm_ = 0;
  const std::vector<uint16_t>* prefix_ = nullptr;
  bool diverged_ = false;
  std::vector<uint16_t> recorded_;
};

}  // namespace hazsim
