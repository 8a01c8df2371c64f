// Design-line coverage of one run: how often each enrolled design line (kapi/line_note.h) ran,
// and in which contexts. Indexed by the line's enrolment index; the names of lines are the
// campaign's business (scenarios/design_lines.h), not the step's.
#pragma once
#include <cstdint>
#include <vector>

namespace hazsim {

// The contexts a line ran in, as bits. A line that ran only in task context with preemption on
// says nothing about how the design behaves when an interrupt or a softirq takes that path.
enum class LineContext : uint8_t {
  kTask,         // process context (the idle task included)
  kHardirq,      // an interrupt handler (an IPI)
  kSoftirq,      // serving a softirq (a timer_list callback, a tasklet)
  kPreemptOff,   // preempt_count != 0 in task context
  kIrqsOff,      // local interrupts disabled
  kBuffered,     // this vCPU had stores waiting in its store buffer (tso, pso, weak)
  kInvalidationsPending,  // weak: other vCPUs' stores had reached memory that this vCPU had not taken yet
};
inline constexpr int kLineContexts = 7;
inline constexpr const char* kLineContextNames[kLineContexts] = {
    "task", "hardirq", "softirq", "preempt-off", "irqs-off", "buffered", "invalidations-pending"};
inline constexpr uint8_t line_context_bit(LineContext c) { return uint8_t(1u << unsigned(c)); }

class LineCounts {
 public:
  // A new run over `lines` enrolled lines: every count back to zero. Only the lines the last run
  // touched are cleared: a small test's run touches a few of the thousands enrolled.
  void reset(size_t lines) {
    if (count_.size() != lines) {
      count_.assign(lines, 0);
      contexts_.assign(lines, 0);
    } else {
      for (uint32_t l : touched_) count_[l] = 0, contexts_[l] = 0;
    }
    touched_.clear();
  }
  void note(uint32_t line, uint8_t contexts) {
    if (line < count_.size()) [[likely]] {
      if (count_[line]++ == 0) touched_.push_back(line);
      contexts_[line] |= contexts;
    }
  }
  const std::vector<uint64_t>& counts() const { return count_; }
  const std::vector<uint8_t>& contexts() const { return contexts_; }
  // The lines this run counted, in the order each first ran.
  const std::vector<uint32_t>& touched() const { return touched_; }

 private:
  std::vector<uint64_t> count_;
  std::vector<uint8_t> contexts_;
  std::vector<uint32_t> touched_;
};

}  // namespace hazsim
