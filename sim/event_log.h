// The record of a run: the last kRing events (printed with a failure), every event when a trace
// is asked for, and the schedule hash, which folds in each event's vCPU, task, kind, source line
// and address. Two runs with the same hash made the same steps.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "sim/access.h"
#include "sim/hash.h"

namespace hazsim {

class EventLog {
 public:
  static constexpr size_t kRing = 64;

  void reset() {
    hash_.reset();
    pos_ = 0;
    trace_base_ = full_trace_ ? full_trace_->size() : 0;
  }
  // Every event of the next runs is appended here too (nullptr: only the ring).
  void set_full_trace(std::vector<Event>* trace) { full_trace_ = trace; }
  bool tracing() const { return full_trace_ != nullptr; }

  void record(uint64_t step, uint64_t now, int cpu, int pid, AccessKind kind, uint64_t addr, const Site& site) {
    Event& e = ring_[pos_++ & (kRing - 1)];
    e.step = step;
    e.now = now;
    e.cpu = int16_t(cpu);
    e.pid = pid;
    e.kind = kind;
    e.valued = false;
    e.flags = 0;
    e.line = site.line();
    e.func = site.function_name();
    e.addr = addr;
    if (full_trace_) [[unlikely]]
      full_trace_->push_back(e);
    hash_.add((uint64_t(uint16_t(e.cpu)) << 48) ^ (uint64_t(uint32_t(e.pid)) << 16) ^ uint64_t(kind) ^
              (uint64_t(e.line) << 24));
    hash_.add(addr);
  }
  // A named span's edge: in the ring and the trace, not in the hash (spans are annotations).
  void record_name(uint64_t step, uint64_t now, int cpu, int pid, AccessKind kind, const char* name) {
    Event& e = ring_[pos_++ & (kRing - 1)];
    e = Event{};
    e.step = step, e.now = now, e.cpu = int16_t(cpu), e.pid = pid, e.kind = kind, e.func = name;
    if (full_trace_) [[unlikely]]
      full_trace_->push_back(e);
  }
  // A full trace's last event gets its context flags (Event::flags).
  void set_trace_flags(uint8_t flags) {
    if (full_trace_ && !full_trace_->empty()) full_trace_->back().flags = flags;
  }
  // The position the next event takes; note_value() finds an event by it.
  uint64_t pos() const { return pos_; }
  // The value of the access recorded at `at` (if the ring still holds it, and in the trace);
  // kNoEvent (an access outside a run) notes nothing.
  static constexpr uint64_t kNoEvent = UINT64_MAX;
  void note_value(uint64_t at, uint64_t v) {
    if (at >= pos_) return;
    if (pos_ - at <= kRing) {
      Event& e = ring_[at & (kRing - 1)];
      e.value = v;
      e.valued = true;
    }
    if (full_trace_) [[unlikely]]
      if (size_t i = trace_base_ + at; i < full_trace_->size())
        (*full_trace_)[i].value = v, (*full_trace_)[i].valued = true;
  }
  void fold(uint64_t v) { hash_.add(v); }
  uint64_t hash() const { return hash_.value(); }

  // The ring's events, oldest first.
  std::vector<Event> last_events() const {
    std::vector<Event> out;
    size_t n = std::min<uint64_t>(pos_, kRing);
    for (uint64_t i = pos_ - n; i < pos_; ++i) out.push_back(ring_[i & (kRing - 1)]);
    return out;
  }

 private:
  std::array<Event, kRing> ring_{};
  uint64_t pos_ = 0;
  RunHash hash_;
  std::vector<Event>* full_trace_ = nullptr;
  size_t trace_base_ = 0;  // the trace's length when this run began
};

}  // namespace hazsim
