// Failure buckets, as syzkaller groups crashes: a campaign's failures by design, oracle, the
// function where the oracle fired and the design call it fired under, each with a one-line title
// ("use-after-free in hazptr_chain_backup_slot from hazptr_acquire [v5]"), how often it was seen,
// and the few schedule files kept for it.
// ARTIFACTS/buckets.txt carries the buckets from one campaign to the next in the same directory,
// so a bucket an earlier campaign saw is marked known.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "oracles/oracle.h"

namespace hazsim::cli {

struct FailureBucket {
  std::string title;
  std::string site;  // the design line ("hazptr/v5.h:235 (hazptr_chain_backup_slot)")
  long seen = 0;     // failures in this campaign
  long seen_before = 0;  // in the earlier campaigns of the directory
  struct Kept {
    long position;     // the run's place in the campaign (seed order)
    std::string path;  // its schedule file
  };
  std::vector<Kept> kept;  // this campaign's, at most max_kept, by position
  bool known() const { return seen_before > 0; }
};

class Buckets {
 public:
  explicit Buckets(size_t max_kept) : max_kept_(max_kept) {}

  // The bucket of a failure of `design`; counts it.
  FailureBucket& add(const std::string& design, const Failure& f);
  // Whether the failure of the run at `position` is to be kept: a bucket keeps the max_kept runs of
  // lowest position (0: every one), whatever order they finish in, so that a campaign keeps the
  // same files for any --jobs. When it is, *evict is the file it replaces ("" if none).
  bool admit(const FailureBucket& b, long position, std::string* evict) const;
  // The file of the run at `position` was written: it is kept, and `evicted` (if any) is not.
  void kept(FailureBucket& b, long position, const std::string& path, const std::string& evicted);

  // The buckets of the earlier campaigns in `dir` (no file: none); false with *err on a bad file.
  bool load(const std::string& dir, std::string* err);
  // The same from the text of such a file (`name` for errors, which are one line with its line).
  bool parse(const std::string& text, const std::string& name, std::string* err);
  // Writes dir/buckets.txt: the earlier buckets and this campaign's, counts added.
  bool save(const std::string& dir, std::string* err) const;
  std::string text() const;  // what save() writes
  // This campaign's buckets, most seen first: "  12x TITLE (SITE) new|known; kept: FILES (+N not kept)".
  std::vector<std::string> lines() const;
  bool empty() const { return seen_ == 0; }
  // This campaign's buckets, in title order.
  template <class F>
  void for_each(F f) const {
    for (const auto& [title, b] : by_title_)
      if (b.seen > 0) f(b);
  }

 private:
  size_t max_kept_;
  long seen_ = 0;
  std::map<std::string, FailureBucket> by_title_;
};

}  // namespace hazsim::cli
