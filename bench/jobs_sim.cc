// How well `hazsim fuzz --jobs N` keeps N workers busy. Campaigns advance in rounds (see
// scenarios/campaign_coverage.h): a run may start only once the rounds whose corpus it reads are
// merged. This program measures the cost (steps) of real runs of the default campaign
// (TORTURE/v5, portfolio) and simulates N workers taking positions in order under that rule,
// for the rule as it is (lag kCorpusLag) and as it was (lag 0), and prints the efficiency
// (busy time / (N * makespan)). This machine has 2 cores; the simulation stands in for 64.
//   bazel run //bench:jobs_sim -- [runs]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "scenarios/campaign_coverage.h"
#include "scenarios/library.h"
#include "scenarios/runner.h"

namespace {

double efficiency(const std::vector<double>& cost, int workers, long lag) {
  std::vector<double> free_at(size_t(workers), 0.0);
  std::vector<double> done_by(cost.size() + 1, 0.0);  // done_by[k]: when positions < k have all finished
  double busy = 0, makespan = 0;
  for (size_t k = 0; k < cost.size(); ++k) {
    long rounds = std::max(0L, long(k) / hazsim::kCampaignRound - lag);
    size_t gate = size_t(rounds * hazsim::kCampaignRound);
    auto w = std::min_element(free_at.begin(), free_at.end());
    double start = std::max(*w, done_by[std::min(gate, k)]);
    double end = start + cost[k];
    *w = end;
    busy += cost[k];
    makespan = std::max(makespan, end);
    done_by[k + 1] = std::max(done_by[k], end);
  }
  return busy / (double(workers) * makespan);
}

}  // namespace

int main(int argc, char** argv) {
  long runs = argc > 1 ? std::atol(argv[1]) : 512;
  if (runs < hazsim::kCampaignRound) {
    std::fprintf(stderr, "usage: jobs_sim [runs >= %ld]\n", hazsim::kCampaignRound);
    return 2;
  }
  hazsim::Params p;
  std::string err;
  if (!hazsim::load_scenario("TORTURE", &p, &err) || !p.set("design", "v5", &err) || !p.set("strategy", "portfolio", &err)) {
    std::fprintf(stderr, "jobs_sim: %s\n", err.c_str());
    return 2;
  }
  hazsim::Machine m;
  std::vector<double> cost;
  for (long seed = 1; seed <= runs; ++seed) {
    p.set("seed", std::to_string(seed), &err);
    cost.push_back(double(hazsim::run_scenario(m, p).run.steps));
  }
  std::printf("efficiency of --jobs N over %ld runs of TORTURE/v5 (portfolio), rounds of %ld:\n", runs,
              hazsim::kCampaignRound);
  std::printf("%6s  %12s  %9s %ld (now)  %12s\n", "jobs", "lag 0 (was)", "lag", hazsim::kCorpusLag, "no rounds");
  for (int n : {1, 2, 4, 8, 16, 32, 64})
    std::printf("%6d  %11.0f%%  %11.0f%%  %11.0f%%\n", n, 100 * efficiency(cost, n, 0),
                100 * efficiency(cost, n, hazsim::kCorpusLag), 100 * efficiency(cost, n, long(cost.size())));
  return 0;
}
