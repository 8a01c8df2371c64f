// Strategy `dpor`: exhaustive search with partial-order reduction. It runs one schedule per
// Mazurkiewicz trace (at least one, usually one) instead of every interleaving: source-DPOR
// (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014) over the machine's vCPU choice, with sleep sets,
// stateless (each run replays a prefix of choices and continues).
//
// - An agent is a vCPU, or under tso, pso and weak a vCPU's store buffer (Abdulla, Atig, Jonsson,
//   Leonardsson, TACAS 2015): a drain is always its buffer's event, whoever caused it. A
//   transition is what one agent does from one choice of agent to the next: a vCPU's pending
//   access and whatever follows on it, or one drain.
// - Two transitions are dependent when they touch the same bytes and one writes, when both touch
//   one store buffer (a location of its own), or when one changed scheduler state (a wakeup, a
//   migration, an interrupt, a timer): those are dependent with everything. The machine reports
//   what each transition touched (note(); sched/dpor_notes.cc).
// - The machine's other choices (the weak model's read-from, pso's choice of entry, interrupts,
//   preemptions, migrations) are explored exhaustively wherever they are offered: every value of
//   each, in each transition DPOR runs. That is complete; it is not reduced.
// - A spin-wait hint (cpu_relax) after an iteration that only loaded blocks its vCPU until some
//   transition writes what the iteration read (GenMC's spin-assume): another iteration would read
//   the same values and do the same. If every vCPU is blocked, all are unblocked (a livelock is
//   then run to the machine's own step limit, as any strategy would).
// - With a bound (`dpor:K`) the search keeps to schedules with at most K preemptions: a switch
//   away from a vCPU that could go on or a store drained early, an interrupt, a kernel
//   preemption or a migration taken. A switch away from a vCPU that spins, idles or is blocked is
//   free, and so is the drain of its own buffer by a vCPU waiting at smp_mb(). Pruning DPOR's
//   backtracking by a bound alone loses schedules within it (Coons, Musuvathi, McKinley,
//   "Bounded partial-order reduction", OOPSLA 2013): each reversal is also tried where the
//   earlier transition's vCPU was last switched to and at the latest choice before it where an
//   initial costs nothing; and sleep sets are off (what a sleeper stands for may have been run
//   only with more preemptions).
// The reduction is checked in tests/dpor_test.cc: every litmus test's final states under every
// memory model equal exhaustive enumeration's, a broken dependency relation is caught there, and
// with a bound K the states are those of every schedule with at most K preemptions.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "explore/bounded.h"

namespace hazsim {

class DporExplorer {
 public:
  static constexpr size_t kMaxTransitions = 4096;  // per run: the race analysis is quadratic
  static constexpr uint32_t kMaxArity = 64;
  // The agent that is vCPU i's store buffer (tso, pso, weak).
  static constexpr int kBufferAgent = 128;
  // A location that is not memory: vCPU i's store buffer.
  static constexpr uintptr_t kBufferBase = ~uintptr_t(0) - 256;
  // The tail of vCPU i's FIFO buffer (tso): appended to, never drained from.
  static constexpr uintptr_t kBufferTailBase = kBufferBase - 128;
  // Nor is the allocator's state: which block the next allocation returns.
  static constexpr uintptr_t kAllocatorLoc = kBufferBase - 136;
  // Nor the weak model's record of what strong fences propagated to every vCPU.
  static constexpr uintptr_t kPropagatedLoc = kBufferBase - 144;

  static constexpr uint32_t kUnbounded = UINT32_MAX;

  // A new search: forgets every earlier run. `bound`: at most this many preemptions a schedule.
  void reset(uint32_t bound = kUnbounded) {
    nodes_.clear();
    agents_.clear();
    runs_ = redundant_ = timed_runs_ = 0;
    error_.clear();
    bound_ = bound;
    pruned_ = false;
  }
  // Before each run: the prefix is the nodes kept from the last one.
  void start_run();

  // A choice of agent: agents[v] is the vCPU (or store buffer) value v runs (n >= 2); value 0 is
  // the running vCPU. A new branch stays on it, unless `yield` (it spins: cpu_relax()), so that
  // the first schedule of a branch lets a spinner's waitee run, as hardware would. `disabled`:
  // values whose agent may not run now (a vCPU at smp_mb() with stores buffered). `free`: the
  // running vCPU spins or idles, so a switch away from it is no preemption.
  uint32_t choose_agent(const int* agents, uint32_t n, bool yield = false, uint64_t disabled = 0, bool free = false);
  // Any other choice of the machine: explored exhaustively. What a non-zero value does to
  // scheduler state (an interrupt, a preemption, a migration) the machine reports as global;
  // `eventful`: a non-zero value counts against the bound (those three; not a memory model's).
  uint32_t choose_data(uint32_t n, bool eventful = false);

  // What the running transition touched; `agent` is the vCPU it ran on.
  // `waits`: see Footprint.
  void note(int agent, uintptr_t addr, size_t size, bool write, bool waits = false);
  // A write of the buffer's state: by its vCPU (an append to it empty, pso's smp_wmb()) or by its
  // agent (a drain, which waits for the append).
  void note_buffer(int agent, int buffer_cpu) {
    note(agent, kBufferBase + uintptr_t(buffer_cpu), 1, true, agent >= kBufferAgent);
  }
  void note_global(int agent);
  // A spin-wait hint by `agent`'s vCPU.
  void note_relax(int agent);
  // A timer or the scheduler tick fired in this run (virtual time: see timed_runs()).
  void note_timer() { timed_ = true; }

  // After a run: finds its races, adds their reversals to the choices to explore, and sets the
  // next run's prefix. False when the search is over: exhausted(), or error() says why not.
  bool finish_run();
  bool exhausted() const { return exhausted_; }
  const std::string& error() const { return error_; }
  uint64_t runs() const { return runs_; }
  // Runs that found every vCPU asleep (equivalent to one run before): run to their end, not
  // analysed.
  uint64_t redundant() const { return redundant_; }
  // Runs in which a timer or the tick fired. Virtual time advances with every step, so where a
  // timer lands differs between equivalent schedules: for these runs the reduction is not exact.
  uint64_t timed_runs() const { return timed_runs_; }

  // The bound has left out a schedule (so exhausted() is within the bound only).
  bool pruned() const { return pruned_; }
  // The preemptions of the run so far (of the last run, after it).
  uint32_t preemptions() const { return cost_; }

  // Tests only: pretend no two transitions are dependent (must lose outcomes).
  void break_dependency_for_test(bool on) { broken_ = on; }
  // Tests only: every two transitions are dependent (every interleaving runs: the reference).
  void all_dependent_for_test(bool on) { all_dependent_ = on; }
  // Tests only: prune by the bound without BPOR's extra reversals (must lose states).
  void naive_bound_for_test(bool on) { naive_bound_ = on; }

 private:
  struct Footprint {
    uintptr_t lo, hi;  // [lo, hi)
    bool write;
    // The transition cannot run before an earlier one it conflicts with here: a drain waits for
    // its store to be buffered, a barrier for the drains. Ordered (happens-before), never a race
    // to reverse: the reversal is a schedule no run can take, and looking for one wastes runs.
    bool waits = false;
  };
  struct Transition {
    int agent = -1;
    int node = -1;  // the last vCPU choice before it (-1: none)
    uint32_t fp_begin = 0, fp_end = 0;
    bool global = false;
    bool chosen = false;  // begun by a vCPU choice (else the vCPU changed without one)
    bool data = false;    // a data choice was made inside it
  };
  // A vCPU whose transition from a node was explored already: asleep in the node's later
  // branches until a transition dependent with that one runs (Godefroid's sleep sets).
  struct Sleeper {
    int agent = -1;
    bool global = false;
    std::vector<Footprint> fps;
  };
  struct Node {
    bool sched = false;   // a vCPU choice (else a data choice, explored exhaustively)
    uint8_t n = 0;        // alternatives
    uint8_t chosen = 0;   // the value this run takes
    uint64_t enabled = 0; // sched: values whose vCPU is not blocked by a spin
    uint64_t todo = 0;    // values still to run from this node (backtrack set minus done)
    uint64_t done = 0;    // values run from it
    uint32_t agents_at = 0;  // sched: agents_[agents_at + v]
    uint32_t agents_end = 0; // agents_'s size after this node
    bool free_switch = false;  // sched: a switch away from value 0 is no preemption (it spins, idles)
    bool eventful = false;     // data: a non-zero value is a preemption (an interrupt, ...)
    bool zero_waits = false;   // sched: value 0 waits at smp_mb() for its buffer to drain
    std::vector<Sleeper> sleep_in;  // sched: asleep when the run reached it
    std::vector<Sleeper> explored;  // sched: the transitions of the values done, where known
  };
  struct SpinState {
    bool pure = true;  // this iteration only loaded
    bool blocked = false;
    std::vector<Footprint> reads;  // this iteration's loads
    std::vector<Footprint> waits;  // blocked: until one of these is written
  };

  uint32_t fail(const std::string& why);
  // What taking value v at nd adds to a schedule's preemptions (0 or 1).
  uint32_t cost(const Node& nd, uint32_t v) const;
  // The latest vCPU choice at or before `node` that switched vCPUs, or -1.
  int block_start(int node) const;
  // The value of the first of `agents` that may run at nd at no cost, or UINT32_MAX.
  uint32_t free_value(const Node& nd, const std::vector<int>& agents) const;
  Transition& current(int agent);
  SpinState& spin(int agent);
  // For a earlier than b: 0 independent, 1 ordered only (b waits for a: Footprint::waits), 2 a race.
  int conflict(const Transition& a, const Transition& b) const;
  bool wakes(const Sleeper& s, const Transition& t) const;
  void retire_transitions();  // sleepers woken by the transitions run since the last call
  bool sleeper_at(size_t node, Sleeper* s) const;
  void analyse_races(size_t from, size_t n);  // transitions [0, n)
  // `conservative` (BPOR's extra reversal): only an initial that may run there, nothing otherwise.
  void add_backtrack(int node, const std::vector<int>& initials, int preferred, bool conservative = false);
  void unblock_after_write(const Footprint& f);
  uint32_t value_of(const Node& n, int agent) const;
  // The value that runs `agent` among agents[0, n) (a node's int16_t or a choice's int), or UINT32_MAX.
  template <class A>
  static uint32_t value_of_agents(const A* agents, uint32_t n, int agent) {
    for (uint32_t v = 0; v < n; ++v)
      if (agents[v] == agent) return v;
    return UINT32_MAX;
  }

  std::vector<Node> nodes_;
  std::vector<int16_t> agents_;
  size_t pos_ = 0;            // the next node of this run
  size_t prefix_nodes_ = 0;   // nodes this run replays
  int last_sched_ = -1;       // the node of the latest vCPU choice
  std::vector<Transition> trans_;
  std::vector<Footprint> fps_;
  std::vector<SpinState> spin_;
  std::vector<Sleeper> sleep_;   // asleep now
  size_t retired_ = 0;           // transitions already checked against sleep_
  bool sleep_blocked_ = false;   // this run found every enabled vCPU asleep
  size_t blocked_at_ = SIZE_MAX;  // ... before this transition
  uint64_t redundant_ = 0;
  bool timed_ = false;
  uint64_t timed_runs_ = 0;
  bool too_long_ = false;
  bool exhausted_ = false;
  bool broken_ = false;
  bool all_dependent_ = false;
  bool naive_bound_ = false;
  uint32_t bound_ = kUnbounded;
  uint32_t cost_ = 0;    // preemptions so far in this run
  bool pruned_ = false;
  uint64_t runs_ = 0;
  std::string error_;
  Transition overflow_;        // where a run past kMaxTransitions notes what it touches
  std::vector<uint64_t> hb_;  // scratch: happens-before bitsets, one row per transition
  std::vector<uint32_t> before_;  // scratch: preemptions before each node
};

// The search: run_once() must set the machine up, call d.start_dpor() and run it; `stop` (may
// be empty) is asked before every run. Exhausted when every reversal was run; error when the
// search could not go on. With a bound K, searches with bounds 0, 1, ... K in turn (iterative
// deepening, as CHESS: a bug needing few preemptions is met early), and stops at the first that
// left nothing out (then the whole space is exhausted).
ExploreResult explore_dpor(DecisionSource& d, uint64_t max_runs, const std::function<void()>& run_once,
                           const std::function<bool()>& stop = nullptr,
                           uint32_t bound = DporExplorer::kUnbounded);

}  // namespace hazsim
