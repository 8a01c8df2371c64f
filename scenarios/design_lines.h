// A campaign's design-line coverage (issue 12): which lines of the design's code ran, how often,
// and in which contexts, summed over runs (each run's counts come from the machine,
// explore/line_coverage.h, indexed by the lines enrolled in kapi/line_note.h). A design's lines
// are those of every class of design code that ran at least once in the campaign, so a variant
// that inherits v4's functions is shown v4's lines too.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "explore/line_coverage.h"

namespace hazsim {

class DesignLines {
 public:
  void merge(const LineCounts& run);
  void merge(const DesignLines& other);

  // One source line of design code (several notes on one line are one line here).
  struct Line {
    std::string file;  // from "hazptr/"
    uint32_t line = 0;
    std::string func;  // the design function that holds it
    uint64_t runs = 0;  // times it ran
    uint8_t contexts = 0;  // LineContext bits
  };
  // The lines of the designs that ran, in file and line order.
  std::vector<Line> lines() const;
  // "hazptr/v5.h:301 (hazptr_detach)" for each line that never ran.
  std::vector<std::string> never_run() const;
  // One line per design line: where, function, times run, contexts; a header with the totals.
  std::string table() const;

 private:
  std::vector<uint64_t> runs_;  // by enrolment index
  std::vector<uint8_t> contexts_;
};

// "task,preempt-off" for LineContext bits ("-" for none: the line ran only at boot).
std::string line_contexts_text(uint8_t bits);

}  // namespace hazsim
