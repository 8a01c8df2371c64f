#include "oracles/describe.h"

#include <fmt/format.h>

namespace hazsim {

std::string bare_function_name(const char* signature) {
  std::string fn = signature;
  auto paren = fn.find('(');
  if (paren != std::string::npos) fn = fn.substr(0, paren);
  auto space = fn.rfind(' ');
  if (space != std::string::npos) fn = fn.substr(space + 1);
  auto colons = fn.rfind("::");
  if (colons != std::string::npos) fn = fn.substr(colons + 2);
  return fn;
}

std::string site_text(const Site& s) {
  if (s.line() == 0) return "?";
  std::string f = s.file_name();
  for (const char* top : {"hazptr/", "sched/", "explore/", "oracles/", "scenarios/", "kapi/", "tests/", "sim/"}) {
    auto pos = f.rfind(top);
    if (pos != std::string::npos) {
      f = f.substr(pos);
      break;
    }
  }
  return fmt::format("{}:{} ({})", f, s.line(), bare_function_name(s.function_name()));
}

std::string describe_addr(const Arena& arena, const void* p) {
  const AllocInfo* a = arena.find(p);
  if (!a) return arena.contains(p) ? fmt::format("arena+{:#x} (between objects)", arena.offset_of(p))
                                   : fmt::format("{}", p);
  uint64_t off = arena.offset_of(p);
  std::string s = fmt::format("{} at arena+{:#x}", a->what, a->offset);
  if (off != a->offset) s += fmt::format("+{}", off - a->offset);
  // As KASAN's "Allocated by task" and "Freed by task": who, when and where (the call site).
  auto where = [](const Site& site) { return site.line() == 0 ? std::string() : " in " + site_text(site); };
  if (a->owner_pid > 0)
    s += fmt::format(", allocated by pid {} at step {}{}", a->owner_pid, a->alloc_step, where(a->alloc_site));
  if (a->free_pid >= 0)
    s += fmt::format(", freed/ended by pid {} at step {}{}", a->free_pid, a->free_step, where(a->free_site));
  return s;
}

}  // namespace hazsim
