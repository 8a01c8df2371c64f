// Shrinking's replay: choices keyed by who made them and where, not by their position in the
// stream. A positional schedule read after one of its early events is removed shifts every later
// choice onto another decision point (virtual time, the step count and the vCPUs with work all
// move), so removing one preemption loses the rest of the schedule. Keyed, a choice is "the 3rd
// kPreempt choice of pid 5 at hazptr/v5.h:233", and survives what happens before it; a vCPU choice
// is kept as the task it switched to, not as an offset among the vCPUs that have work then.
// Used only by shrink's runs (explore/ is otherwise positional): it asks the machine about every
// choice through ChoiceContext's function pointers, which is no cost to any other run.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "explore/replay.h"
#include "sim/choice.h"

namespace hazsim {

// What the machine tells keyed replay about the choice it is making.
struct ChoiceContext {
  const void* machine = nullptr;
  // Who chooses, where: the running task (or the vCPU, for an idle one) and its site, hashed.
  uint64_t (*where)(const void* machine) = nullptr;
  // A vCPU choice of value v: the task that runs next if v is chosen (a vCPU's id for its idle task).
  int64_t (*cpu_target)(const void* machine, uint32_t v) = nullptr;
};

struct KeyedChoice {
  uint64_t where = 0;       // (kind, who, where) hashed
  uint32_t occurrence = 0;  // of that triple in the run, from 0
  uint16_t value = 0;
  int64_t target = 0;  // a vCPU choice: the task it switched to (ChoiceContext::cpu_target)
  bool operator==(const KeyedChoice&) const = default;
};

// A map from 64-bit keys (already well mixed) to 32-bit values: open addressing, linear probing,
// never more than half full. Key 0 marks an empty cell, so a key of 0 is stored as 1 (the two
// share a cell: a collision of mixed hashes, as likely as any other).
class KeyMap {
 public:
  void clear() { std::fill(cells_.begin(), cells_.end(), Cell{}), size_ = 0; }
  size_t size() const { return size_; }
  uint32_t* find(uint64_t key) {
    if (cells_.empty()) return nullptr;
    for (size_t i = index(key);; i = (i + 1) & (cells_.size() - 1)) {
      if (cells_[i].key == (key | (key == 0))) return &cells_[i].value;
      if (cells_[i].key == 0) return nullptr;
    }
  }
  uint32_t& operator[](uint64_t key) {
    if (uint32_t* v = find(key)) return *v;
    if (2 * (size_ + 1) > cells_.size()) grow();
    size_t i = index(key);
    while (cells_[i].key != 0) i = (i + 1) & (cells_.size() - 1);
    ++size_;
    cells_[i].key = key | (key == 0);
    return cells_[i].value;
  }

 private:
  struct Cell {
    uint64_t key = 0;
    uint32_t value = 0;
  };
  size_t index(uint64_t key) const { return size_t(key ^ (key >> 29)) & (cells_.size() - 1); }
  void grow() {
    std::vector<Cell> old = std::move(cells_);
    cells_.assign(std::max<size_t>(64, 2 * old.size()), Cell{});
    size_ = 0;
    for (const Cell& c : old)
      if (c.key != 0) (*this)[c.key] = c.value;
  }
  std::vector<Cell> cells_;
  size_t size_ = 0;
};

class KeyedReplay {
 public:
  // Values from `script` in order, as a replay; every eventful choice is noted with its key.
  void start_learning(const std::vector<uint16_t>* script);
  // Values from `choices` by key; a choice whose key is absent is 0 (uneventful).
  void start_keyed(const std::vector<KeyedChoice>* choices);

  uint32_t choose(const ChoiceContext& ctx, Choice c, uint32_t n);

  // The run's eventful choices with their keys, in the order they were made: what a shrink
  // candidate removes from.
  const std::vector<KeyedChoice>& noted() const { return noted_; }
  bool diverged() const { return cursor_.diverged; }
  size_t consumed() const { return cursor_.pos; }

 private:
  void restart();
  struct Triple;
  Triple& triple(uint64_t where);

  ScriptCursor cursor_;  // learning's script
  const std::vector<KeyedChoice>* choices_ = nullptr;
  // Per (kind, who, where) seen: how many choices it has made, and the candidate's choices of
  // that triple by occurrence (indices into *choices_) with the next one to come. Occurrences
  // only grow, so a choice is one lookup in a map as small as the number of sites.
  struct Triple {
    uint32_t count = 0;
    uint32_t next = 0;
    std::vector<uint32_t> chosen;
  };
  KeyMap triple_of_;  // where -> index in triples_
  std::vector<Triple> triples_;
  std::vector<KeyedChoice> noted_;
};

}  // namespace hazsim
