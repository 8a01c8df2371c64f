// The vocabulary of the decision stream: every choice the machine makes is one of these, a small
// integer in [0, n) where 0 is always the uneventful one (stay on this vCPU, do not preempt, do
// not deliver, do not migrate), so a schedule that runs out of recorded choices continues
// uneventfully, and shrinking can work by zeroing.
#pragma once
#include <cstdint>

namespace hazsim {

enum class Choice : uint8_t {
  kCpu,      // which vCPU performs the next access (value = offset from the current one)
  kIrq,      // deliver a pending interrupt now
  kPreempt,  // preempt the running task at this access
  kMigrate,  // move a task that is being enqueued to another vCPU (value = offset)
  kDrain,    // drain the oldest buffered store of one vCPU now (value = 1 + index among vCPUs with stores)
  kDrainEntry,  // PSO: which of the stores eligible to drain (value = index)
  kStall,       // arm: at an armed site, stall this vCPU for 2^value steps of virtual time
  kReadFrom,    // weak: which message a load returns (value = how many older than the newest it may see)
};
inline constexpr uint32_t choice_bit(Choice c) { return 1u << unsigned(c); }

}  // namespace hazsim
