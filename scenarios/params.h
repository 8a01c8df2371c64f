// Run parameters: every key a scenario file, `--set key=value`, or a schedule file may carry.
// One table defines them (name, default, meaning, allowed values), so parsing, validation, help
// and saved schedules cannot drift apart.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hazsim {

enum class ParamType { kInt, kBool, kProb, kChoice, kDesign, kMutation, kStrategy, kKconfig, kWorkload, kCostProfile };

struct ParamSpec {
  const char* key;
  const char* def;
  ParamType type;
  int64_t min = 0, max = 0;      // kInt
  const char* choices = "";      // kChoice: space-separated
  const char* help = "";
};

class Params {
 public:
  static const std::vector<ParamSpec>& specs();

  Params();  // every key at its default

  // false with *err set to one line if the key is unknown or the value invalid.
  bool set(const std::string& key, const std::string& value, std::string* err);
  // A campaign's runs differ by their seed: set per run without the checks set() makes (a
  // tenth of a small test's run was set("seed") comparing its key with every name). Modulo 2^63.
  void set_seed(uint64_t seed);
  // Reads `key = value` lines (# comments). `origin` names the file in errors.
  bool load_text(const std::string& text, const std::string& origin, std::string* err);

  // Looked up by a view: a run's set-up reads some twenty keys, each a literal that would
  // otherwise become a std::string.
  const std::string& str(std::string_view key) const;
  int64_t num(std::string_view key) const;
  bool flag(std::string_view key) const { return num(key) != 0; }
  uint32_t ppm(std::string_view key) const;  // a probability in parts per million

  const std::vector<std::pair<std::string, std::string>>& items() const { return values_; }
  // Changes whenever a parameter other than the seed does (a copy keeps it): what a run derives
  // from the rest (its MachineConfig) may be kept while it stays the same.
  uint64_t version_without_seed() const { return version_; }
  // num("seed"), kept as a number: a run reads it first thing, and parsing it cost more than the
  // rest of a small test's set-up.
  uint64_t seed() const { return uint64_t(seed_); }

 private:
  std::vector<std::pair<std::string, std::string>> values_;  // in spec order
  uint64_t version_ = next_version();
  int64_t seed_ = 1;  // the spec's default (params.cc)
  static uint64_t next_version();
};

bool parse_int(const std::string& s, int64_t* out);
bool parse_prob_ppm(const std::string& s, uint32_t* out);

}  // namespace hazsim
