// Schedule files: `{seed, parameters, decisions[]}` plus what the run ended in, so a rerun can be
// checked for divergence. A versioned text format, `key = value` lines like the scenario files,
// then the choices run-length encoded (`v` or `v*count`).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/files.h"  // write_file and read_file, which schedule files are read and written with

namespace hazsim {

inline constexpr const char* kScheduleFormat = "hazsim-schedule 1";
// The schedule generation: raised by every change that makes a seed or a saved schedule run
// differently on purpose (tests/golden_hashes.txt records it, and its --update refuses a changed
// matrix under the same generation). 1: files written before the field existed; 2: sites armed by
// file and line, not by the compiler's function name (issue 17); 3: the torture's timer_reader
// moved the lines of scenarios/torture.h's later sites, which every event hash folds in; 4: its
// release_twice moved them again (3 was never in a landed build); 5: the per-task design's
// hazptr_exit() runs in every exiting task's do_exit() (its runs alone change); 6: under weak,
// smp_mb() is the LKMM's strong fence, not "every store that reached memory" (weak runs change).
inline constexpr uint64_t kScheduleGeneration = 6;
// At most this many choices in a file (512 MiB of them in memory): far beyond any run's record
// at the default bounds, and a stop for run-length counts that would exhaust memory.
inline constexpr uint64_t kMaxChoices = uint64_t(1) << 28;

struct ScheduleFile {
  std::vector<std::pair<std::string, std::string>> params;  // every run parameter
  bool failed = false;
  std::string oracle = "none";
  uint64_t steps = 0;
  uint64_t hash = 0;
  uint64_t generation = kScheduleGeneration;  // of the hazsim that wrote it
  std::string source;                          // its source digest (hex), "" if not recorded
  std::vector<uint16_t> decisions;
};

std::string format_schedule(const ScheduleFile& s);
// false with *err one line ("FILE:LINE: ...") on any malformed input; never crashes.
bool parse_schedule(const std::string& text, const std::string& origin, ScheduleFile* out, std::string* err);


}  // namespace hazsim
