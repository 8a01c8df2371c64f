#include "scenarios/litmus_lb.h"

#include <algorithm>
#include <string>

namespace hazsim::litmus {
namespace {

bool is_register(const Proc& p, const std::string& n) {
  return std::find(p.regs.begin(), p.regs.end(), n) != p.regs.end();
}

// The shared variable an address expression names directly (`x`, or `*x` when deref), or "".
std::string direct_var(const Test& t, const Proc& p, const Expr& e, bool deref) {
  const Expr* a = &e;
  if (deref) {
    if (e.kind != Expr::Kind::kUnary || e.name != "*" || e.args.size() != 1) return "";
    a = &e.args[0];
  }
  if (a->kind != Expr::Kind::kName || is_register(p, a->name)) return "";
  for (const Var& v : t.vars)
    if (v.name == a->name) return a->name;
  return "";
}

void registers_used(const Proc& p, const Expr& e, std::vector<std::string>* out) {
  if (e.kind == Expr::Kind::kName && is_register(p, e.name)) out->push_back(e.name);
  for (const Expr& a : e.args) registers_used(p, a, out);
}

// A statement that may take part in a reordering: a plain load into a register, or a plain store.
struct Access {
  bool load = false;
  std::string var;                // the shared variable accessed
  std::string reg;                // load: the register it sets
  std::vector<std::string> uses;  // store: the registers its value reads
};

bool classify(const Test& t, const Proc& p, const Stmt& s, Access* a) {
  const Expr& e = s.expr;
  if (e.kind != Expr::Kind::kCall) return false;
  if (s.kind == Stmt::Kind::kAssign && e.args.size() == 1) {
    if (e.name == "READ_ONCE" || e.name == "rcu_dereference") a->var = direct_var(t, p, e.args[0], true);
    else if (e.name == "atomic_read") a->var = direct_var(t, p, e.args[0], false);
    a->load = true;
    a->reg = s.reg;
    return !a->var.empty();
  }
  if (s.kind == Stmt::Kind::kExpr && e.args.size() == 2) {
    if (e.name == "WRITE_ONCE") a->var = direct_var(t, p, e.args[0], true);
    else if (e.name == "atomic_set") a->var = direct_var(t, p, e.args[0], false);
    registers_used(p, e.args[1], &a->uses);
    return !a->var.empty();
  }
  return false;
}

// The store may be satisfied before the load: other variables, and no data dependency.
bool may_pass(const Access& store, const Access& load) {
  return store.var != load.var && std::find(store.uses.begin(), store.uses.end(), load.reg) == store.uses.end();
}

// Every order of the run [lo, hi) of accesses in which loads keep their order, stores keep theirs,
// a load never moves above a store (the store buffer already reorders that way) and a store moves
// above a load only if may_pass(); appended to *orders, each a list of indices.
void orders_of_run(const std::vector<Access>& acc, size_t lo, size_t hi, std::vector<size_t>* cur,
                   std::vector<bool>* placed, std::vector<std::vector<size_t>>* orders) {
  if (cur->size() == hi - lo) {
    orders->push_back(*cur);
    return;
  }
  // The next load and the next store not yet placed.
  size_t next_load = hi, next_store = hi;
  for (size_t i = lo; i < hi; ++i) {
    if ((*placed)[i - lo]) continue;
    if (acc[i].load && next_load == hi) next_load = i;
    if (!acc[i].load && next_store == hi) next_store = i;
  }
  auto place = [&](size_t i) {
    (*placed)[i - lo] = true;
    cur->push_back(i);
    orders_of_run(acc, lo, hi, cur, placed, orders);
    cur->pop_back();
    (*placed)[i - lo] = false;
  };
  // A load goes next only if every store written before it is placed.
  if (next_load != hi && (next_store == hi || next_store > next_load)) place(next_load);
  // A store goes next only if it may pass every load written before it not yet placed.
  if (next_store != hi) {
    bool ok = true;
    for (size_t i = lo; i < next_store && ok; ++i)
      if (!(*placed)[i - lo] && acc[i].load) ok = may_pass(acc[next_store], acc[i]);
    if (ok) place(next_store);
  }
}

}  // namespace

std::vector<std::vector<Stmt>> load_buffering_orders(const Test& t, const Proc& p) {
  const std::vector<Stmt>& body = p.body;
  std::vector<Access> acc(body.size());
  std::vector<bool> movable(body.size());
  for (size_t i = 0; i < body.size(); ++i) movable[i] = classify(t, p, body[i], &acc[i]);
  std::vector<std::vector<Stmt>> result{{}};
  for (size_t lo = 0; lo < body.size();) {
    if (!movable[lo]) {
      for (auto& r : result) r.push_back(body[lo]);
      ++lo;
      continue;
    }
    size_t hi = lo;
    while (hi < body.size() && movable[hi]) ++hi;
    std::vector<std::vector<size_t>> run_orders;
    std::vector<size_t> cur;
    std::vector<bool> placed(hi - lo, false);
    orders_of_run(acc, lo, hi, &cur, &placed, &run_orders);  // the written order comes first
    std::vector<std::vector<Stmt>> next;
    for (const auto& r : result)
      for (const auto& o : run_orders) {
        next.push_back(r);
        for (size_t i : o) next.back().push_back(body[i]);
      }
    result = std::move(next);
    lo = hi;
  }
  return result;
}

}  // namespace hazsim::litmus
