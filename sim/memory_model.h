// The memory models: what a store does between the instruction and memory, and where a load
// finds its value. Each vCPU has a store buffer; the models differ in what may leave it when.
//   sc:  every store goes straight to memory (the buffer stays empty).
//   tso: a FIFO store buffer, loads forwarded from it, drained by full barriers, RMW atomics and
//        lock operations, and at steps the decision stream chooses (x86).
//   pso: as tso, but stores to different locations may also drain out of order, except across a
//        release store, smp_wmb() or a full barrier (SPARC PSO).
//   weak: as pso for the buffer, and loads may return older values than memory holds, as far as
//        the barriers and dependencies allow (arm64, POWER, the LKMM): sim/weak_memory.h.
// Loads are never reordered under sc, tso and pso.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include "sim/access.h"

namespace hazsim {

enum class MemoryModel : uint8_t { kSC, kTSO, kPSO, kWeak };
const char* memory_model_name(MemoryModel m);
bool memory_model_from_name(const std::string& s, MemoryModel* out);

struct BufferedStore {
  void* addr;
  uint64_t value;
  uint8_t size;
  uint32_t group;  // pso, weak: stores of a lower group drain first (release and smp_wmb start a group)
  uint8_t view_slot;  // weak: the release view it carries (WeakMemory::kNoSlot: none)
  int pid;
  uint64_t step;
  Site site;
};

struct StoreBuffer {
  static constexpr uint32_t kCapacity = 32;
  std::array<BufferedStore, kCapacity> e{};
  uint32_t n = 0;
  uint32_t group = 0;

  // smp_wmb(): under pso, later stores may not drain before earlier ones.
  void order_later_stores() {
    if (n != 0) ++group;
  }
  // Where a load of [p, p+size) finds its value in this buffer.
  enum class Forward : uint8_t { kMemory, kForwarded, kMustDrain };
  Forward forward(const void* p, void* out, size_t size) const {
    const char* lo = static_cast<const char*>(p);
    for (uint32_t i = n; i-- > 0;) {
      const BufferedStore& s = e[i];
      const char* slo = static_cast<const char*>(s.addr);
      if (slo == lo && s.size == size) {
        std::memcpy(out, &s.value, size);
        return Forward::kForwarded;
      }
      if (slo < lo + size && lo < slo + s.size) return Forward::kMustDrain;  // partial overlap
    }
    return Forward::kMemory;
  }
  // pso: the entries that may drain next (in the oldest group, and the oldest buffered store to
  // their location); returns how many were written to out.
  uint32_t drainable(std::array<uint32_t, kCapacity>* out) const;
  // Removes entry idx (the rest keep their order) and returns it.
  BufferedStore take(uint32_t idx) {
    BufferedStore s = e[idx];
    for (uint32_t i = idx + 1; i < n; ++i) e[i - 1] = e[i];
    --n;
    return s;
  }
};

// The buffers of every vCPU, with the counts the step needs to skip them cheaply.
class StoreBuffers {
 public:
  void reset() {
    pending_ = 0;
    nonempty_ = 0;
  }
  uint32_t pending() const { return pending_; }    // buffered stores over all vCPUs
  uint32_t nonempty() const { return nonempty_; }  // vCPUs with at least one buffered store

  // The buffer must not be full (drain its oldest first). `new_group`: a release store under pso,
  // which earlier stores must drain before.
  void push(StoreBuffer& sb, const BufferedStore& s, bool new_group) {
    if (new_group && sb.n != 0) ++sb.group;
    if (sb.n == 0) ++nonempty_;
    sb.e[sb.n] = s;
    sb.e[sb.n++].group = sb.group;
    ++pending_;
  }
  BufferedStore take(StoreBuffer& sb, uint32_t idx) {
    BufferedStore s = sb.take(idx);
    if (sb.n == 0) --nonempty_;
    --pending_;
    return s;
  }

 private:
  uint32_t pending_ = 0;
  uint32_t nonempty_ = 0;
};

}  // namespace hazsim
