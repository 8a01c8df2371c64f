#include "cli/results.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "cli/common.h"
#include "sim/files.h"

namespace hazsim::cli {

namespace fs = std::filesystem;

namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\', out += char(ch);
    else if (ch < 0x20) out += fmt::format("\\u{:04x}", ch);
    else out += char(ch);
  }
  return out + "\"";
}

}  // namespace

std::string make_campaign_dir(const std::string& root, std::string* err) {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y.%m.%d-%H.%M.%S", &utc);
  std::error_code ec;
  fs::create_directories(root, ec);
  for (int i = 0; i < 100; ++i) {
    std::string dir = fmt::format("{}/{}{}", root, stamp, i == 0 ? "" : fmt::format(".{}", i));
    if (fs::create_directory(dir, ec)) return dir;
    if (ec) break;
  }
  *err = fmt::format("cannot make a campaign directory in {}: {}", root, ec ? ec.message() : "too many this second");
  return "";
}

bool write_summaries(const std::string& dir, const std::string& text, const std::vector<PairRecord>& pairs,
                     const Buckets& buckets, bool interrupted, std::string* err) {
  if (!write_file(dir + "/summary.txt", text, err)) return false;
  std::string j = fmt::format("{{\n  \"format\": \"hazsim-campaign 1\",\n  \"interrupted\": {},\n  \"pairs\": [", interrupted);
  for (size_t i = 0; i < pairs.size(); ++i) {
    const PairRecord& p = pairs[i];
    std::string oracles;
    for (const auto& [o, n] : p.by_oracle) oracles += fmt::format("{}{}: {}", oracles.empty() ? "" : ", ", json_string(o), n);
    j += fmt::format("{}\n    {{\"scenario\": {}, \"design\": {}, \"runs\": {}, \"failures\": {}, \"seconds\": {:.3f}, "
                     "\"oracles\": {{{}}}, \"interrupted\": {}}}",
                     i ? "," : "", json_string(p.scenario), json_string(p.design), p.runs, p.failures, p.seconds,
                     oracles, p.interrupted);
  }
  j += "\n  ],\n  \"buckets\": [";
  bool first = true;
  buckets.for_each([&](const FailureBucket& b) {
    std::string kept;
    for (const auto& k : b.kept) kept += (kept.empty() ? "" : ", ") + json_string(fs::path(k.path).filename().string());
    j += fmt::format("{}\n    {{\"title\": {}, \"site\": {}, \"seen\": {}, \"known\": {}, \"kept\": [{}]}}",
                     first ? "" : ",", json_string(b.title), json_string(b.site), b.seen, b.known(), kept);
    first = false;
  });
  j += "\n  ]\n}\n";
  return write_file(dir + "/summary.json", j, err);
}

int cmd_summary(const std::string& dir) {
  std::error_code ec;
  std::string campaign = dir;
  if (!fs::exists(dir + "/summary.txt", ec)) {
    campaign.clear();
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_directory() && fs::exists(e.path() / "summary.txt") && e.path().string() > campaign)
        campaign = e.path().string();
    if (ec) return usage_error(fmt::format("cannot read {}: {}", dir, ec.message()));
    if (campaign.empty()) return usage_error(dir + " holds no campaign summary (fuzz --results writes them)");
  }
  std::string text, err;
  if (!read_file(campaign + "/summary.txt", &text, &err)) return usage_error(err);
  fmt::print("hazsim-summary: {}\n{}", campaign, text);
  return kExitOk;
}

}  // namespace hazsim::cli
