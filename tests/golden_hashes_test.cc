// Schedule hashes pinned across refactorings of the machine. A matrix of runs (every scenario, the
// designs, every memory model, the strategies that make different choices) is compared with
// tests/golden_hashes.txt, which was written by the build before the change. A change that means to
// alter schedules (a new choice, a workload modelled differently) regenerates the file and says
// so in its commit, after raising kScheduleGeneration (sim/schedule_file.h), which the file's first
// line records: --update refuses to write a run whose outcome changed under the same generation
// (runs added to the matrix are no change), so that a saved schedule's "generation" always says
// whether it can still replay.
//   bazel run //tests:golden_hashes_test -- --update=$PWD/tests/golden_hashes.txt
#include <gtest/gtest.h>

#include <charconv>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "scenarios/library.h"
#include "scenarios/runner.h"
#include "sim/schedule_file.h"

namespace hazsim {
namespace {

std::string g_update_path;

struct Key {
  std::string scenario, design, memory_model, strategy;
  int seed;
  std::string text() const {
    return scenario + " " + design + " " + memory_model + " " + strategy + " " + std::to_string(seed);
  }
};

std::vector<Key> matrix() {
  std::vector<Key> keys;
  for (const std::string& scn : scenario_names())
    for (const char* design : {"v4", "v5", "listphase", "twophase", "pertask", "busted"})
      for (const char* mm : {"sc", "tso", "pso", "weak"})
        for (const char* strategy : {"random", "pct:3", "arm"})
          for (int seed : {1, 2}) keys.push_back({scn, design, mm, strategy, seed});
  return keys;
}

// "HASH STEPS" of one run, or "refused" when the design cannot run the scenario.
std::string outcome(Machine& m, const Key& k) {
  Params p;
  std::string err;
  EXPECT_TRUE(load_scenario(k.scenario, &p, &err)) << err;
  EXPECT_TRUE(p.set("design", k.design, &err)) << err;
  EXPECT_TRUE(p.set("memory_model", k.memory_model, &err)) << err;
  EXPECT_TRUE(p.set("strategy", k.strategy, &err)) << err;
  EXPECT_TRUE(p.set("seed", std::to_string(k.seed), &err)) << err;
  if (p.num("passive_tasks") > 100) {
    EXPECT_TRUE(p.set("passive_tasks", "100", &err)) << err;
  }
  ScenarioOutcome o = run_scenario(m, p);
  if (!o.error.empty()) return "refused";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%016llx %llu", static_cast<unsigned long long>(o.run.hash),
                static_cast<unsigned long long>(o.run.steps));
  return buf;
}

struct Golden {
  uint64_t generation = 0;  // from the "# schedule generation N" first line; 0 if absent
  std::map<std::string, std::string> runs;
};

bool read_golden(const std::string& path, Golden* g) {
  std::ifstream in(path);
  if (!in.good()) return false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# schedule generation ", 0) == 0) {
      // A malformed header is an error of the file, not an exception out of the test.
      std::string n = line.substr(22);
      auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), g->generation);
      if (ec != std::errc() || end != n.data() + n.size()) return false;
    }
    auto eq = line.find(" = ");
    if (eq != std::string::npos) g->runs[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return true;
}

TEST(GoldenHashes, EveryRunOfTheMatrixKeepsItsScheduleHash) {
  Machine m;
  std::vector<Key> keys = matrix();
  if (!g_update_path.empty()) {
    Golden old;
    std::map<std::string, std::string> now;
    for (const Key& k : keys) now[k.text()] = outcome(m, k);
    // Runs added to the matrix (a new scenario) are no change of schedules; a run whose hash moved is.
    if (read_golden(g_update_path, &old) && old.generation == kScheduleGeneration)
      for (const auto& [run, outcome_then] : old.runs)
        if (now.count(run) == 0 || now[run] != outcome_then)
          FAIL() << run << " changed but kScheduleGeneration is still " << kScheduleGeneration
                 << ": raise it in sim/schedule_file.h (saved schedules of this generation would no longer replay)";
    std::ofstream out(g_update_path);
    out << "# schedule generation " << kScheduleGeneration << "\n";
    for (const Key& k : keys) out << k.text() << " = " << now[k.text()] << "\n";
    ASSERT_TRUE(out.good()) << "cannot write " << g_update_path;
    GTEST_SKIP() << "wrote " << keys.size() << " hashes to " << g_update_path;
  }
  Golden golden;
  ASSERT_TRUE(read_golden("tests/golden_hashes.txt", &golden))
      << "tests/golden_hashes.txt is missing or its generation line is malformed";
  EXPECT_EQ(golden.generation, kScheduleGeneration)
      << "tests/golden_hashes.txt was written for another schedule generation";
  const auto& want = golden.runs;
  ASSERT_EQ(want.size(), keys.size()) << "the matrix and the golden file differ in size";
  int differ = 0;
  for (const Key& k : keys) {
    auto it = want.find(k.text());
    ASSERT_NE(it, want.end()) << k.text() << " is not in the golden file";
    std::string got = outcome(m, k);
    if (got != it->second && ++differ <= 20) ADD_FAILURE() << k.text() << ": " << got << ", golden " << it->second;
  }
  EXPECT_EQ(differ, 0) << differ << " of " << keys.size() << " runs changed their schedule";
}

}  // namespace
}  // namespace hazsim

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--update=", 0) == 0) hazsim::g_update_path = a.substr(9);
  }
  return RUN_ALL_TESTS();
}
