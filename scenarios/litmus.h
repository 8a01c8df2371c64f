// Litmus tests in the C format of the kernel's tools/memory-model/litmus-tests (herd7's C
// dialect): a name, an initial state, one function per thread written with READ_ONCE(),
// WRITE_ONCE(), the barriers, acquire/release, rcu_dereference()/rcu_assign_pointer(), locks and
// atomics, and an exists/~exists/forall clause. hazsim runs every schedule of the test on the
// simulated machine under a memory model and reports the final states as herd7 does.
#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hazsim {
enum class MemoryModel : uint8_t;  // sim/memory_model.h; declared here so the parser stands alone
}

namespace hazsim::litmus {

struct Expr {
  enum class Kind : uint8_t { kConst, kName, kUnary, kBinary, kCall };
  Kind kind = Kind::kConst;
  int64_t value = 0;
  std::string name;  // kName: a register or a shared variable; kCall: the primitive; kUnary/kBinary: the operator
  std::vector<Expr> args;
  int line = 0;
};

struct Stmt {
  enum class Kind : uint8_t { kExpr, kAssign, kIf, kBlock };
  Kind kind = Kind::kExpr;
  std::string reg;  // kAssign
  Expr expr;        // kExpr, kAssign, kIf (the condition)
  std::vector<Stmt> body, else_body;
  int line = 0;
};

struct Proc {
  int id = 0;
  std::vector<std::string> params;  // shared variables it names (pointers to them)
  std::vector<std::string> regs;    // its local variables, in declaration order
  std::vector<Stmt> body;
};

// A proposition over the final state: `P:reg = value` or `var = value`, with /\, \/, ~.
struct Prop {
  enum class Kind : uint8_t { kTrue, kAtom, kNot, kAnd, kOr };
  Kind kind = Kind::kTrue;
  int proc = -1;      // kAtom: -1 for a shared variable
  std::string name;   // kAtom: register or variable
  bool value_is_var = false;
  int64_t value = 0;
  std::string value_var;  // the value is the address of this variable
  std::vector<Prop> kids;
};

enum class Quantifier : uint8_t { kExists, kNotExists, kForall };

struct Var {
  std::string name;
  int64_t init = 0;
  std::string init_addr_of;  // the initial value is this variable's address
};

struct Test {
  std::string name;
  std::optional<std::string> result;  // the file's "Result: Never|Sometimes|Always" comment
  std::vector<Var> vars;
  std::vector<Proc> procs;
  Quantifier quantifier = Quantifier::kExists;
  Prop condition;
  std::optional<Prop> filter;
  std::vector<Prop> shown;  // the atoms whose values a state lists (condition's, locations [...])
};

// Parses a test; on error *err is "line N: what" and false is returned (never throws).
bool parse(const std::string& text, Test* out, std::string* err);

struct Outcome {
  std::map<std::string, uint64_t> states;  // "1:r0=1; 1:r1=0;" -> schedules that ended there
  uint64_t positive = 0, negative = 0;    // schedules whose state satisfies the condition, or not
  uint64_t runs = 0;
  bool exhausted = false;
  bool dpor = false;  // the schedules were dpor's (explore/dpor.h), not every one
  std::string error;  // a run failed (an oracle fired), or the test cannot run
  // dpor: the fewest preemptions (DporExplorer::preemptions()) of a schedule that ended in each state.
  std::map<std::string, uint32_t> fewest_preemptions;
  void note_preemptions(const std::string& state, uint32_t k) {
    auto [it, added] = fewest_preemptions.emplace(state, k);
    if (!added) it->second = std::min(it->second, k);
  }
};
// dpor: one schedule per equivalence class (explore/dpor.h) instead of every schedule; the
// states reached must be the same (tests/dpor_test.cc).
Outcome run(const Test& t, MemoryModel model, uint64_t max_runs, bool dpor = false);

// A dpor search of the test: with a preemption bound (dpor:K), and the explorer's modes that
// tests/dpor_test.cc checks the bounded search against.
struct DporSearch {
  uint32_t bound = UINT32_MAX;
  bool all_dependent = false;  // DporExplorer::all_dependent_for_test: every interleaving
  bool naive_bound = false;    // DporExplorer::naive_bound_for_test
};
Outcome run(const Test& t, MemoryModel model, uint64_t max_runs, const DporSearch& search);

enum class Verdict : uint8_t { kNever, kSometimes, kAlways };
const char* verdict_name(Verdict v);
Verdict verdict(const Outcome& o);  // of the proposition (the clause's body)
// herd7's report: Test, States, Ok/No, Witnesses, Condition, Observation.
std::string report(const Test& t, const Outcome& o, MemoryModel model);

}  // namespace hazsim::litmus
