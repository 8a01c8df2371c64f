// Tasks that come and go during a run: fork() from a running task, and the design's part of
// do_exit(). A per-task design's synchronize walks the task list while this happens.
#include "sched/machine.h"

namespace hazsim {

Task* Machine::fork_task(std::string name, TaskFn fn, void* arg, int cpu, bool pinned) {
  if (dpor_) [[unlikely]]
    dpor_global();
  auto t = std::make_unique<Task>();
  t->name = std::move(name);
  t->fn = fn;
  t->arg = arg;
  t->cpu = cpu >= 0 ? cpu % cfg_.cpus : next_cpu_rr_++ % cfg_.cpus;
  t->pinned_cpu = pinned ? t->cpu : -1;
  if (cfg_.task_data_size != 0) {
    // The design's fork hook (hazptr_fork_init()) runs in copy_process(), in the parent, on a
    // task_struct no walk can reach yet.
    t->data = arena_.allocate(cfg_.task_data_size, 64, Shadow::kStatic, -1, step_, "task_struct (forked)");
    if (task_init_) task_init_(task_init_ctx_, t->data);
    if (stop_) return nullptr;
  }
  if (cost_.on()) t->list_node = arena_.allocate(64, 64, Shadow::kStatic, -1, step_, "task_struct list node");
  // Linked under tasklist_lock and woken by wake_up_new_task(): what the parent stored into the
  // child's task_struct is visible to every CPU that finds the child on the list.
  fence_full();
  t->pid = int(tasks_.size()) - cfg_.cpus + 1;
  t->state = TaskState::kSleeping;
  Task* raw = t.get();
  tasks_.push_back(std::move(t));
  ++live_;
  wake_up_task(raw);
  return raw;
}

Cpu* Machine::run_exit_hook(Task* t) {
  if (task_exit_ && t->data) {
    task_exit_(task_init_ctx_);
    if (stop_) throw RunAborted{};
  }
  return running_cpu_;
}

}  // namespace hazsim
