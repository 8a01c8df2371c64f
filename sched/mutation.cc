#include "sched/mutation.h"

#include <cctype>

namespace hazsim {

bool parse_mutation(const std::string& s, Mutation* out) {
  if (s == "none") {
    *out = Mutation{};
    return true;
  }
  auto at = s.find('@');
  if (at == std::string::npos || at + 1 >= s.size()) return false;
  std::string kind = s.substr(0, at), fn = s.substr(at + 1);
  for (char ch : fn)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_')) return false;
  if (kind == "drop-mb") out->kind = MutationKind::kDropMb;
  else if (kind == "drop-wmb") out->kind = MutationKind::kDropWmb;
  else if (kind == "drop-rmb") out->kind = MutationKind::kDropRmb;
  else if (kind == "plain-release") out->kind = MutationKind::kPlainRelease;
  else if (kind == "plain-acquire") out->kind = MutationKind::kPlainAcquire;
  else return false;
  out->function = fn;
  return true;
}

bool Mutation::matches(const Site& site) const {
  std::string fn = site.function_name();
  for (size_t pos = fn.find(function); pos != std::string::npos; pos = fn.find(function, pos + 1)) {
    bool start_ok = pos == 0 || fn[pos - 1] == ':' || fn[pos - 1] == ' ' || fn[pos - 1] == '*';
    bool end_ok = pos + function.size() < fn.size() && fn[pos + function.size()] == '(';
    if (start_ok && end_ok) return true;
  }
  return false;
}

}  // namespace hazsim
