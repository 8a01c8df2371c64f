#include "scenarios/design_lines.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <utility>

#include "kapi/line_note.h"
#include "oracles/describe.h"

namespace hazsim {

namespace {

std::string design_file(const char* file) {
  const char* p = std::strstr(file, "hazptr/");
  return p ? p : file;
}

// A note's function is that of the lambda written at the line: "C::f(int)::<lambda()>" (gcc) or
// "auto C::f(int)::(anonymous class)::operator()() const" (clang); its enclosing function is f.
// Template argument lists are dropped first: they may hold parentheses of their own.
std::string enclosing_function(const char* lambda_function) {
  std::string s = lambda_function;
  for (const char* mark : {"::<lambda", "::(anonymous class)"}) {
    auto at = s.find(mark);
    if (at != std::string::npos) {
      s.resize(at);
      break;
    }
  }
  std::string flat;
  int depth = 0;
  for (char c : s) {
    if (c == '<') ++depth;
    else if (c == '>' && depth > 0) --depth;
    else if (depth == 0) flat += c;
  }
  return bare_function_name(flat.c_str());
}

// The designs' for_each_slot() serves hazsim's end-of-run leak check: it is not kernel code.
bool testbed_function(const std::string& func) { return func == "for_each_slot"; }

}  // namespace

void DesignLines::merge(const LineCounts& run) {
  const auto& counts = run.counts();
  const auto& contexts = run.contexts();
  if (runs_.size() < counts.size()) runs_.resize(counts.size()), contexts_.resize(counts.size());
  for (uint32_t i : run.touched()) {  // the rest are zero
    runs_[i] += counts[i];
    contexts_[i] |= contexts[i];
  }
}

void DesignLines::merge(const DesignLines& other) {
  if (runs_.size() < other.runs_.size()) runs_.resize(other.runs_.size()), contexts_.resize(other.runs_.size());
  for (size_t i = 0; i < other.runs_.size(); ++i) {
    runs_[i] += other.runs_[i];
    contexts_[i] |= other.contexts_[i];
  }
}

std::vector<DesignLines::Line> DesignLines::lines() const {
  const std::vector<kapi::LineNote>& notes = kapi::line_notes();
  std::set<const void*> ran;  // the design classes that ran
  for (size_t i = 0; i < runs_.size() && i < notes.size(); ++i)
    if (runs_[i] != 0) ran.insert(notes[i].design);
  std::map<std::pair<std::string, uint32_t>, Line> by_line;
  for (size_t i = 0; i < notes.size(); ++i) {
    if (ran.count(notes[i].design) == 0) continue;
    std::string func = enclosing_function(notes[i].func);
    if (testbed_function(func)) continue;
    std::string file = design_file(notes[i].file);
    Line& l = by_line[{file, notes[i].line}];
    if (l.func.empty()) l.file = file, l.line = notes[i].line, l.func = std::move(func);
    if (i < runs_.size()) l.runs += runs_[i], l.contexts |= contexts_[i];
  }
  std::vector<Line> out;
  out.reserve(by_line.size());
  for (auto& [where, l] : by_line) out.push_back(std::move(l));
  return out;
}

std::vector<std::string> DesignLines::never_run() const {
  std::vector<std::string> out;
  for (const Line& l : lines())
    if (l.runs == 0) out.push_back(fmt::format("{}:{} ({})", l.file, l.line, l.func));
  return out;
}

std::string DesignLines::table() const {
  std::vector<Line> all = lines();
  size_t ran = size_t(std::count_if(all.begin(), all.end(), [](const Line& l) { return l.runs != 0; }));
  std::string s = fmt::format("# design line  function  times run  contexts   ({} of {} lines ran)\n", ran, all.size());
  for (const Line& l : all)
    s += fmt::format("{}:{}  {}  {}  {}\n", l.file, l.line, l.func, l.runs, line_contexts_text(l.contexts));
  return s;
}

std::string line_contexts_text(uint8_t bits) {
  std::string s;
  for (int c = 0; c < kLineContexts; ++c)
    if (bits & (1u << c)) s += fmt::format("{}{}", s.empty() ? "" : ",", kLineContextNames[c]);
  return s.empty() ? "-" : s;
}

}  // namespace hazsim
