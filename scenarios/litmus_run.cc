// Running a litmus test (scenarios/litmus.h): each thread is a task pinned to its own vCPU that
// interprets its body with the kernel-API layer (SimKernel), so every access is a step of the
// machine under the chosen memory model. Every schedule is explored: which vCPU steps, which
// buffered store drains, and (weak) which message each load returns. Under weak, load buffering
// too: the machine satisfies a load at its step, so each thread also runs in every order that
// hoists a plain store above earlier plain loads it does not depend on (scenarios/litmus_lb.cc).
#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "explore/bounded.h"
#include "explore/dpor.h"
#include "scenarios/litmus.h"
#include "scenarios/litmus_lb.h"
#include "sim/memory_model.h"
#include "sched/sim_kernel.h"

namespace hazsim::litmus {
namespace {

using K = SimKernel;

struct RuntimeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RunState {
  const Test* test = nullptr;
  std::vector<long*> vars;                 // simulated memory of each shared variable
  std::vector<std::vector<int64_t>> regs;  // each thread's locals
  std::string error;                       // the first runtime error of the run
};
thread_local RunState* tl_run = nullptr;

int var_index(const Test& t, const std::string& name) {
  for (size_t i = 0; i < t.vars.size(); ++i)
    if (t.vars[i].name == name) return int(i);
  return -1;
}

enum class Order : uint8_t { kFull, kRelaxed, kAcquire, kRelease };

class Thread {
 public:
  Thread(const Proc& p, std::vector<int64_t>* regs) : p_(p), regs_(*regs) {}
  void run() { exec(p_.body); }

 private:
  [[noreturn]] void fail(const Expr& e, const std::string& what) {
    throw RuntimeError(fmt::format("line {}: P{}: {}", e.line, p_.id, what));
  }
  int reg_index(const std::string& n) const {
    for (size_t i = 0; i < p_.regs.size(); ++i)
      if (p_.regs[i] == n) return int(i);
    return -1;
  }
  void exec(const std::vector<Stmt>& body) {
    for (const Stmt& s : body) {
      if (Machine::current().stopping()) return;
      switch (s.kind) {
        case Stmt::Kind::kExpr: eval(s.expr); break;
        case Stmt::Kind::kAssign: regs_[size_t(reg_index(s.reg))] = eval(s.expr); break;
        case Stmt::Kind::kIf: exec(eval(s.expr) != 0 ? s.body : s.else_body); break;
        case Stmt::Kind::kBlock: exec(s.body); break;
      }
    }
  }
  // The address an argument names: `*p` for READ_ONCE() and friends, `p` for the others.
  long* location(const Expr& e, bool deref) {
    const Expr& a = deref ? e.args.at(0) : e;
    int64_t v = eval(a);
    for (long* var : tl_run->vars)
      if (int64_t(intptr_t(var)) == v) return var;
    // A NULL or computed pointer is the test's bug, reported as such, never followed.
    fail(a, fmt::format("the address {:#x} is not a shared variable of the test", uint64_t(v)));
  }
  int64_t eval(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kConst: return e.value;
      case Expr::Kind::kName: {
        int r = reg_index(e.name);
        if (r >= 0) return regs_[size_t(r)];
        return int64_t(intptr_t(tl_run->vars[size_t(var_index(*tl_run->test, e.name))]));
      }
      case Expr::Kind::kUnary: {
        if (e.name == "*") fail(e, "unsupported: a plain C load through a pointer (use READ_ONCE)");
        if (e.name == "&") {
          const Expr& a = e.args[0];
          if (a.kind != Expr::Kind::kName || var_index(*tl_run->test, a.name) < 0)
            fail(e, "'&' applies to a shared variable only");
          return int64_t(intptr_t(tl_run->vars[size_t(var_index(*tl_run->test, a.name))]));
        }
        int64_t v = eval(e.args[0]);
        if (e.name == "!") return !v;
        if (e.name == "-") return int64_t(0ULL - uint64_t(v));
        return ~v;
      }
      case Expr::Kind::kBinary: {
        const std::string& op = e.name;
        int64_t a = eval(e.args[0]);
        if (op == "&&") return a != 0 && eval(e.args[1]) != 0;
        if (op == "||") return a != 0 || eval(e.args[1]) != 0;
        int64_t b = eval(e.args[1]);
        uint64_t ua = uint64_t(a), ub = uint64_t(b);
        if (op == "+") return int64_t(ua + ub);
        if (op == "-") return int64_t(ua - ub);
        if (op == "*") return int64_t(ua * ub);
        if (op == "&") return a & b;
        if (op == "|") return a | b;
        if (op == "^") return a ^ b;
        if (op == "==") return a == b;
        if (op == "!=") return a != b;
        if (op == "<") return a < b;
        if (op == ">") return a > b;
        if (op == "<=") return a <= b;
        if (op == ">=") return a >= b;
        if (b == 0) fail(e, "division by zero");
        if (a == INT64_MIN && b == -1) fail(e, "division overflow");
        return op == "/" ? a / b : a % b;
      }
      case Expr::Kind::kCall: return call(e);
    }
    return 0;
  }

  int64_t call(const Expr& e) {
    const std::string& n = e.name;
    if (n == "READ_ONCE" || n == "rcu_dereference") return K::read_once(location(e.args[0], true));
    if (n == "atomic_read") return K::read_once(location(e.args[0], false));
    if (n == "smp_load_acquire" || n == "atomic_read_acquire") return K::load_acquire(location(e.args[0], false));
    if (n == "WRITE_ONCE") return K::write_once(location(e.args[0], true), eval(e.args[1])), 0;
    if (n == "atomic_set") return K::write_once(location(e.args[0], false), eval(e.args[1])), 0;
    if (n == "rcu_assign_pointer") return K::store_release(location(e.args[0], true), eval(e.args[1])), 0;
    if (n == "smp_store_release" || n == "atomic_set_release")
      return K::store_release(location(e.args[0], false), eval(e.args[1])), 0;
    if (n == "smp_mb" || n == "smp_mb__before_atomic" || n == "smp_mb__after_atomic" || n == "smp_mb__after_spinlock")
      return K::smp_mb(), 0;
    if (n == "smp_rmb") return K::smp_rmb(), 0;
    if (n == "smp_wmb") return K::smp_wmb(), 0;
    if (n == "barrier" || n == "rcu_read_lock" || n == "rcu_read_unlock") return 0;  // no grace period in the test
    if (n == "spin_lock") return K::raw_spin_lock(reinterpret_cast<kapi::raw_spinlock_t*>(location(e.args[0], false))), 0;
    if (n == "spin_unlock")
      return K::raw_spin_unlock(reinterpret_cast<kapi::raw_spinlock_t*>(location(e.args[0], false))), 0;
    return rmw(e);
  }

  // The atomics: xchg, cmpxchg and the atomic_t operations, with their ordering suffix.
  int64_t rmw(const Expr& e) {
    std::string n = e.name;
    Order order = Order::kFull;
    for (auto [suffix, o] : {std::pair{"_relaxed", Order::kRelaxed}, {"_acquire", Order::kAcquire},
                             {"_release", Order::kRelease}})
      if (n.size() > std::string(suffix).size() && n.ends_with(suffix)) {
        order = o;
        n.resize(n.size() - std::string(suffix).size());
      }
    bool void_op = n == "atomic_inc" || n == "atomic_dec" || n == "atomic_add" || n == "atomic_sub";
    if (void_op) order = Order::kRelaxed;  // non-value-returning atomics are unordered
    if (n.rfind("atomic_", 0) == 0) n = n.substr(7);
    long* p;
    int64_t operand = 1, expected = 0;
    if (n == "xchg") p = location(e.args[0], false), operand = eval(e.args[1]);
    else if (n == "cmpxchg") p = location(e.args[0], false), expected = eval(e.args[1]), operand = eval(e.args[2]);
    else if (n == "add" || n == "sub" || n == "add_return" || n == "sub_return" || n == "fetch_add" || n == "fetch_sub")
      operand = eval(e.args[0]), p = location(e.args[1], false);
    else p = location(e.args[0], false);  // inc, dec and their _return/fetch_ forms
    if (n.find("sub") != std::string::npos || n.find("dec") != std::string::npos) operand = int64_t(0ULL - uint64_t(operand));

    Machine& m = Machine::current();
    if (!m.access(AccessKind::kRmw, p, sizeof(long), Site::current())) return 0;
    // Under sc, tso and pso every RMW is a locked instruction; a release RMW is modelled full.
    if (!m.weak() || order == Order::kFull || order == Order::kRelease) m.fence_full();
    int64_t old = *p;
    m.rmw_observe(p, order != Order::kRelaxed);
    int64_t now = old;
    if (n == "xchg") now = operand;
    else if (n == "cmpxchg") now = old == expected ? operand : old;
    else now = int64_t(uint64_t(old) + uint64_t(operand));
    if (n != "cmpxchg" || old == expected) m.rmw_write(p, long(now), order == Order::kFull);
    if (n == "xchg" || n == "cmpxchg" || n.rfind("fetch_", 0) == 0) return old;
    return now;
  }

  const Proc& p_;
  std::vector<int64_t>& regs_;
};

int64_t atom_value(const Test& t, const RunState& rs, const Prop& a) {
  if (a.proc >= 0) {
    const Proc& p = t.procs[size_t(a.proc)];
    for (size_t i = 0; i < p.regs.size(); ++i)
      if (p.regs[i] == a.name) return rs.regs[size_t(a.proc)][i];
    return 0;
  }
  return *rs.vars[size_t(var_index(t, a.name))];
}

bool holds(const Test& t, const RunState& rs, const Prop& p) {
  switch (p.kind) {
    case Prop::Kind::kTrue: return true;
    case Prop::Kind::kNot: return !holds(t, rs, p.kids[0]);
    case Prop::Kind::kAnd: return holds(t, rs, p.kids[0]) && holds(t, rs, p.kids[1]);
    case Prop::Kind::kOr: return holds(t, rs, p.kids[0]) || holds(t, rs, p.kids[1]);
    case Prop::Kind::kAtom: {
      int64_t want = p.value_is_var ? int64_t(intptr_t(rs.vars[size_t(var_index(t, p.value_var))])) : p.value;
      return atom_value(t, rs, p) == want;
    }
  }
  return false;
}

std::string show_value(const Test& t, const RunState& rs, int64_t v) {
  for (size_t i = 0; i < t.vars.size(); ++i)
    if (v != 0 && int64_t(intptr_t(rs.vars[i])) == v) return t.vars[i].name;
  return std::to_string(v);
}

std::string state_of(const Test& t, const RunState& rs) {
  std::string s;
  for (const Prop& a : t.shown) {
    if (a.proc >= 0) s += fmt::format("{}:", a.proc);
    s += fmt::format("{}={}; ", a.name, show_value(t, rs, atom_value(t, rs, a)));
  }
  if (!s.empty()) s.pop_back();
  return s;
}

// Every schedule of one version of the test, added to *out (which counts runs across versions).
void run_version(const Test& t, MemoryModel model, uint64_t max_runs, const DporSearch* dpor, Outcome* outp) {
  Outcome& out = *outp;
  Machine m;
  m.set_store_reduction(true);
  RunState rs;
  rs.test = &t;
  tl_run = &rs;
  const uint32_t mask = choice_bit(Choice::kCpu) | choice_bit(Choice::kDrain) | choice_bit(Choice::kDrainEntry) |
                        choice_bit(Choice::kReadFrom);
  try {
    auto run_once = [&](const std::vector<uint16_t>* prefix) {
      MachineConfig cfg;
      cfg.cpus = int(t.procs.size());
      cfg.memory_model = model;
      cfg.max_steps = 200000;
      cfg.dpor_schedule = prefix == nullptr;  // dpor
      cfg.drains_first = cfg.dpor_schedule && model != MemoryModel::kSC;
      m.reset(cfg);
      // A bound no schedule reaches: the search is complete, and a spinning lock waiter hands
      // its vCPU on at each spin (as bounded:K's search does) instead of spinning forever.
      if (prefix) m.decisions().start_explore(prefix, mask, UINT32_MAX - 1);
      else m.decisions().start_dpor(mask);
      rs.vars.assign(t.vars.size(), nullptr);
      for (size_t i = 0; i < t.vars.size(); ++i)
        rs.vars[i] = static_cast<long*>(m.static_alloc(64, 64, t.vars[i].name.c_str()));
      for (size_t i = 0; i < t.vars.size(); ++i)
        *rs.vars[i] = t.vars[i].init_addr_of.empty()
                          ? long(t.vars[i].init)
                          : long(intptr_t(rs.vars[size_t(var_index(t, t.vars[i].init_addr_of))]));
      rs.regs.assign(t.procs.size(), {});
      for (size_t i = 0; i < t.procs.size(); ++i) rs.regs[i].assign(t.procs[i].regs.size(), 0);
      rs.error.clear();
      for (size_t i = 0; i < t.procs.size(); ++i)
        m.create_task(fmt::format("P{}", i), [](void* a) {
          size_t k = reinterpret_cast<size_t>(a);
          try {
            Thread(tl_run->test->procs[k], &tl_run->regs[k]).run();
          } catch (const RuntimeError& e) {
            if (tl_run->error.empty()) tl_run->error = e.what();
          }
        }, reinterpret_cast<void*>(i), int(i), true);
      RunResult rr = m.run();
      if (!rs.error.empty()) throw RuntimeError(rs.error);
      if (rr.failed) throw RuntimeError(fmt::format("a run failed: {}", rr.failure.message));
      ++out.runs;
      if (t.filter && !holds(t, rs, *t.filter)) return;
      const std::string state = state_of(t, rs);
      ++out.states[state];
      if (dpor) {
        out.note_preemptions(state, m.decisions().dpor_explorer().preemptions());
      }
      (holds(t, rs, t.condition) ? out.positive : out.negative) += 1;
    };
    DporExplorer& x = m.decisions().dpor_explorer();
    if (dpor) x.all_dependent_for_test(dpor->all_dependent), x.naive_bound_for_test(dpor->naive_bound);
    ExploreResult res = dpor ? explore_dpor(m.decisions(), max_runs, [&] { run_once(nullptr); }, nullptr, dpor->bound)
                             : explore_all(m.decisions(), max_runs, [&](const std::vector<uint16_t>& prefix) {
                                 run_once(&prefix);
                               });
    if (!res.error.empty()) throw RuntimeError(res.error);
    out.exhausted = res.exhausted;
  } catch (const RuntimeError& e) {
    out.error = e.what();
  }
  tl_run = nullptr;
}

// Every schedule (dpor == nullptr) or dpor's, of each version of the test.
Outcome run_versions(const Test& t, MemoryModel model, uint64_t max_runs, const DporSearch* dpor) {
  Outcome out;
  out.dpor = dpor != nullptr;
  if (model != MemoryModel::kWeak) {
    run_version(t, model, max_runs, dpor, &out);
    return out;
  }
  // Every combination of the threads' load-buffering orders (the first is the test as written).
  std::vector<std::vector<std::vector<Stmt>>> orders;
  for (const Proc& p : t.procs) orders.push_back(load_buffering_orders(t, p));
  std::vector<size_t> pick(t.procs.size(), 0);
  Test version = t;
  out.exhausted = true;
  for (;;) {
    if (out.runs >= max_runs) {
      out.exhausted = false;  // the budget ran out before every order was explored
      return out;
    }
    for (size_t i = 0; i < pick.size(); ++i) version.procs[i].body = orders[i][pick[i]];
    Outcome one;
    run_version(version, model, max_runs - out.runs, dpor, &one);
    for (const auto& [state, n] : one.states) out.states[state] += n;
    for (const auto& [state, k] : one.fewest_preemptions) out.note_preemptions(state, k);
    out.positive += one.positive;
    out.negative += one.negative;
    out.runs += one.runs;
    out.exhausted = out.exhausted && one.exhausted;
    if (!one.error.empty()) {
      out.error = one.error;
      return out;
    }
    size_t i = 0;
    while (i < pick.size() && ++pick[i] == orders[i].size()) pick[i++] = 0;
    if (i == pick.size()) return out;
  }
}

}  // namespace

Outcome run(const Test& t, MemoryModel model, uint64_t max_runs, bool dpor) {
  const DporSearch search;
  return run_versions(t, model, max_runs, dpor ? &search : nullptr);
}

Outcome run(const Test& t, MemoryModel model, uint64_t max_runs, const DporSearch& search) {
  return run_versions(t, model, max_runs, &search);
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kNever: return "Never";
    case Verdict::kSometimes: return "Sometimes";
    case Verdict::kAlways: return "Always";
  }
  return "?";
}

Verdict verdict(const Outcome& o) {
  if (o.positive == 0) return Verdict::kNever;
  return o.negative == 0 ? Verdict::kAlways : Verdict::kSometimes;
}

namespace {
std::string prop_text(const Prop& p) {
  switch (p.kind) {
    case Prop::Kind::kTrue: return "true";
    case Prop::Kind::kNot: return "~" + prop_text(p.kids[0]);
    case Prop::Kind::kAnd: return "(" + prop_text(p.kids[0]) + " /\\ " + prop_text(p.kids[1]) + ")";
    case Prop::Kind::kOr: return "(" + prop_text(p.kids[0]) + " \\/ " + prop_text(p.kids[1]) + ")";
    case Prop::Kind::kAtom:
      return (p.proc >= 0 ? fmt::format("{}:", p.proc) : std::string()) + p.name + "=" +
             (p.value_is_var ? p.value_var : std::to_string(p.value));
  }
  return "";
}
}  // namespace

std::string report(const Test& t, const Outcome& o, MemoryModel model) {
  Verdict v = verdict(o);
  bool ok = t.quantifier == Quantifier::kExists      ? v != Verdict::kNever
            : t.quantifier == Quantifier::kNotExists ? v == Verdict::kNever
                                                     : v == Verdict::kAlways;
  std::string body = prop_text(t.condition);
  if (body.front() != '(') body = "(" + body + ")";
  const char* q = t.quantifier == Quantifier::kExists ? "exists" : t.quantifier == Quantifier::kNotExists ? "~exists" : "forall";
  std::string s = fmt::format("Test {} {}\n", t.name, t.quantifier == Quantifier::kForall ? "Required" : "Allowed");
  s += fmt::format("States {}\n", o.states.size());
  for (const auto& [state, n] : o.states) s += state + "\n";
  s += ok ? "Ok\n" : "No\n";
  s += fmt::format("Witnesses\nPositive: {} Negative: {}\n", o.positive, o.negative);
  s += fmt::format("Condition {} {}\n", q, body);
  s += fmt::format("Observation {} {} {} {}\n", t.name, verdict_name(v), o.positive, o.negative);
  s += fmt::format("Model hazsim {} ({} schedules{})\n", memory_model_name(model), o.runs,
                   !o.exhausted ? ", NOT every one: the search was cut short"
                   : o.dpor     ? ", one per class of equivalent schedules (dpor)"
                                : ", every one");
  return s;
}

}  // namespace hazsim::litmus
