#include "explore/dpor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "explore/decision_source.h"

namespace hazsim {

namespace {
uint64_t bit(uint32_t v) { return uint64_t(1) << v; }
uint32_t lowest(uint64_t m) { return uint32_t(__builtin_ctzll(m)); }
}  // namespace

void DporExplorer::start_run() {
  pos_ = 0;
  prefix_nodes_ = nodes_.size();
  last_sched_ = -1;
  trans_.clear();
  fps_.clear();
  for (SpinState& s : spin_) s = SpinState{};
  sleep_.clear();
  retired_ = 0;
  sleep_blocked_ = false;
  blocked_at_ = SIZE_MAX;
  timed_ = false;
  too_long_ = false;
  exhausted_ = false;
  cost_ = 0;
}

uint32_t DporExplorer::fail(const std::string& why) {
  if (error_.empty()) error_ = why;
  return 0;
}

DporExplorer::SpinState& DporExplorer::spin(int agent) {
  if (size_t(agent) >= spin_.size()) spin_.resize(size_t(agent) + 1);
  return spin_[size_t(agent)];
}

uint32_t DporExplorer::cost(const Node& nd, uint32_t v) const {
  if (v == 0) return 0;
  if (!nd.sched) return nd.eventful ? 1 : 0;
  if (nd.free_switch) return 0;
  if (nd.enabled & 1) return 1;  // a drain taken early too, as bounded:K counts it
  // At smp_mb() with stores buffered, the vCPU waits for its own buffer: draining it is the way on.
  if (nd.zero_waits) return agents_[nd.agents_at + v] == kBufferAgent + agents_[nd.agents_at] ? 0 : 1;
  return 0;  // it waits in a spin for a write: another must run
}

uint32_t DporExplorer::free_value(const Node& nd, const std::vector<int>& agents) const {
  for (int a : agents) {
    const uint32_t v = value_of(nd, a);
    if (v != UINT32_MAX && (nd.enabled >> v & 1) && cost(nd, v) == 0) return v;
  }
  return UINT32_MAX;
}

int DporExplorer::block_start(int node) const {
  for (int k = node; k >= 0; --k) {
    const Node& nd = nodes_[size_t(k)];
    if (nd.sched && nd.chosen != 0 && agents_[nd.agents_at + nd.chosen] < kBufferAgent) return k;
  }
  return -1;
}

uint32_t DporExplorer::choose_agent(const int* agents, uint32_t n, bool yield, uint64_t disabled, bool free) {
  if (!error_.empty()) return 0;
  if (n > kMaxArity) return fail(fmt::format("dpor: a vCPU choice among {} (at most {})", n, kMaxArity));
  uint32_t v;
  if (pos_ < prefix_nodes_) {
    const Node& nd = nodes_[pos_];
    bool same = nd.sched && nd.n == n;
    for (uint32_t i = 0; same && i < n; ++i) same = agents_[nd.agents_at + i] == agents[i];
    if (!same) return fail(fmt::format("dpor: run {} did not repeat its prefix at choice {} (the test is not deterministic)",
                                       runs_ + 1, pos_));
    v = nd.chosen;
    cost_ += cost(nd, v);
    retire_transitions();
    if (pos_ + 1 == prefix_nodes_) {  // the node this run explores anew: its done values sleep
      sleep_ = nd.sleep_in;
      sleep_.insert(sleep_.end(), nd.explored.begin(), nd.explored.end());
    }
  } else {
    retire_transitions();
    Node nd;
    nd.sched = true;
    nd.free_switch = free || yield;
    nd.zero_waits = (disabled & 1) != 0;
    nd.sleep_in = sleep_;
    nd.n = uint8_t(n);
    nd.agents_at = uint32_t(agents_.size());
    for (uint32_t i = 0; i < n; ++i) {
      agents_.push_back(int16_t(agents[i]));
      if (!spin(agents[i]).blocked && !(disabled & bit(i))) nd.enabled |= bit(i);
    }
    nd.agents_end = uint32_t(agents_.size());
    if (nd.enabled == 0) {  // every vCPU waits for a write nobody will make: let them spin
      for (uint32_t i = 0; i < n; ++i) spin(agents[i]).blocked = false;
      nd.enabled = (n == 64 ? ~uint64_t(0) : bit(n) - 1) & ~disabled;
      if (nd.enabled == 0) return fail("dpor: no agent may run (every vCPU waits at smp_mb() and no buffer drains)");
    }
    uint64_t awake = nd.enabled;
    for (const Sleeper& s : sleep_) {
      uint32_t sv = value_of_agents(agents, n, s.agent);
      if (sv != UINT32_MAX) awake &= ~bit(sv);
    }
    if (awake == 0 && !sleep_blocked_) {  // every schedule from here is equivalent to one run before
      sleep_blocked_ = true;
      blocked_at_ = trans_.size();
    }
    uint64_t from = awake != 0 ? awake : nd.enabled;
    if (yield && (from & ~uint64_t(1)) != 0) from &= ~uint64_t(1);
    v = (from & 1) ? 0 : lowest(from);  // stay on the running vCPU if it may
    // At smp_mb() with stores buffered, its own buffer drains and it goes on: the first run of a
    // branch is the one without a preemption, as elsewhere (the variants of the classic test are
    // found in 8-27 runs under tso, not 2-154; exhausting it takes 346, not 269).
    if (nd.zero_waits) {
      const uint32_t own = value_of_agents(agents, n, kBufferAgent + agents[0]);
      if (own != UINT32_MAX && (from >> own & 1)) v = own;
    }
    // Over the bound: a value that costs nothing (the running vCPU, or the waiting fence's own
    // buffer). Under a bound nothing sleeps (finish_run()), so it is never a sleeper's.
    if (bound_ != kUnbounded && cost_ + cost(nd, v) > bound_) {
      uint32_t best = UINT32_MAX;
      for (uint64_t m = nd.enabled; m != 0 && best == UINT32_MAX; m &= m - 1)
        if (cost(nd, lowest(m)) == 0) best = lowest(m);
      v = best != UINT32_MAX ? best : v;
    }
    cost_ += cost(nd, v);
    nd.chosen = uint8_t(v);
    nd.done = bit(v);
    nodes_.push_back(nd);
  }
  last_sched_ = int(pos_++);
  spin(agents[v]).blocked = false;  // it runs (chosen while blocked only when all were)
  std::erase_if(sleep_, [&](const Sleeper& s) { return s.agent == agents[v]; });
  Transition t;
  t.agent = agents[v];
  t.node = last_sched_;
  t.chosen = true;
  t.fp_begin = t.fp_end = uint32_t(fps_.size());
  if (trans_.size() < kMaxTransitions) trans_.push_back(t);
  else too_long_ = true;
  return v;
}

uint32_t DporExplorer::choose_data(uint32_t n, bool eventful) {
  if (!error_.empty()) return 0;
  if (n > kMaxArity) return fail(fmt::format("dpor: a choice among {} alternatives (at most {})", n, kMaxArity));
  if (pos_ < prefix_nodes_) {
    const Node& nd = nodes_[pos_];
    if (nd.sched || nd.n != n)
      return fail(fmt::format("dpor: run {} did not repeat its prefix at choice {} (the test is not deterministic)",
                              runs_ + 1, pos_));
    if (pos_ + 1 == prefix_nodes_) sleep_ = nd.sleep_in;
    ++pos_;
    if (!trans_.empty()) trans_.back().data = true;
    cost_ += cost(nd, nd.chosen);
    return nd.chosen;
  }
  Node nd;
  nd.n = uint8_t(n);
  nd.eventful = eventful;
  nd.done = 1;
  // Every other value, in turn; none once the run is redundant.
  nd.todo = sleep_blocked_ ? 0 : (n == 64 ? ~uint64_t(0) : bit(n) - 1) & ~uint64_t(1);
  nd.sleep_in = sleep_;
  if (!trans_.empty()) trans_.back().data = true;
  nd.agents_end = uint32_t(agents_.size());
  nodes_.push_back(nd);
  ++pos_;
  return 0;
}

DporExplorer::Transition& DporExplorer::current(int agent) {
  if (!trans_.empty() && trans_.back().agent == agent) return trans_.back();
  if (trans_.size() >= kMaxTransitions) {
    too_long_ = true;
    overflow_.fp_begin = overflow_.fp_end = uint32_t(fps_.size());
    return overflow_;
  }
  // The vCPU changed without a choice (an idle vCPU handing over, the main loop): a transition
  // of the new one, placed at the latest choice.
  Transition t;
  t.agent = agent;
  t.node = last_sched_;
  t.fp_begin = t.fp_end = uint32_t(fps_.size());
  trans_.push_back(t);
  return trans_.back();
}

void DporExplorer::note(int agent, uintptr_t addr, size_t size, bool write, bool waits) {
  Transition& t = current(agent);
  Footprint f{addr, addr + (size == 0 ? 1 : size), write, waits};
  if (&t != &overflow_) {
    fps_.push_back(f);
    t.fp_end = uint32_t(fps_.size());
  }
  SpinState& s = spin(agent);
  if (write) {
    // A strong fence's propagation (weak) changes nothing when the loop repeats it: the spin
    // stays a spin.
    if (addr != kPropagatedLoc) s.pure = false;
    unblock_after_write(f);
  } else if (s.pure) {
    if (s.reads.size() < 16) s.reads.push_back(f);
    else s.pure = false;
  }
}

void DporExplorer::note_global(int agent) {
  current(agent).global = true;
  spin(agent).pure = false;
  for (SpinState& s : spin_) s.blocked = false;
}

void DporExplorer::note_relax(int agent) {
  SpinState& s = spin(agent);
  current(agent);
  if (s.pure && !s.reads.empty()) {
    s.blocked = true;
    s.waits = s.reads;
  }
  s.pure = true;
  s.reads.clear();
}

void DporExplorer::unblock_after_write(const Footprint& f) {
  for (SpinState& s : spin_) {
    if (!s.blocked) continue;
    for (const Footprint& w : s.waits)
      if (w.lo < f.hi && f.lo < w.hi) {
        s.blocked = false;
        break;
      }
  }
}

int DporExplorer::conflict(const Transition& a, const Transition& b) const {
  if (broken_) return 0;
  if (a.global || b.global || all_dependent_) return 2;
  int c = 0;
  for (uint32_t i = a.fp_begin; i < a.fp_end; ++i)
    for (uint32_t j = b.fp_begin; j < b.fp_end; ++j) {
      const Footprint &x = fps_[i], &y = fps_[j];
      if ((x.write || y.write) && x.lo < y.hi && y.lo < x.hi) {
        if (!y.waits) return 2;
        c = 1;
      }
    }
  return c;
}

uint32_t DporExplorer::value_of(const Node& n, int agent) const {
  return value_of_agents(&agents_[n.agents_at], n.n, agent);
}

bool DporExplorer::wakes(const Sleeper& s, const Transition& t) const {
  if (s.agent == t.agent || s.global || t.global || all_dependent_) return true;
  if (broken_) return false;
  for (const Footprint& x : s.fps)
    for (uint32_t j = t.fp_begin; j < t.fp_end; ++j) {
      const Footprint& y = fps_[j];
      if ((x.write || y.write) && x.lo < y.hi && y.lo < x.hi) return true;
    }
  return false;
}

void DporExplorer::retire_transitions() {
  for (; retired_ < trans_.size(); ++retired_) {
    const Transition& t = trans_[retired_];
    std::erase_if(sleep_, [&](const Sleeper& s) { return wakes(s, t); });
  }
}

// What choosing node k's value did, up to the next choice: the chosen agent's transition and
// any it forced (a fence's drains are its buffer's transitions). Unknown if a data choice was
// made in between (another value would have done something else).
bool DporExplorer::sleeper_at(size_t k, Sleeper* s) const {
  s->agent = -1;
  for (const Transition& t : trans_) {
    if (t.node != int(k)) continue;
    if (t.chosen) s->agent = t.agent;
    if (t.data) return false;
    s->global = s->global || t.global;
    s->fps.insert(s->fps.end(), fps_.begin() + t.fp_begin, fps_.begin() + t.fp_end);
  }
  return s->agent >= 0;
}

// Source-DPOR's step for one race: unless the backtrack set of the node before the first
// transition already holds an initial of the reversed order, add one (the second transition's
// vCPU when it is one), or every enabled vCPU if no initial may run there.
void DporExplorer::add_backtrack(int node, const std::vector<int>& initials, int preferred, bool conservative) {
  Node& nd = nodes_[size_t(node)];
  const uint64_t backtrack = nd.done | nd.todo;
  auto asleep = [&](int a) {
    for (const Sleeper& s : nd.sleep_in)
      if (s.agent == a) return true;
    return false;
  };
  // An initial asleep here is one whose branch was run before: prefer one awake (an initial whose
  // first transition touches nothing is asleep for good, and would reverse nothing).
  uint32_t pick = UINT32_MAX;
  int rank = -1;
  for (int a : initials) {
    uint32_t v = value_of(nd, a);
    if (v == UINT32_MAX) continue;
    if (backtrack & bit(v)) return;
    if (!(nd.enabled & bit(v))) continue;
    const int r = (asleep(a) ? 0 : 2) + (a == preferred ? 1 : 0);
    if (r > rank) rank = int(r), pick = v;
  }
  if (pick != UINT32_MAX) nd.todo |= bit(pick);
  else if (!conservative) nd.todo |= nd.enabled & ~nd.done;
}

// Happens-before over this run's transitions (program order of a vCPU and dependence, closed
// transitively), as one bitset row per transition. A race is a dependent pair of transitions
// of two vCPUs ordered by nothing else; races whose later transition is new in this run (at
// or after `from`) are reversed.
void DporExplorer::analyse_races(size_t from, size_t n) {
  const size_t words = (n + 63) / 64;
  hb_.assign(n * words, 0);
  std::vector<int> last_of;
  std::vector<size_t> preds, deps;
  std::vector<int> initials;
  auto row = [&](size_t k) { return &hb_[k * words]; };
  auto hb = [&](size_t a, size_t b) { return (row(b)[a / 64] >> (a % 64)) & 1; };  // a -> b
  for (size_t j = 0; j < n; ++j) {
    const Transition& tj = trans_[j];
    if (size_t(tj.agent) >= last_of.size()) last_of.resize(size_t(tj.agent) + 1, -1);
    preds.clear();
    deps.clear();
    if (last_of[size_t(tj.agent)] >= 0) preds.push_back(size_t(last_of[size_t(tj.agent)]));
    for (size_t i = 0; i < j; ++i) {
      if (trans_[i].agent == tj.agent) continue;
      const int c = conflict(trans_[i], tj);
      if (c != 0) preds.push_back(i);
      if (c == 2) deps.push_back(i);
    }
    uint64_t* rj = row(j);
    for (size_t k : preds) {
      const uint64_t* rk = row(k);
      for (size_t w = 0; w < words; ++w) rj[w] |= rk[w];
      rj[k / 64] |= uint64_t(1) << (k % 64);
    }
    last_of[size_t(tj.agent)] = int(j);
    if (j < from) continue;
    for (size_t i : deps) {
      bool direct = true;
      for (size_t k : preds)
        if (k != i && hb(i, k)) {
          direct = false;
          break;
        }
      if (!direct || trans_[i].node < 0) continue;
      // The reversed order starts with the transitions between i and j that do not follow i,
      // then j: its initials are those with no predecessor among them.
      initials.clear();
      std::vector<size_t> v;
      for (size_t k = i + 1; k < j; ++k)
        if (!hb(i, k)) v.push_back(k);
      v.push_back(j);
      for (size_t a = 0; a < v.size(); ++a) {
        bool first = true;
        for (size_t b = 0; b < a && first; ++b) first = !hb(v[b], v[a]);
        if (first) initials.push_back(trans_[v[a]].agent);
      }
      add_backtrack(trans_[i].node, initials, tj.agent);
      if (bound_ != kUnbounded && !naive_bound_) {
        // BPOR: also where i's vCPU was switched to, and at the latest choice between there and
        // i where an initial may run for free (a spinning or idle vCPU's, a fence's wait).
        const int b = block_start(trans_[i].node);
        for (int k = trans_[i].node - 1; k > b; --k) {
          Node& nd = nodes_[size_t(k)];
          const uint32_t v = nd.sched ? free_value(nd, initials) : UINT32_MAX;
          if (v == UINT32_MAX) continue;
          nd.todo |= bit(v);  // a value done already stays done (finish_run() takes todo & ~done)
          break;
        }
        if (b >= 0 && b != trans_[i].node) add_backtrack(b, initials, tj.agent, true);
      }
    }
  }
}

bool DporExplorer::finish_run() {
  ++runs_;
  timed_runs_ += timed_;
  if (!error_.empty()) return false;
  if (too_long_)
    return fail(fmt::format("dpor: a run took more than {} transitions; dpor is for small tests "
                            "(use bounded:K or fuzz for this one)", kMaxTransitions)),
           false;
  // Transitions before the node this run chose anew were analysed by the runs before.
  int first_new = -1;
  for (size_t k = prefix_nodes_; k-- > 0;)
    if (nodes_[k].sched) {
      first_new = int(k);
      break;
    }
  size_t from = 0;
  if (prefix_nodes_ != 0)
    while (from < trans_.size() && trans_[from].node < first_new) ++from;
  if (sleep_blocked_) ++redundant_;
  analyse_races(from, std::min(blocked_at_, trans_.size()));  // a redundant run, up to where it became so
  if (bound_ != kUnbounded) {  // each node's preemptions before it
    before_.assign(nodes_.size() + 1, 0);
    for (size_t k = 0; k < nodes_.size(); ++k) before_[k + 1] = before_[k] + cost(nodes_[k], nodes_[k].chosen);
  }
  for (size_t k = nodes_.size(); k-- > 0;) {
    Node& nd = nodes_[k];
    if (nd.sched)  // a vCPU asleep here needs no branch of its own
      for (const Sleeper& s : nd.sleep_in) {
        uint32_t sv = value_of(nd, s.agent);
        if (sv != UINT32_MAX) nd.todo &= ~bit(sv);
      }
    if (bound_ != kUnbounded)
      for (uint64_t m = nd.todo & ~nd.done; m != 0; m &= m - 1)
        if (before_[k] + cost(nd, lowest(m)) > bound_) {
          nd.todo &= ~bit(lowest(m));
          pruned_ = true;
        }
    const uint64_t left = nd.todo & ~nd.done;
    if (left == 0) continue;
    // The value done last sleeps in the next branches (if what it did is known). Not under a
    // bound: an equivalent schedule run before may have needed more preemptions than this branch.
    if (nd.sched && bound_ == kUnbounded) {
      Sleeper s;
      if (sleeper_at(k, &s)) nd.explored.push_back(std::move(s));
    }
    const uint32_t v = lowest(left);
    nd.todo &= ~bit(v);
    nd.done |= bit(v);
    nd.chosen = uint8_t(v);
    nodes_.resize(k + 1);
    agents_.resize(nodes_[k].agents_end);
    return true;
  }
  exhausted_ = true;
  return false;
}

ExploreResult explore_dpor(DecisionSource& d, uint64_t max_runs, const std::function<void()>& run_once,
                           const std::function<bool()>& stop, uint32_t bound) {
  DporExplorer& x = d.dpor_explorer();
  ExploreResult r;
  uint64_t redundant = 0, timed = 0;  // of the searches before this one
  for (uint32_t b = bound == DporExplorer::kUnbounded ? bound : 0;; ++b) {
    x.reset(b);
    r.bound = b;
    for (;;) {
      if (r.runs >= max_runs) return r;
      if (stop && stop()) {
        r.stopped = true;
        return r;
      }
      run_once();
      ++r.runs;
      const bool more = x.finish_run();
      r.redundant = redundant + x.redundant();
      r.timed = timed + x.timed_runs();
      if (more) continue;
      r.error = x.error();
      r.pruned = x.pruned();
      if (!r.error.empty() || !x.exhausted()) return r;
      break;
    }
    redundant = r.redundant;
    timed = r.timed;
    if (!r.pruned || b >= bound) {  // nothing left out, or the bound asked for is searched
      r.exhausted = true;
      return r;
    }
  }
}

}  // namespace hazsim
