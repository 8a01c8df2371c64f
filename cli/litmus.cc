#include "cli/litmus.h"

#include <fmt/format.h>

#include "cli/common.h"
#include "scenarios/litmus.h"
#include "sim/files.h"

namespace hazsim {

int cmd_litmus(const std::vector<std::string>& files, const std::string& memory_model, uint64_t max_runs,
               bool dpor) {
  MemoryModel model;
  if (!memory_model_from_name(memory_model, &model))
    return cli::usage_error(fmt::format("unknown memory model '{}' (sc, tso, pso, weak)", memory_model));
  int status = 0;
  for (const std::string& f : files) {
    std::string text, err;
    if (!read_file(f, &text, &err)) {
      fmt::print(stderr, "hazsim: {}\n", err);
      return 2;
    }
    litmus::Test t;
    if (!litmus::parse(text, &t, &err)) {
      fmt::print(stderr, "hazsim: {}: {}\n", f, err);
      return 2;
    }
    litmus::Outcome o = litmus::run(t, model, max_runs, dpor);
    if (!o.error.empty()) {
      fmt::print(stderr, "hazsim: {}: {}\n", f, o.error);
      return 2;
    }
    fmt::print("{}", litmus::report(t, o, model));
    if (!t.result) {
      fmt::print("\n");
      continue;
    }
    litmus::Verdict got = litmus::verdict(o);
    const std::string& want = *t.result;
    // The Result: comment is the LKMM's verdict. A model reaching a state the LKMM forbids is
    // weaker than the LKMM: an error. A model that never reaches what the LKMM allows is stronger
    // (sc, tso and pso are, by design; weak is only where README.md says so): reported.
    bool forbidden_reached = (want == "Never" && got != litmus::Verdict::kNever) ||
                             (want == "Always" && got != litmus::Verdict::kAlways);
    if (forbidden_reached) {
      fmt::print("Result (LKMM): {}; hazsim {}: {}: CONTRADICTION, the model reached a state the LKMM forbids\n\n",
                 want, memory_model, litmus::verdict_name(got));
      status = 1;
    } else if (want != litmus::verdict_name(got)) {
      fmt::print("Result (LKMM): {}; hazsim {}: {}: stronger than the LKMM here\n\n", want, memory_model,
                 litmus::verdict_name(got));
    } else {
      fmt::print("Result (LKMM): {}; hazsim {}: agrees\n\n", want, memory_model);
    }
  }
  return status;
}

}  // namespace hazsim
