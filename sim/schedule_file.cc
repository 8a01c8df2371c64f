#include "sim/schedule_file.h"

#include "sim/text.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sstream>

namespace hazsim {

namespace {

bool parse_u64(const std::string& s, int base, uint64_t* out) {
  if (s.empty() || s[0] == '-' || s[0] == '+') return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, base);
  if (errno != 0 || *end != '\0') return false;
  *out = v;
  return true;
}

}  // namespace

std::string format_schedule(const ScheduleFile& s) {
  std::string out = "# hazsim schedule file: replay with `hazsim replay FILE`\n";
  out += fmt::format("format = {}\n", kScheduleFormat);
  out += fmt::format("generation = {}\n", s.generation);
  if (!s.source.empty()) out += fmt::format("source = {}\n", s.source);
  for (const auto& kv : s.params) out += fmt::format("param.{} = {}\n", kv.first, kv.second);
  out += fmt::format("outcome = {}\n", s.failed ? "FAILURE" : "SUCCESS");
  out += fmt::format("oracle = {}\n", s.oracle);
  out += fmt::format("steps = {}\n", s.steps);
  out += fmt::format("schedule_hash = {:016x}\n", s.hash);
  out += fmt::format("decisions = {}\n", s.decisions.size());
  out += "choices:\n";
  size_t col = 0;
  for (size_t i = 0; i < s.decisions.size();) {
    size_t j = i;
    while (j < s.decisions.size() && s.decisions[j] == s.decisions[i]) ++j;
    std::string tok = j - i == 1 ? fmt::format("{}", s.decisions[i]) : fmt::format("{}*{}", s.decisions[i], j - i);
    if (col + tok.size() + 1 > 100) {
      out += '\n';
      col = 0;
    }
    out += (col ? " " : "") + tok;
    col += tok.size() + 1;
    i = j;
  }
  out += "\n";
  return out;
}

bool parse_schedule(const std::string& text, const std::string& origin, ScheduleFile* out, std::string* err) try {
  ScheduleFile s;
  s.generation = 1;  // a file without the entry was written before it existed
  std::istringstream in(text);
  std::string line;
  int n = 0;
  bool have_format = false, in_choices = false;
  uint64_t declared = UINT64_MAX;
  auto bad = [&](const std::string& what) {
    *err = fmt::format("{}:{}: {}", origin, n, what);
    return false;
  };
  while (std::getline(in, line)) {
    ++n;
    if (in_choices) {
      std::istringstream toks(line);
      std::string tok;
      while (toks >> tok) {
        auto star = tok.find('*');
        uint64_t v = 0, count = 1;
        if (!parse_u64(tok.substr(0, star), 10, &v) || v > 0xffff ||
            (star != std::string::npos && (!parse_u64(tok.substr(star + 1), 10, &count) || count == 0)))
          return bad(fmt::format("bad choice '{}' (expected a number or number*count)", tok));
        // Bounded before anything is allocated: by the declared count (written before the
        // choices), and by kMaxChoices, so a few bytes of run-length counts cannot exhaust memory.
        if (declared != UINT64_MAX && s.decisions.size() + count > declared)
          return bad(fmt::format("more choices than the {} declared", declared));
        if (s.decisions.size() + count > kMaxChoices)
          return bad(fmt::format("more than {} choices", kMaxChoices));
        s.decisions.insert(s.decisions.end(), size_t(count), uint16_t(v));
      }
      continue;
    }
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (t == "choices:") {
      in_choices = true;
      continue;
    }
    auto eq = t.find('=');
    if (eq == std::string::npos) return bad(fmt::format("expected 'key = value', got '{}'", t));
    std::string key = trim(t.substr(0, eq)), value = trim(t.substr(eq + 1));
    if (!have_format) {
      if (key != "format") return bad("not a hazsim schedule file (the first entry must be 'format = ...')");
      if (value != kScheduleFormat)
        return bad(fmt::format("unsupported schedule format '{}' (this hazsim reads '{}')", value, kScheduleFormat));
      have_format = true;
    } else if (key.rfind("param.", 0) == 0) {
      s.params.emplace_back(key.substr(6), value);
    } else if (key == "generation") {
      if (!parse_u64(value, 10, &s.generation) || s.generation == 0)
        return bad("generation must be a positive integer");
    } else if (key == "source") {
      bool hex = !value.empty() && value.size() <= 64;
      for (char c : value) hex &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (!hex) return bad("source must be 1 to 64 lowercase hex digits");
      s.source = value;
    } else if (key == "outcome") {
      if (value != "FAILURE" && value != "SUCCESS") return bad("outcome must be FAILURE or SUCCESS");
      s.failed = value == "FAILURE";
    } else if (key == "oracle") {
      s.oracle = value;
    } else if (key == "steps") {
      if (!parse_u64(value, 10, &s.steps)) return bad("steps must be a non-negative integer");
    } else if (key == "schedule_hash") {
      if (value.size() > 16 || !parse_u64(value, 16, &s.hash)) return bad("schedule_hash must be 16 hex digits");
    } else if (key == "decisions") {
      if (!parse_u64(value, 10, &declared)) return bad("decisions must be a non-negative integer");
    } else {
      return bad(fmt::format("unknown entry '{}'", key));
    }
  }
  if (!have_format) {
    n = 1;
    return bad("empty file, or not a hazsim schedule file");
  }
  if (!in_choices) return bad("missing 'choices:' section");
  if (declared != UINT64_MAX && declared != s.decisions.size())
    return bad(fmt::format("file is truncated or corrupt: {} choices declared, {} present", declared,
                           s.decisions.size()));
  *out = std::move(s);
  return true;
} catch (const std::bad_alloc&) {  // within kMaxChoices, but more than this machine can hold
  *err = fmt::format("{}: too large to load", origin);
  return false;
}

}  // namespace hazsim
