#include "cli/buckets.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <filesystem>
#include <sstream>

#include "sim/files.h"

namespace hazsim::cli {

namespace {

std::string file_of(const std::string& dir) { return dir + "/buckets.txt"; }

}  // namespace

FailureBucket& Buckets::add(const std::string& design, const Failure& f) {
  // The design call it failed under: the innermost open section below the failing function.
  std::string func = f.function(), callers = f.callers(), caller = callers.substr(0, callers.find(" < "));
  std::string title = fmt::format("{}{}{}{}{} [{}]", oracle_name(f.oracle), func.empty() ? "" : " in ", func,
                                  caller.empty() ? "" : " from ", caller, design);
  FailureBucket& b = by_title_[title];
  if (b.title.empty()) b.title = title, b.site = f.site;
  ++b.seen;
  ++seen_;
  return b;
}

bool Buckets::admit(const FailureBucket& b, long position, std::string* evict) const {
  evict->clear();
  if (max_kept_ == 0 || b.kept.size() < max_kept_) return true;
  if (position > b.kept.back().position) return false;
  *evict = b.kept.back().path;
  return true;
}

void Buckets::kept(FailureBucket& b, long position, const std::string& path, const std::string& evicted) {
  if (!evicted.empty())
    b.kept.erase(std::remove_if(b.kept.begin(), b.kept.end(), [&](const auto& k) { return k.path == evicted; }),
                 b.kept.end());
  auto at = std::find_if(b.kept.begin(), b.kept.end(), [&](const auto& k) { return k.position > position; });
  b.kept.insert(at, {position, path});
}

bool Buckets::load(const std::string& dir, std::string* err) {
  std::string text, rerr;
  if (!read_file(file_of(dir), &text, &rerr)) return true;  // a first campaign has none
  return parse(text, file_of(dir), err);
}

// One bucket a line: count, a tab, the title, a tab, the site. A title seen on several lines (a
// file merged by hand) adds up; counts saturate rather than wrap.
bool Buckets::parse(const std::string& text, const std::string& name, std::string* err) {
  std::istringstream in(text);
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    auto t1 = line.find('\t'), t2 = line.find('\t', t1 == std::string::npos ? t1 : t1 + 1);
    long count = 0;
    if (t1 == std::string::npos || t2 == std::string::npos ||
        std::from_chars(line.data(), line.data() + t1, count).ec != std::errc() || count < 0 || t2 == t1 + 1) {
      *err = fmt::format("{}:{}: not a bucket line (COUNT<tab>TITLE<tab>SITE)", name, n);
      return false;
    }
    FailureBucket& b = by_title_[line.substr(t1 + 1, t2 - t1 - 1)];
    b.title = line.substr(t1 + 1, t2 - t1 - 1);
    b.site = line.substr(t2 + 1);
    b.seen_before = count > LONG_MAX - b.seen_before ? LONG_MAX : b.seen_before + count;
  }
  return true;
}

std::string Buckets::text() const {
  std::string text = "# failure buckets of the campaigns in this directory: COUNT<tab>TITLE<tab>SITE\n";
  for (const auto& [title, b] : by_title_)
    text += fmt::format("{}\t{}\t{}\n", b.seen > LONG_MAX - b.seen_before ? LONG_MAX : b.seen + b.seen_before, title,
                        b.site);
  return text;
}

bool Buckets::save(const std::string& dir, std::string* err) const { return write_file(file_of(dir), text(), err); }

std::vector<std::string> Buckets::lines() const {
  std::vector<const FailureBucket*> now;
  for (const auto& [title, b] : by_title_)
    if (b.seen > 0) now.push_back(&b);
  std::stable_sort(now.begin(), now.end(), [](const FailureBucket* a, const FailureBucket* b) { return a->seen > b->seen; });
  std::vector<std::string> out;
  for (const FailureBucket* b : now) {
    std::string kept;
    for (const auto& k : b->kept) kept += (kept.empty() ? "" : ", ") + std::filesystem::path(k.path).filename().string();
    long dropped = b->seen - long(b->kept.size());
    std::string line = b->site.substr(0, b->site.rfind(" ("));  // the title names the function
    out.push_back(fmt::format("    {}x {} ({}) {}; kept: {}{}", b->seen, b->title, line.empty() ? "?" : line,
                              b->known() ? "known" : "new", kept.empty() ? "none" : kept,
                              dropped > 0 ? fmt::format(" (+{} not kept)", dropped) : ""));
  }
  return out;
}

}  // namespace hazsim::cli
