#include "sim/access.h"

namespace hazsim {

const char* access_kind_name(AccessKind k) {
  switch (k) {
    case AccessKind::kLoad: return "load";
    case AccessKind::kStore: return "store";
    case AccessKind::kRmw: return "rmw";
    case AccessKind::kFence: return "fence";
    case AccessKind::kRelax: return "relax";
    case AccessKind::kIdle: return "idle";
    case AccessKind::kSwitch: return "switch-to";
    case AccessKind::kPreempt: return "preempt";
    case AccessKind::kIrqEnter: return "irq-enter";
    case AccessKind::kIrqExit: return "irq-exit";
    case AccessKind::kWake: return "wake";
    case AccessKind::kSleep: return "sleep";
    case AccessKind::kMigrate: return "migrate";
    case AccessKind::kExit: return "exit";
    case AccessKind::kDrain: return "drain";
    case AccessKind::kSpanBegin: return "begin";
    case AccessKind::kSpanEnd: return "end";
    case AccessKind::kHolds: return "held";
    case AccessKind::kStall: return "stall";
    case AccessKind::kSoftirqEnter: return "softirq-enter";
    case AccessKind::kSoftirqExit: return "softirq-exit";
  }
  return "?";
}

}  // namespace hazsim
