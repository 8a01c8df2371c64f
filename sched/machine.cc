// Set-up, the run loop, fibers (task and idle entry, switching), and a stopping run's accesses.
#include "sched/machine.h"

#include <algorithm>
#include <exception>
#include <fmt/format.h>

namespace hazsim {

thread_local Machine* Machine::tl_current_ = nullptr;

namespace {
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kFiberStack = 512 * 1024;  // ASan's redzones and fake frames need the room
#else
constexpr size_t kFiberStack = 128 * 1024;
#endif
}  // namespace

Machine::Machine() : stacks_(kFiberStack) { decisions_.set_context({this, &choice_where, &cpu_target_of}); }

Machine::~Machine() {
  if (tl_current_ == this) tl_current_ = nullptr;
}

void Machine::reset(const MachineConfig& cfg) {
  for (auto& t : tasks_)
    if (t->started) stacks_.put(t->fiber.stack());
  tasks_.clear();
  cfg_ = cfg;
  reset_cpus(&cpus_, size_t(cfg.cpus));
  elig_.assign(size_t(cfg.cpus), -1);
  stall_runnable_.assign(size_t(cfg.cpus), nullptr);
  elig_count_ = 0;
  arena_.reset(cfg.quarantine);
  log_.reset();
  clear_coverage();
  cost_.reset();  // caches cold, totals zero
  running_cpu_ = nullptr;
  step_ = 0;
  now_ = 0;  // virtual time
  reset_progress();
  live_ = 0;
  stop_ = tearing_down_ = false;
  reports_.reset();  // no failure, no WARNs
  timers_.clear();
  next_tick_ = cfg.tick_ns;   // the first scheduler tick
  next_timer_ = next_tick_;  // the earlier of it and the first timer (none yet)
  switch_hooks_.clear();
  final_checks_.clear();
  task_init_ = nullptr;
  task_exit_ = nullptr;
  task_init_ctx_ = nullptr;
  lock_owners_.clear();
  waiters_.clear();
  ghost_.reset();
  reset_memory_model();
  n_switches_ = n_preempt_ = n_irqs_ = n_migrations_ = n_cpu_switches_ = mutations_applied_ = 0;
  next_cpu_rr_ = 0;
  tl_current_ = this;
  for (int i = 0; i < cfg.cpus; ++i) {
    Cpu& c = cpus_[size_t(i)];
    c.id = i;
    auto idle = std::make_unique<Task>();
    idle->pid = 0;
    idle->name = "swapper/" + std::to_string(i);  // short: no allocation, no formatting per run
    idle->is_idle = true;
    idle->cpu = i;
    idle->pinned_cpu = i;
    idle->preempt_count = 0;
    idle->state = TaskState::kRunning;
    idle->prio = -1;
    // The swapper tasks have task_struct fields too (an interrupt on an idle CPU uses them).
    if (cfg.task_data_size != 0)
      idle->data = arena_.allocate(cfg.task_data_size, 64, Shadow::kStatic, 0, 0, "task_struct (idle)");
    c.idle = idle.get();
    c.curr = idle.get();
    tasks_.push_back(std::move(idle));
  }
}

Task* Machine::create_task(std::string name, TaskFn fn, void* arg, int cpu, bool pinned, int prio) {
  auto t = std::make_unique<Task>();
  t->pid = int(tasks_.size()) - cfg_.cpus + 1;
  t->name = std::move(name);
  t->fn = fn;
  t->arg = arg;
  t->cpu = cpu >= 0 ? cpu % cfg_.cpus : next_cpu_rr_++ % cfg_.cpus;
  t->pinned_cpu = pinned ? t->cpu : -1;
  t->prio = prio;
  if (cfg_.task_data_size != 0) {
    t->data = arena_.allocate(cfg_.task_data_size, 64, Shadow::kStatic, t->pid, 0, "task_struct");
    if (task_init_) task_init_(task_init_ctx_, t->data);
  }
  if (cost_.on())  // the task_struct line a task-list walk reads (tasks.next): costed, not checked
    t->list_node = arena_.allocate(64, 64, Shadow::kStatic, t->pid, 0, "task_struct list node");
  Task* raw = t.get();
  tasks_.push_back(std::move(t));
  ++live_;
  enqueue(&cpus_[size_t(raw->cpu)], raw);
  return raw;
}

void Machine::set_task_init(void (*fn)(void* ctx, void* data), void* ctx, void (*exit)(void* ctx)) {
  task_init_ = fn;
  task_exit_ = exit;
  task_init_ctx_ = ctx;
  for (auto& t : tasks_)
    if (t->data) fn(ctx, t->data);
}

Task* Machine::create_passive_task(std::string name) {
  auto t = std::make_unique<Task>();
  t->pid = int(tasks_.size()) - cfg_.cpus + 1;
  t->name = std::move(name);
  t->state = TaskState::kSleeping;  // never woken: no timer, no wait queue
  t->preempt_count = 0;
  if (cost_.on()) {  // the walk's link (tasks.next: costed, not checked) and the design's fields
    place_passive_task(t.get());
  } else if (cfg_.task_data_size != 0) {
    t->data = arena_.allocate(cfg_.task_data_size, 64, Shadow::kStatic, t->pid, 0, "task_struct");
    if (task_init_) task_init_(task_init_ctx_, t->data);
  }
  tasks_.push_back(std::move(t));
  return tasks_.back().get();
}

void Machine::add_switch_hook(void (*fn)(void*), void* ctx) { switch_hooks_.push_back({fn, ctx}); }

// ---------------------------------------------------------------------------------------------
// The run

RunResult Machine::run() {
  tl_current_ = this;
  site_aware_ = coverage_ || decisions_.arming();
  arming_ = decisions_.arming(), dpor_ = decisions_.dpor();  // one line: idle_entry()'s site below is pinned
  for (auto& c : cpus_) update_eligible(&c);
  main_loop();
  teardown();
  stop_ = false;  // end-of-run checks read memory like boot code does
  // What is still buffered reaches memory (in an order the stream chooses under store reduction).
  if (!reports_.failed()) drain_rest();
  if (!reports_.failed()) {
    for (auto& h : final_checks_) {
      h.fn(h.ctx);
      if (reports_.failed()) break;
    }
  }
  RunResult r;
  settle_warnings(&r);
  r.failed = reports_.failed();
  r.failure = reports_.failure();
  r.steps = step_;
  r.now_ns = now_;
  log_.fold(uint64_t(reports_.failure().oracle));
  r.hash = log_.hash();
  r.context_switches = n_switches_;
  r.preemptions = n_preempt_;
  r.irqs = n_irqs_;
  r.migrations = n_migrations_;
  r.drains = mem_.drains();
  r.cpu_switches = n_cpu_switches_;
  r.mutations_applied = mutations_applied_;
  if (reports_.failed()) collect_last_events(&r);
  return r;
}

void Machine::main_loop() {
  while (!stop_) {
    if (elig_count_ == 0) {
      if (live_ == 0) break;
      if (!advance_to_next_timer()) {
        std::string who;
        for (auto& t : tasks_)
          if (!t->is_idle && t->state != TaskState::kDead)
            who += fmt::format("\n    {} {}", task_label(t.get()),
                               t->state == TaskState::kBlocked ? fmt::format("blocked on {}", t->wait_what)
                                                               : std::string("not runnable"));
        fail(Oracle::kDeadlock,
             fmt::format("deadlock: {} task(s) remain and none can run or will be woken:{}", live_, who));
        break;
      }
      continue;
    }
    uint32_t v = cpu_choice(0);
    resume_cpu_from(Fiber::thread_main(), &cpus_[size_t(elig_[v])]);
    running_cpu_ = nullptr;
  }
}

void Machine::teardown() {
  stop_ = true;
  tearing_down_ = true;
  for (auto& t : tasks_) {
    if (t->started && !t->finished) {
      running_cpu_ = &cpus_[size_t(t->cpu)];
      Fiber::switch_to(Fiber::thread_main(), t->fiber);
    }
  }
  running_cpu_ = nullptr;
  tearing_down_ = false;
}

bool Machine::stopped() {
  if (running_cpu_ != nullptr && std::uncaught_exceptions() == 0 && !tearing_down_) throw RunAborted{};
  return false;
}

bool Machine::outside_run_access(const void* addr, size_t size, const Site& site) {
  if (stop_ && running_cpu_ != nullptr) return stopped();
  // Boot time and end-of-run checks: no step, no decision, but the address is still checked.
  return addr == nullptr ? size == 0 || bad_address(addr, size, site) : check_address(addr, size, site);
}

void Machine::resume_cpu_from(Fiber& from, Cpu* c) {
  running_cpu_ = c;
  Task* t = c->curr;
  if (!t->started) {
    t->started = true;
    prepare_fiber(t);
  }
  Fiber::switch_to(from, t->fiber);
}

void Machine::switch_fibers(Task* prev, Task* next) {
  Cpu* c = running_cpu_;
  next->state = TaskState::kRunning;
  next->cpu = c->id;
  c->curr = next;
  ++n_switches_;
  record(AccessKind::kSwitch, uint64_t(next->pid), prev->last_site);
  update_eligible(c);
  if (!next->started) {
    next->started = true;
    prepare_fiber(next);
  }
  Fiber::switch_to(prev->fiber, next->fiber);
  if (!(tearing_down_ && prev->is_idle)) after_resume();  // a parked idle task ends without unwinding
}

void Machine::after_resume() {
  if (tearing_down_) throw RunAborted{};
}

void Machine::task_entry(void* arg) {
  Task* t = static_cast<Task*>(arg);
  Machine& m = *tl_current_;
  bool exited = false;
  try {
    m.finish_task_switch();
    t->fn(t->arg);
    m.task_exit(t);
    exited = true;
  } catch (RunAborted&) {
  }
  t->finished = true;
  if (exited && m.live_ > 0 && !m.stop_) t->fiber.exit_to(m.running_cpu_->curr->fiber);
  t->fiber.exit_to(Fiber::thread_main());
}

void Machine::idle_wait() {
  Cpu* c = running_cpu_;
  c->idle_waiting = true;
  update_eligible(c);
  if (elig_count_ > 0) {
    uint32_t v = cpu_choice(0);
    resume_cpu_from(c->idle->fiber, &cpus_[size_t(elig_[v])]);
  } else {
    running_cpu_ = nullptr;
    Fiber::switch_to(c->idle->fiber, Fiber::thread_main());
  }
  if (tearing_down_) return;  // teardown ends a parked idle task without an exception: idle_entry()
  c->idle_waiting = false;
}

void Machine::task_exit(Task* t) {
  if (stop_) throw RunAborted{};  // something the task's frames reported on the way out
  Cpu* c = run_exit_hook(t);     // the design's part of do_exit() may take steps (and move the task)
  if (t->preempt_count != 0)
    fail(Oracle::kPreemptImbalance,
         fmt::format("preempt count imbalance: {} exits with preempt_count={}", task_label(t), t->preempt_count),
         t->last_site);
  if (c->irq_off != 0)
    fail(Oracle::kPreemptImbalance, fmt::format("{} exits with interrupts disabled", task_label(t)), t->last_site);
  for (const auto& h : ghost_.holds())
    if (h.pid == t->pid && h.releaser == nullptr)
      fail(Oracle::kLeak,
           fmt::format("leak: {} exits still holding a hazard pointer to {} (acquired at step {})", task_label(t),
                       describe_addr(h.addr), h.acquired_step),
           t->last_site);
  // do_exit() ends in __schedule(): the hook chain runs for the dying task too.
  c->irq_off++;
  t->preempt_count++;
  run_switch_hooks();
  draining_access(AccessKind::kRelax, t->last_site);  // do_exit()'s work, then a full barrier (below)
  c = running_cpu_;
  fence_full();
  t->state = TaskState::kDead;
  record(AccessKind::kExit, 0, t->last_site);
  if (--live_ == 0) {
    stop_ = true;
    return;
  }
  Task* next = pick_next(c);
  start_slice(c, next);
  next->state = TaskState::kRunning;
  next->cpu = c->id;
  c->curr = next;
  ++n_switches_;
  if (!next->started) {
    next->started = true;
    prepare_fiber(next);
  }
  update_eligible(c);
}

// The idle loop comes last in this file on purpose: the source line of its access (331) is part
// of every recorded schedule in which an interrupt reaches an idle vCPU (the event hash folds in
// lines, and arm hashes its armed sites from function name and line), so it must not move.
// tests/golden_hashes_test pins it. Moving it on purpose means regenerating that file and saying
// in the commit that such runs' schedules (IRQ, DETACH) change: old files replay to other hashes.
void Machine::idle_entry(void* arg) {
  Task* idle = static_cast<Task*>(arg);
  Machine& m = *tl_current_;
  try {
    while (!m.tearing_down_) {  // not unwound: an exception per vCPU was a quarter of a small run
      Cpu* c = m.running_cpu_;
      if (c->rq_head != nullptr)
        m.schedule(SchedWhy::kIdle, Site::current());
      else if (c->ipi_count != 0)
        m.access(AccessKind::kIdle, nullptr, 0, Site::current());  // an interrupt arrives in the idle loop
      else
        m.idle_wait();
    }
  } catch (RunAborted&) {
  }
  idle->finished = true;
  idle->fiber.exit_to(Fiber::thread_main());
}

}  // namespace hazsim
