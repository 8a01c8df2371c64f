// What the oracles found in one run. Every oracle reports through the machine (Machine::fail(),
// report() and warn(), sched/failure.cc), which says who and where; this keeps what was found:
// the first failure, which stops the run, and under panic_on_warn=0 the WARNs the run went on
// past (each WARN_ON_ONCE site only the first time, as the kernel prints it).
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "oracles/oracle.h"

namespace hazsim {

class RunReports {
 public:
  static constexpr size_t kMaxWarnings = 16;  // kept; the rest are only counted

  void reset() {
    failure_ = Failure{};
    failed_ = false;
    warnings_.clear();
    warned_sites_.clear();
    fired_ = 0;
  }
  bool failed() const { return failed_; }
  const Failure& failure() const { return failure_; }
  // The run's failure to fill in, if it has none yet; else nullptr (the first one stands).
  Failure* first_failure() {
    if (failed_) return nullptr;
    failed_ = true;
    failure_ = Failure{};
    return &failure_;
  }
  // A WARN fired at `where` (FILE:LINE): false if it is a WARN_ON_ONCE (`once`) whose site fired
  // before, which the kernel does not print again; else it counts.
  bool warning_counts(const std::string& where, bool once) {
    if (once) {
      if (std::find(warned_sites_.begin(), warned_sites_.end(), where) != warned_sites_.end()) return false;
      warned_sites_.push_back(where);
    }
    ++fired_;
    return true;
  }
  // The record of the WARN just counted, to fill in; nullptr past kMaxWarnings.
  Failure* keep_warning() { return warnings_.size() == kMaxWarnings ? nullptr : &warnings_.emplace_back(); }
  // The end of a run: one that went on past WARNs and met no other oracle fails with the first.
  void settle() {
    if (!failed_ && !warnings_.empty()) {
      failed_ = true;
      failure_ = warnings_.front();
    }
  }
  const std::vector<Failure>& warnings() const { return warnings_; }
  uint64_t warnings_fired() const { return fired_; }

 private:
  Failure failure_;
  bool failed_ = false;
  std::vector<Failure> warnings_;          // oldest first
  std::vector<std::string> warned_sites_;  // the WARN_ON_ONCE sites that have fired
  uint64_t fired_ = 0;
};

}  // namespace hazsim
