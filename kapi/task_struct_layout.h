// Where a task_struct stand-in keeps what a task-list walk reads: the `tasks` list link and the
// design's per-task fields, each on lines of its own and apart, as they are in the kernel's
// task_struct (so a walk that skips a task still touches two lines of it, on the same page or
// two). Shared by the cost model's passive tasks (sched/machine.cc) and native timing's task list
// (native/host.h), so that `bench-native --model` puts the two side by side on the same shape.
#pragma once
#include <cstddef>

namespace hazsim::kapi {

inline constexpr size_t kTaskLinkOffset = 1024;
inline constexpr size_t kTaskDataOffset = kTaskLinkOffset + 8 * 64;

}  // namespace hazsim::kapi
