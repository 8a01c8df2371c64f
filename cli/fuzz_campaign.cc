#include "cli/fuzz_campaign.h"

#include <fmt/format.h>

#include <filesystem>

#include "sim/files.h"

namespace hazsim::cli {

void note_lost(FuzzTotals* t, bool saved, const std::string& why) {
  if (saved) return;
  if (t->lost++ == 0) t->lost_why = why;
}

std::string keep_failure(FuzzTotals* t, Buckets* buckets, const Params& p, const ScenarioOutcome& out, long position,
                         const std::string& path, bool* saved) {
  FailureBucket& b = buckets->add(p.str("design"), out.run.failure);
  *saved = false;
  std::string evict;
  if (!buckets->admit(b, position, &evict))
    return fmt::format("not kept: its bucket ({}) has its schedules (--max-artifacts)", b.title);
  std::string werr;
  *saved = write_file(path, format_schedule(schedule_of(p, out)), &werr);
  note_lost(t, *saved, werr);
  if (!*saved) return "could not save: " + werr;
  std::error_code ec;
  if (!evict.empty()) std::filesystem::remove(evict, ec);  // gone already: nothing to keep either way
  buckets->kept(b, position, path, evict);
  return "replay: hazsim replay " + path;
}

}  // namespace hazsim::cli
