// Incremental hash of an execution: the schedule hash printed at the end of every run.
#pragma once
#include <cstdint>

namespace hazsim {

class RunHash {
 public:
  void add(uint64_t v) {
    h_ ^= v + 0x9e3779b97f4a7c15ULL + (h_ << 6) + (h_ >> 2);
    h_ = (h_ ^ (h_ >> 31)) * 0x7fb5d329728ea185ULL;
  }
  uint64_t value() const { return h_; }
  void reset() { h_ = 0xcbf29ce484222325ULL; }

 private:
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace hazsim
