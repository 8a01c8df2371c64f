#include "cli/litmus_sketch.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include <fmt/format.h>

namespace hazsim {
namespace {

constexpr size_t kWindow = 400;      // design-code accesses before the end that are looked at
constexpr size_t kPerTask = 24;      // accesses kept per task
constexpr size_t kMaxTasks = 4;

bool in_design(const Event& e) { return std::strstr(e.func, "hazptr") != nullptr; }
bool is_access(AccessKind k) {
  return k == AccessKind::kLoad || k == AccessKind::kStore || k == AccessKind::kRmw || k == AccessKind::kFence;
}
std::string short_func(const char* f) {
  std::string s = f;
  size_t paren = s.find('(');
  if (paren != std::string::npos) s.resize(paren);
  size_t space = s.rfind(' ');
  if (space != std::string::npos) s = s.substr(space + 1);
  size_t colon = s.rfind("::");
  return colon == std::string::npos ? s : s.substr(colon + 2);
}

}  // namespace

std::string litmus_sketch(const std::vector<Event>& events, const Machine& m, const std::string& name,
                          const std::string& why) {
  (void)m;
  // The window: the last design-code accesses, then each task's last few of them.
  std::vector<const Event*> window;
  for (size_t i = events.size(); i-- > 0 && window.size() < kWindow;)
    if (is_access(events[i].kind) && in_design(events[i]) && events[i].pid > 0) window.push_back(&events[i]);
  std::reverse(window.begin(), window.end());
  std::map<int, std::vector<const Event*>> by_pid;
  std::vector<int> order;  // tasks by their last access, latest first
  for (size_t i = window.size(); i-- > 0;) {
    int pid = window[i]->pid;
    if (!by_pid.count(pid)) {
      if (order.size() == kMaxTasks) continue;
      order.push_back(pid);
    }
    auto& v = by_pid[pid];
    if (v.size() < kPerTask) v.push_back(window[i]);
  }
  std::set<uint64_t> vars;
  for (int pid : order)
    for (const Event* e : by_pid[pid])
      if (e->kind != AccessKind::kFence) vars.insert(e->addr);
  auto var = [](uint64_t off) { return fmt::format("v{:x}", off); };
  std::string params;
  for (uint64_t v : vars) params += (params.empty() ? "" : ", ") + std::string("int *") + var(v);

  std::string out = fmt::format("C {}\n\n(*\n", name);
  out += " * A sketch made by hazsim trace --format litmus: the last design-code accesses of each task\n";
  out += fmt::format(" * involved in the run ({}), in program order; variables are named by arena offset.\n", why);
  out += " * Not recorded: the values stored (written as 1), which barrier each fence is (written as\n";
  out += " * smp_mb(), the strongest) and the outcome (the exists clause is a placeholder). Complete\n";
  out += " * them, then run herd7 or hazsim litmus.\n *)\n\n{}\n\n";
  int proc = 0;
  std::vector<std::string> first_regs;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    std::vector<const Event*> acc = by_pid[*it];
    std::reverse(acc.begin(), acc.end());
    std::string body, decls;
    int reg = 0;
    for (const Event* e : acc) {
      std::string where = fmt::format("/* {}:{} */", short_func(e->func), e->line);
      switch (e->kind) {
        case AccessKind::kLoad:
          decls += fmt::format("\tint r{};\n", reg);
          body += fmt::format("\tr{} = READ_ONCE(*{}); {}\n", reg++, var(e->addr), where);
          break;
        case AccessKind::kStore: body += fmt::format("\tWRITE_ONCE(*{}, 1); {}\n", var(e->addr), where); break;
        case AccessKind::kRmw:
          decls += fmt::format("\tint r{};\n", reg);
          body += fmt::format("\tr{} = xchg({}, 1); {}\n", reg++, var(e->addr), where);
          break;
        default: body += fmt::format("\tsmp_mb(); {}\n", where); break;
      }
    }
    if (reg > 0) first_regs.push_back(fmt::format("{}:r0=0", proc));
    out += fmt::format("P{}({}) /* pid {} */\n{{\n{}{}{}}}\n\n", proc++, params, *it, decls, decls.empty() ? "" : "\n",
                       body);
  }
  std::string cond;
  for (const std::string& c : first_regs) cond += (cond.empty() ? "" : " /\\ ") + c;
  out += fmt::format("exists ({})\n", cond.empty() ? "true" : cond);
  return out;
}

}  // namespace hazsim
