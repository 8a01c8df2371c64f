#include "sched/machine.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <exception>

namespace hazsim {

thread_local Machine* Machine::tl_current_ = nullptr;

namespace {
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kFiberStack = 512 * 1024;
#else
constexpr size_t kFiberStack = 128 * 1024;
#endif
constexpr uint64_t kCheckEvery = 4096;
}  // namespace

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
  }
  return "?";
}

std::string bare_function_name(const char* signature) {
  std::string fn = signature;
  auto paren = fn.find('(');
  if (paren != std::string::npos) fn = fn.substr(0, paren);
  auto space = fn.rfind(' ');
  if (space != std::string::npos) fn = fn.substr(space + 1);
  auto colons = fn.rfind("::");
  if (colons != std::string::npos) fn = fn.substr(colons + 2);
  return fn;
}

const SectionCost* CostTotals::find(const char* name) const {
  for (const auto& s : sections)
    if (std::strcmp(s.name, name) == 0) return &s;
  return nullptr;
}

const char* memory_model_name(MemoryModel m) {
  switch (m) {
    case MemoryModel::kSC: return "sc";
    case MemoryModel::kTSO: return "tso";
    case MemoryModel::kPSO: return "pso";
  }
  return "?";
}

bool memory_model_from_name(const std::string& s, MemoryModel* out) {
  for (MemoryModel m : {MemoryModel::kSC, MemoryModel::kTSO, MemoryModel::kPSO})
    if (s == memory_model_name(m)) {
      *out = m;
      return true;
    }
  return false;
}

bool parse_mutation(const std::string& s, Mutation* out) {
  if (s == "none") {
    *out = Mutation{};
    return true;
  }
  auto at = s.find('@');
  if (at == std::string::npos || at + 1 >= s.size()) return false;
  std::string kind = s.substr(0, at), fn = s.substr(at + 1);
  for (char ch : fn)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_')) return false;
  if (kind == "drop-mb") out->kind = MutationKind::kDropMb;
  else if (kind == "drop-wmb") out->kind = MutationKind::kDropWmb;
  else if (kind == "plain-release") out->kind = MutationKind::kPlainRelease;
  else return false;
  out->function = fn;
  return true;
}

Machine::Machine() : stacks_(kFiberStack) {}

Machine::~Machine() {
  if (tl_current_ == this) tl_current_ = nullptr;
}

void Machine::reset(const MachineConfig& cfg) {
  for (auto& t : tasks_)
    if (t->started) stacks_.put(t->fiber.stack());
  tasks_.clear();
  cfg_ = cfg;
  cpus_.assign(size_t(cfg.cpus), Cpu{});
  elig_.assign(size_t(cfg.cpus), -1);
  stall_runnable_.assign(size_t(cfg.cpus), nullptr);
  elig_count_ = 0;
  arena_.reset();
  hash_.reset();
  sites_.clear_run();
  cost_meter_.reset();
  cost_totals_ = CostTotals{};
  running_cpu_ = nullptr;
  step_ = 0;
  now_ = 0;
  next_check_step_ = kCheckEvery;
  live_ = 0;
  stop_ = false;
  tearing_down_ = false;
  failure_ = Failure{};
  failed_ = false;
  timers_.clear();
  timer_seq_ = 0;
  next_timer_ = UINT64_MAX;
  switch_hooks_.clear();
  final_checks_.clear();
  task_init_ = nullptr;
  task_init_ctx_ = nullptr;
  lock_owners_.clear();
  waiters_.clear();
  holds_.clear();
  ghost_watch_ = nullptr;
  unpublished_pos_ = 0;
  unpublished_.fill({nullptr, 0});
  ring_pos_ = 0;
  sb_pending_ = 0;
  sb_cpus_ = 0;
  n_switches_ = n_preempt_ = n_irqs_ = n_migrations_ = n_drains_ = n_cpu_switches_ = 0;
  next_cpu_rr_ = 0;
  tl_current_ = this;
  for (int i = 0; i < cfg.cpus; ++i) {
    Cpu& c = cpus_[size_t(i)];
    c.id = i;
    auto idle = std::make_unique<Task>();
    idle->pid = 0;
    idle->name = fmt::format("swapper/{}", i);
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
  if (cost_on_)  // the task_struct line a task-list walk reads (tasks.next): costed, not checked
    t->list_node = arena_.allocate(64, 64, Shadow::kStatic, t->pid, 0, "task_struct list node");
  Task* raw = t.get();
  tasks_.push_back(std::move(t));
  ++live_;
  enqueue(&cpus_[size_t(raw->cpu)], raw);
  return raw;
}

void Machine::set_task_init(void (*fn)(void* ctx, void* data), void* ctx) {
  task_init_ = fn;
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
  if (cfg_.task_data_size != 0) {
    t->data = arena_.allocate(cfg_.task_data_size, 64, Shadow::kStatic, t->pid, 0, "task_struct");
    if (task_init_) task_init_(task_init_ctx_, t->data);
  }
  if (cost_on_)  // the task_struct line a task-list walk reads (tasks.next): costed, not checked
    t->list_node = arena_.allocate(64, 64, Shadow::kStatic, t->pid, 0, "task_struct list node");
  tasks_.push_back(std::move(t));
  return tasks_.back().get();
}

void Machine::add_switch_hook(void (*fn)(void*), void* ctx) { switch_hooks_.push_back({fn, ctx}); }

// ---------------------------------------------------------------------------------------------
// The run

RunResult Machine::run() {
  tl_current_ = this;
  site_aware_ = coverage_ || decisions_.arming();
  arming_ = decisions_.arming();
  for (auto& c : cpus_) update_eligible(&c);
  main_loop();
  teardown();
  stop_ = false;  // end-of-run checks read memory like boot code does
  if (!failed_)
    for (auto& c : cpus_) drain_all(&c);
  if (!failed_) {
    for (auto& h : final_checks_) {
      h.fn(h.ctx);
      if (failed_) break;
    }
  }
  RunResult r;
  r.failed = failed_;
  r.failure = failure_;
  r.steps = step_;
  r.now_ns = now_;
  hash_.add(uint64_t(failure_.oracle));
  r.hash = hash_.value();
  r.context_switches = n_switches_;
  r.preemptions = n_preempt_;
  r.irqs = n_irqs_;
  r.migrations = n_migrations_;
  r.drains = n_drains_;
  r.cpu_switches = n_cpu_switches_;
  if (failed_) {
    size_t n = std::min<uint64_t>(ring_pos_, kRing);
    for (uint64_t i = ring_pos_ - n; i < ring_pos_; ++i) r.last_events.push_back(ring_[i & (kRing - 1)]);
  }
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

void Machine::resume_cpu_from(Fiber& from, Cpu* c) {
  running_cpu_ = c;
  Task* t = c->curr;
  if (!t->started) {
    t->started = true;
    t->fiber.prepare(stacks_.get(), t->is_idle ? &Machine::idle_entry : &Machine::task_entry, t);
  }
  Fiber::switch_to(from, t->fiber);
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

void Machine::idle_entry(void* arg) {
  Task* idle = static_cast<Task*>(arg);
  Machine& m = *tl_current_;
  try {
    for (;;) {
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
  after_resume();
  c->idle_waiting = false;
}

void Machine::task_exit(Task* t) {
  if (stop_) throw RunAborted{};  // something the task's frames reported on the way out
  Cpu* c = running_cpu_;
  if (t->preempt_count != 0)
    fail(Oracle::kPreemptImbalance,
         fmt::format("preempt count imbalance: {} exits with preempt_count={}", task_label(t), t->preempt_count),
         t->last_site);
  if (c->irq_off != 0)
    fail(Oracle::kPreemptImbalance, fmt::format("{} exits with interrupts disabled", task_label(t)), t->last_site);
  for (const auto& h : holds_)
    if (h.pid == t->pid)
      fail(Oracle::kLeak,
           fmt::format("leak: {} exits still holding a hazard pointer to {} (acquired at step {})", task_label(t),
                       describe_addr(h.addr), h.acquired_step),
           t->last_site);
  // do_exit() ends in __schedule(): the hook chain runs for the dying task too.
  c->irq_off++;
  t->preempt_count++;
  run_switch_hooks();
  access(AccessKind::kRelax, nullptr, 0, t->last_site);  // do_exit()'s work before the runqueue lock
  c = running_cpu_;
  fence_full();
  t->state = TaskState::kDead;
  record(AccessKind::kExit, 0, t->last_site);
  if (--live_ == 0) {
    stop_ = true;
    return;
  }
  Task* next = pick_next(c);
  c->need_resched = false;
  next->state = TaskState::kRunning;
  next->cpu = c->id;
  c->curr = next;
  ++n_switches_;
  if (!next->started) {
    next->started = true;
    next->fiber.prepare(stacks_.get(), next->is_idle ? &Machine::idle_entry : &Machine::task_entry, next);
  }
  update_eligible(c);
}

// ---------------------------------------------------------------------------------------------
// Steps and decisions

uint32_t Machine::decide_at_site(Choice c, uint32_t n, const Site& site, CoverEvent ev) {
  SiteEntry& e = sites_.lookup(site);
  uint32_t v = decisions_.choose(c, n, decisions_.arming() && decisions_.site_armed(e.stable_hash));
  e.offered |= cover_bit(ev);
  if (v != 0) e.hit |= cover_bit(ev);
  return v;
}

// arm: a vCPU reaching an armed site may stall, as a delay BUGGIFY injects or a hypervisor's
// preemption of a vCPU would (interrupts off or not). While it stalls the others run; if none
// has work, virtual time jumps to the next timer or the stall's end. Every step of this follows
// from recorded choices, so a replay stalls the same way.
void Machine::arm_step(Cpu* c) {
  if (c->stalled_until <= now_) {
    if (c->curr->is_idle || !decisions_.site_armed(sites_.lookup(c->curr->last_site).stable_hash)) return;
    uint32_t v = decisions_.choose(Choice::kStall, DecisionSource::kStallChoices, true);
    if (v == 0) return;
    c->stalled_until = now_ + (uint64_t(1) << v) * cfg_.step_ns;
    record(AccessKind::kStall, uint64_t(1) << v, c->curr->last_site);
  }
  while (c->stalled_until > now_ && !stop_) {
    // The vCPUs with work that are not stalled themselves run meanwhile.
    uint32_t k = 0;
    uint64_t wake = std::min(next_timer_, c->stalled_until);
    for (size_t i = 0; i < elig_count_; ++i) {
      Cpu& o = cpus_[size_t(elig_[i])];
      if (o.stalled_until > now_) wake = std::min(wake, o.stalled_until);
      else stall_runnable_[k++] = &o;
    }
    if (k == 0) {  // nobody else can run: time passes
      now_ = std::max(now_, wake);
      if (now_ >= next_timer_) fire_timers();
      continue;
    }
    uint32_t v = decisions_.stall_pick(k);
    if (v == 0) break;
    ++n_cpu_switches_;
    resume_cpu_from(c->curr->fiber, stall_runnable_[v - 1]);
    after_resume();
  }
  c->stalled_until = 0;
}

// ---------------------------------------------------------------------------------------------
// Cost meter

void Machine::cost_access(AccessKind kind, const void* addr) {
  Task* t = running_cpu_->curr;
  if (addr == nullptr || !arena_.contains(addr) || running_cpu_->id >= kCostMaxCpus) {
    t->cycles += cost::kInstruction;
    return;
  }
  t->cycles += cost_meter_.access(running_cpu_->id, arena_.offset_of(addr),
                                  kind == AccessKind::kStore || kind == AccessKind::kRmw, &t->misses, &t->transfers);
}

void Machine::cost_span_begin(const char* name) {
  Task* t = current_task();
  if (!t) return;
  if (size_t(t->span_depth) < t->spans.size()) t->spans[size_t(t->span_depth)] = {name, t->cycles, t->misses, t->transfers};
  ++t->span_depth;
}

void Machine::cost_span_end() {
  Task* t = current_task();
  if (!t || t->span_depth == 0) return;
  if (size_t(--t->span_depth) >= t->spans.size()) return;
  const Task::SpanMark& mk = t->spans[size_t(t->span_depth)];
  SectionCost* sc = nullptr;
  for (auto& s : cost_totals_.sections)
    if (s.name == mk.name) sc = &s;
  if (!sc) {
    cost_totals_.sections.push_back(SectionCost{mk.name});
    sc = &cost_totals_.sections.back();
  }
  ++sc->count;
  sc->cycles += t->cycles - mk.cycles;
  sc->misses += t->misses - mk.misses;
  sc->transfers += t->transfers - mk.transfers;
}

uint32_t Machine::cpu_choice(uint32_t base, AccessKind kind) {
  uint32_t n = uint32_t(elig_count_);
  // bounded:K counts preemptions as CHESS does: at a spin-wait hint the next vCPU runs, free.
  if (decisions_.bounded() && kind == AccessKind::kRelax) return n < 2 ? 0 : decisions_.record(1);
  if (!decisions_.pct() || kind == AccessKind::kRelax) return decide(Choice::kCpu, n);
  if (n < 2) return 0;
  uint32_t best = 0;
  int64_t best_prio = INT64_MIN;
  for (uint32_t k = 0; k < n; ++k) {
    Cpu& c = cpus_[size_t(elig_[(base + k) % n])];
    // An idle vCPU with work runs the task it is about to switch to; priority of its first one.
    Task* t = c.curr->is_idle && c.rq_head ? c.rq_head : c.curr;
    int64_t prio = t->is_idle ? INT64_MIN + 1 : decisions_.pct_priority(t->pid);
    if (prio > best_prio) best_prio = prio, best = k;
  }
  return decisions_.record(best);
}

void Machine::pick_next_cpu(AccessKind kind) {
  Cpu* c = running_cpu_;
  uint32_t n = uint32_t(elig_count_);
  uint32_t v = cpu_choice(uint32_t(c->elig_index), kind);
  if (v == 0) return;
  ++n_cpu_switches_;
  Cpu* d = &cpus_[size_t(elig_[(uint32_t(c->elig_index) + v) % n])];
  resume_cpu_from(c->curr->fiber, d);
  after_resume();
}

void Machine::maybe_deliver_irq(Cpu* c) {
  if (decide(Choice::kIrq, 2, c->curr->last_site, CoverEvent::kIrq) == 0) return;
  Ipi ipi = c->ipis[c->ipi_head];
  c->ipi_head = (c->ipi_head + 1) % uint32_t(c->ipis.size());
  --c->ipi_count;
  ++n_irqs_;
  record(AccessKind::kIrqEnter, 0, c->curr->last_site);
  fence_full();  // interrupt entry and return are serializing
  ++c->in_irq;
  ++c->irq_off;
  ipi.fn(ipi.arg);
  --c->irq_off;
  --c->in_irq;
  fence_full();
  if (ipi.done) *ipi.done = true;
  record(AccessKind::kIrqExit, 0, c->curr->last_site);
}

void Machine::preempt_schedule(Cpu* c) {
  ++n_preempt_;
  record(AccessKind::kPreempt, 0, c->curr->last_site);
  schedule(SchedWhy::kPreempt, c->curr->last_site);
}

void Machine::periodic_checks() {
  next_check_step_ = std::min(step_ + kCheckEvery, cfg_.max_steps);
  if (step_ >= cfg_.max_steps) {
    report_no_progress(fmt::format("the run did not finish within max_steps={}", cfg_.max_steps));
    return;
  }
  for (auto& t : tasks_) {
    if (t->state == TaskState::kRunnable && !t->is_idle && step_ - t->runnable_since > cfg_.starve_bound) {
      const Cpu& c = cpus_[size_t(t->cpu)];
      fail(Oracle::kNoProgress,
           fmt::format("no progress: starvation: {} has been runnable on cpu {} for {} steps (starve_bound={}) "
                       "while {} runs there",
                       task_label(t.get()), t->cpu, step_ - t->runnable_since, cfg_.starve_bound,
                       task_label(c.curr)),
           t->last_site);
    }
  }
}

void Machine::sync_too_long(Task* t, const Site& site) {
  std::string holders;
  for (const auto& h : holds_)
    if (h.addr == t->sync_addr) {
      const Task* ht = h.task;
      holders += fmt::format("\n    held by {} since step {} ({})", ht ? task_label(ht) : "?", h.acquired_step,
                             ht ? fmt::format("now at {}", site_text(ht->last_site)) : "");
    }
  fail(Oracle::kNoProgress,
       fmt::format("no progress: hazptr_synchronize({}) in {} has not returned after {} steps (sync_bound={}){}",
                   describe_addr(t->sync_addr), task_label(t), step_ - t->sync_begin, cfg_.sync_bound,
                   holders.empty() ? std::string("; no reader holds it") : holders),
       site);
}

void Machine::report_no_progress(const std::string& why) {
  std::string detail;
  for (auto& t : tasks_) {
    if (t->is_idle || t->state == TaskState::kDead) continue;
    const char* st = t->state == TaskState::kRunning    ? "running"
                     : t->state == TaskState::kRunnable ? "runnable"
                     : t->state == TaskState::kSleeping ? "sleeping"
                                                        : "blocked";
    detail += fmt::format("\n    {} {} on cpu {}, last at {}", task_label(t.get()), st, t->cpu, site_text(t->last_site));
  }
  Task* t = current_task();
  fail(Oracle::kNoProgress, fmt::format("no progress: {}; unfinished tasks:{}", why, detail),
       t ? t->last_site : Site::current());
}

// ---------------------------------------------------------------------------------------------
// The scheduler

void Machine::update_eligible(Cpu* c) {
  bool e = !c->idle_waiting || c->rq_head != nullptr || c->ipi_count != 0;
  if (e && c->elig_index < 0) {
    c->elig_index = int(elig_count_);
    elig_[elig_count_++] = c->id;
  } else if (!e && c->elig_index >= 0) {
    int last = elig_[--elig_count_];
    elig_[size_t(c->elig_index)] = last;
    cpus_[size_t(last)].elig_index = c->elig_index;
    c->elig_index = -1;
  }
}

void Machine::enqueue(Cpu* c, Task* t) {
  t->cpu = c->id;
  t->state = TaskState::kRunnable;
  t->runnable_since = step_;
  t->rq_next = nullptr;
  if (c->rq_tail)
    c->rq_tail->rq_next = t;
  else
    c->rq_head = t;
  c->rq_tail = t;
  if (!c->curr->is_idle && t->prio > c->curr->prio) c->need_resched = true;
  update_eligible(c);
}

void Machine::enqueue_task(Task* t, bool may_migrate) {
  int target = t->cpu;
  if (may_migrate && t->pinned_cpu < 0 && cfg_.cpus > 1) {
    uint32_t v = decide(Choice::kMigrate, uint32_t(cfg_.cpus), t->last_site, CoverEvent::kMigrate);
    if (v != 0) {
      target = int((uint32_t(t->cpu) + v) % uint32_t(cfg_.cpus));
      ++n_migrations_;
      record(AccessKind::kMigrate, uint64_t(target), t->last_site);
    }
  }
  enqueue(&cpus_[size_t(target)], t);
}

Task* Machine::pick_next(Cpu* c) {
  Task* best = nullptr;
  Task* best_prev = nullptr;
  Task* prev = nullptr;
  for (Task* t = c->rq_head; t; prev = t, t = t->rq_next) {
    if (!best || t->prio > best->prio) {
      best = t;
      best_prev = prev;
    }
  }
  if (!best) return c->idle;
  if (best_prev)
    best_prev->rq_next = best->rq_next;
  else
    c->rq_head = best->rq_next;
  if (c->rq_tail == best) c->rq_tail = best_prev;
  best->rq_next = nullptr;
  update_eligible(c);
  return best;
}

void Machine::run_switch_hooks() {
  if (switch_hooks_.empty()) return;
  span_begin("hazptr_note_context_switch");
  for (auto& h : switch_hooks_) h.fn(h.ctx);
  span_end("hazptr_note_context_switch");
}

void Machine::schedule(SchedWhy why, const Site& site) {
  Cpu* c = running_cpu_;
  Task* prev = c->curr;
  if (why == SchedWhy::kSleep || why == SchedWhy::kYield) {
    if (c->in_irq)
      fail(Oracle::kSleepInAtomic, fmt::format("BUG: scheduling while atomic: {} sleeps in interrupt context on cpu {}",
                                               task_label(prev), c->id),
           site);
    if (prev->preempt_count != 0 || c->irq_off != 0)
      fail(Oracle::kSleepInAtomic,
           fmt::format("BUG: scheduling while atomic: {} sleeps with preempt_count={}{}{}", task_label(prev),
                       prev->preempt_count, prev->raw_locks_held ? fmt::format(", {} raw spinlock(s) held", prev->raw_locks_held) : "",
                       c->irq_off ? ", interrupts disabled" : ""),
           site);
  }
  // __schedule() runs with interrupts off and preemption disabled; the hook chain runs first.
  ++c->irq_off;
  ++prev->preempt_count;
  if (!prev->is_idle) {
    run_switch_hooks();
    // __schedule()'s own work before the runqueue lock is a step: other vCPUs may run, and
    // buffered stores may drain, between the task's last access and the lock's full barrier.
    access(AccessKind::kRelax, nullptr, 0, site);
  }
  c = running_cpu_;
  fence_full();  // the runqueue lock: a full barrier on the way through __schedule()
  if (prev->state == TaskState::kRunning && !prev->is_idle) {
    if (prev->migrate_to >= 0) {
      int to = prev->migrate_to;
      prev->migrate_to = -1;
      ++n_migrations_;
      record(AccessKind::kMigrate, uint64_t(to), site);
      enqueue(&cpus_[size_t(to)], prev);
    } else {
      enqueue_task(prev, why == SchedWhy::kPreempt);
    }
  }
  Task* next = pick_next(c);
  c->need_resched = false;
  if (next == prev) {
    prev->state = TaskState::kRunning;
    finish_task_switch();
    return;
  }
  switch_fibers(prev, next);
  finish_task_switch();
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
    next->fiber.prepare(stacks_.get(), next->is_idle ? &Machine::idle_entry : &Machine::task_entry, next);
  }
  Fiber::switch_to(prev->fiber, next->fiber);
  after_resume();
}

void Machine::finish_task_switch() {
  Cpu* c = running_cpu_;
  --c->irq_off;
  --c->curr->preempt_count;
}

void Machine::preempt_enable(const Site& site) {
  Task* t = current_task();
  if (!t) return;
  if (--t->preempt_count < 0) {
    fail(Oracle::kPreemptImbalance,
         fmt::format("preempt count underflow: preempt_enable() without preempt_disable() in {}", task_label(t)),
         site);
    return;
  }
  Cpu* c = running_cpu_;
  if (t->preempt_count == 0 && c->need_resched && !stop_ && preemptible(c)) {
    t->last_site = site;
    preempt_schedule(c);
  }
}

void Machine::local_irq_enable(const Site& site) {
  if (!running_cpu_) return;
  if (--running_cpu_->irq_off < 0)
    fail(Oracle::kPreemptImbalance, fmt::format("local_irq_enable() underflow on cpu {}", running_cpu_->id), site);
}

void Machine::sleep_ns(uint64_t ns, const Site& site) {
  if (stop_) return;
  Task* t = current_task();
  t->last_site = site;
  if (running_cpu_->in_irq == 0) {  // an interrupt handler that sleeps is reported by schedule()
    t->state = TaskState::kSleeping;
    t->wake_at = now_ + ns;
    add_timer(t);
  }
  record(AccessKind::kSleep, ns, site);
  schedule(SchedWhy::kSleep, site);
}

void Machine::yield_cpu(const Site& site) {
  if (stop_) return;
  current_task()->last_site = site;
  schedule(SchedWhy::kYield, site);
}

void Machine::block(const char* what, const Site& site) {
  if (stop_) return;
  Task* t = current_task();
  t->last_site = site;
  t->wait_what = what;
  t->state = TaskState::kBlocked;
  record(AccessKind::kSleep, 0, site);
  schedule(SchedWhy::kSleep, site);
}

void Machine::wake_up_task(Task* t) {
  if (t->state != TaskState::kSleeping && t->state != TaskState::kBlocked) return;
  record(AccessKind::kWake, uint64_t(t->pid), t->last_site);
  if (cpus_[size_t(t->cpu)].curr == t) {
    // Still on its CPU, inside __schedule() (the kernel's p->on_cpu): only its state changes,
    // and __schedule() keeps it runnable instead of switching it out for good.
    t->state = TaskState::kRunning;
    return;
  }
  enqueue_task(t, true);
}

void Machine::migrate_current_to(int cpu, const Site& site) {
  if (stop_) return;
  Task* t = current_task();
  t->pinned_cpu = cpu % cfg_.cpus;
  if (t->cpu == t->pinned_cpu) return;
  t->migrate_to = t->pinned_cpu;
  t->last_site = site;
  schedule(SchedWhy::kYield, site);
}

void Machine::smp_call_function_single(int cpu, void (*fn)(void*), void* arg, bool wait, const Site& site) {
  if (stop_) return;
  cpu %= cfg_.cpus;
  if (cpu == running_cpu_->id) {  // the kernel runs a self-IPI directly, interrupts off
    ++running_cpu_->irq_off;
    ++running_cpu_->in_irq;
    fn(arg);
    --running_cpu_->in_irq;
    --running_cpu_->irq_off;
    return;
  }
  fence_full();  // the IPI is sent with a full barrier, as the csd machinery does
  Cpu& d = cpus_[size_t(cpu)];
  if (d.ipi_count == d.ipis.size()) {
    fail(Oracle::kNoProgress, fmt::format("IPI queue of cpu {} overflowed ({} pending)", cpu, d.ipi_count), site);
    return;
  }
  bool done = false;
  d.ipis[(d.ipi_head + d.ipi_count) % uint32_t(d.ipis.size())] = Ipi{fn, arg, wait ? &done : nullptr};
  ++d.ipi_count;
  update_eligible(&d);
  if (wait)
    while (!done)
      if (!access(AccessKind::kRelax, nullptr, 0, site)) return;
}

// ---------------------------------------------------------------------------------------------
// Store buffers (tso, pso)

void Machine::buffer_store(void* p, uint64_t bits, uint8_t size, bool release) {
  Cpu* c = running_cpu_;
  StoreBuffer& sb = c->sb;
  if (sb.n == StoreBuffer::kCapacity) drain_at(c, 0);  // a full buffer stalls until its oldest drains
  if (release && cfg_.memory_model == MemoryModel::kPSO && sb.n != 0) ++sb.group;
  if (sb.n == 0) ++sb_cpus_;
  sb.e[sb.n++] = BufferedStore{p, bits, size, sb.group, c->curr->pid, step_, c->curr->last_site};
  ++sb_pending_;
}

void Machine::forwarded_load(const void* p, void* out, size_t size) {
  StoreBuffer& sb = running_cpu_->sb;
  const char* lo = static_cast<const char*>(p);
  for (uint32_t i = sb.n; i-- > 0;) {
    const BufferedStore& e = sb.e[i];
    const char* elo = static_cast<const char*>(e.addr);
    if (elo == lo && e.size == size) {
      std::memcpy(out, &e.value, size);
      return;
    }
    if (elo < lo + size && lo < elo + e.size) {  // partial overlap: wait for the buffer to drain
      drain_all(running_cpu_);
      break;
    }
  }
  std::memcpy(out, p, size);
}

void Machine::maybe_drain() {
  uint32_t v = decide(Choice::kDrain, sb_cpus_ + 1, running_cpu_->curr->last_site, CoverEvent::kDrain);
  if (v == 0) return;
  Cpu* target = nullptr;
  for (Cpu& c : cpus_)
    if (c.sb.n != 0 && --v == 0) {
      target = &c;
      break;
    }
  uint32_t idx = 0;
  if (cfg_.memory_model == MemoryModel::kPSO) {
    // Eligible: in the oldest group, and the oldest buffered store to its location.
    std::array<uint32_t, StoreBuffer::kCapacity> eligible;
    uint32_t ne = 0;
    const StoreBuffer& sb = target->sb;
    for (uint32_t i = 0; i < sb.n && sb.e[i].group == sb.e[0].group; ++i) {
      bool first = true;
      const char* a = static_cast<const char*>(sb.e[i].addr);
      for (uint32_t j = 0; j < i && first; ++j) {
        const char* b = static_cast<const char*>(sb.e[j].addr);
        first = !(b < a + sb.e[i].size && a < b + sb.e[j].size);
      }
      if (first) eligible[ne++] = i;
    }
    idx = eligible[decide(Choice::kDrainEntry, ne)];
  }
  ++n_drains_;
  drain_at(target, idx);
}

void Machine::drain_at(Cpu* c, uint32_t idx) {
  StoreBuffer& sb = c->sb;
  BufferedStore e = sb.e[idx];
  for (uint32_t i = idx + 1; i < sb.n; ++i) sb.e[i - 1] = sb.e[i];
  if (--sb.n == 0) --sb_cpus_;
  --sb_pending_;
  record_on(c->id, e.pid, AccessKind::kDrain, arena_.contains(e.addr) ? arena_.offset_of(e.addr) : 0, e.site);
  if (!arena_.contains(e.addr) || arena_.check(e.addr, e.size) != Shadow::kStatic) {
    if (!stop_)
      fail(arena_.contains(e.addr) ? Oracle::kUseAfterFree : Oracle::kWildAccess,
           fmt::format("a store buffered by cpu {} (pid {}, step {}) drained into {} ({})", c->id, e.pid, e.step,
                       arena_.contains(e.addr) ? shadow_name(arena_.check(e.addr, e.size)) : "non-simulated memory",
                       describe_addr(e.addr)),
           e.site);
    return;
  }
  if (e.addr == ghost_watch_) note_watched_store(e.addr, e.size);
  std::memcpy(e.addr, &e.value, e.size);
}

void Machine::drain_all(Cpu* c) {
  while (c->sb.n != 0 && !(stop_ && failed_)) drain_at(c, 0);
}

bool Machine::mutation_matches(const Site& site) const {
  std::string fn = site.function_name();
  const std::string& want = cfg_.mutation.function;
  for (size_t pos = fn.find(want); pos != std::string::npos; pos = fn.find(want, pos + 1)) {
    bool start_ok = pos == 0 || fn[pos - 1] == ':' || fn[pos - 1] == ' ' || fn[pos - 1] == '*';
    bool end_ok = pos + want.size() < fn.size() && fn[pos + want.size()] == '(';
    if (start_ok && end_ok) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Timers

void Machine::add_timer(Task* t) {
  timers_.push_back({t->wake_at, timer_seq_++, t});
  std::push_heap(timers_.begin(), timers_.end(),
                 [](const Timer& a, const Timer& b) { return a.at != b.at ? a.at > b.at : a.seq > b.seq; });
  next_timer_ = timers_.front().at;
}

void Machine::fire_timers() {
  auto later = [](const Timer& a, const Timer& b) { return a.at != b.at ? a.at > b.at : a.seq > b.seq; };
  while (!timers_.empty() && timers_.front().at <= now_) {
    std::pop_heap(timers_.begin(), timers_.end(), later);
    Timer tm = timers_.back();
    timers_.pop_back();
    if (tm.task->state == TaskState::kSleeping && tm.task->wake_at == tm.at) wake_up_task(tm.task);
  }
  next_timer_ = timers_.empty() ? UINT64_MAX : timers_.front().at;
}

bool Machine::advance_to_next_timer() {
  if (timers_.empty()) return false;
  now_ = std::max(now_, timers_.front().at);
  fire_timers();
  return true;
}

// ---------------------------------------------------------------------------------------------
// Memory, ghost state and failures

bool Machine::stopped() {
  if (running_cpu_ != nullptr && std::uncaught_exceptions() == 0 && !tearing_down_) throw RunAborted{};
  return false;
}

bool Machine::outside_run_access(const void* addr, size_t size, const Site& site) {
  if (stop_ && running_cpu_ != nullptr) return stopped();
  // Boot time and end-of-run checks: no step, no decision, but the address is still checked.
  return addr == nullptr || check_address(addr, size, site);
}

bool Machine::bad_address(const void* addr, size_t size, const Site& site) {
  Task* t = current_task();
  std::string who = t ? fmt::format("{} on cpu {}", task_label(t), running_cpu_->id) : std::string("end-of-run check");
  if (!arena_.contains(addr)) {
    fail(Oracle::kWildAccess,
         fmt::format("wild access: {} touched {} bytes at {} outside simulated memory{}", who, size, addr,
                     (uintptr_t(addr) == 0x100 || uintptr_t(addr) == 0x122 || uintptr_t(addr) == 0x108 ||
                      uintptr_t(addr) == 0x12a)
                         ? " (a LIST_POISON value: the node was list_del'ed)"
                         : ""),
         site);
    return false;
  }
  Shadow s = arena_.check(addr, size);
  Oracle o = (s == Shadow::kFreedHeap || s == Shadow::kDeadStack) ? Oracle::kUseAfterFree : Oracle::kWildAccess;
  fail(o,
       fmt::format("{}: {} touched {} bytes of {} ({})",
                   s == Shadow::kFreedHeap   ? "use after free"
                   : s == Shadow::kDeadStack ? "use of a dead stack frame"
                                             : "out-of-bounds access",
                   who, size, shadow_name(s), describe_addr(addr)),
       site);
  return false;
}

std::string Machine::describe_addr(const void* p) const {
  const AllocInfo* a = arena_.find(p);
  if (!a) return arena_.contains(p) ? fmt::format("arena+{:#x} (between objects)", arena_.offset_of(p))
                                    : fmt::format("{}", p);
  uint64_t off = arena_.offset_of(p);
  std::string s = fmt::format("{} at arena+{:#x}", a->what, a->offset);
  if (off != a->offset) s += fmt::format("+{}", off - a->offset);
  if (a->owner_pid > 0) s += fmt::format(", allocated by pid {} at step {}", a->owner_pid, a->alloc_step);
  if (a->free_pid >= 0) s += fmt::format(", freed/ended by pid {} at step {}", a->free_pid, a->free_step);
  return s;
}

void* Machine::kmalloc(size_t size, const char* what, Shadow kind) {
  Task* t = current_task();
  void* p = arena_.allocate(size, 8, kind, t ? t->pid : -1, step_, what);
  if (!p) fail(Oracle::kNoProgress, fmt::format("simulated memory exhausted allocating {} bytes for {}", size, what));
  return p;
}

void Machine::kfree(void* p, const Site& site) {
  if (p == nullptr || !access(AccessKind::kStore, nullptr, 0, site)) return;
  fence_full();  // the allocator's atomics; the freeing CPU's own stores precede the free
  const AllocInfo* a = arena_.find(p);
  if (a && a->offset == arena_.offset_of(p)) {
    if (const void* l = arena_.first_linked(p, a->size))
      fail(Oracle::kListCorruption,
           fmt::format("list corruption: kfree of {} while a list node in it (+{}) is still linked", describe_addr(p),
                       arena_.offset_of(l) - a->offset),
           site);
  }
  if (!arena_.retire(p, Shadow::kFreedHeap, current_task() ? current_task()->pid : -1, step_))
    fail(Oracle::kUseAfterFree, fmt::format("invalid or double kfree of {}", describe_addr(p)), site);
}

void Machine::stack_free(void* p, size_t size, const Site& site) {
  if (!stop_) {
    fence_full();  // the frame's own buffered stores precede its end
    if (const void* l = arena_.first_linked(p, size))
      report(Oracle::kListCorruption,
             fmt::format("list corruption: the frame of {} ends while its list node at +{} is still linked: {}",
                         describe_addr(p), arena_.offset_of(l) - arena_.offset_of(p),
                         current_task() ? task_label(current_task()) : ""),
             site);
  }
  arena_.retire(p, Shadow::kDeadStack, current_task() ? current_task()->pid : -1, step_);
}

bool Machine::list_add_valid(const void* node, const Site& site) {
  if (!arena_.contains(node)) return true;  // a wild node is reported by the access that follows
  if (arena_.linked(node)) {
    fail(Oracle::kListCorruption,
         fmt::format("list_add double add: {} is already on a list", describe_addr(node)), site);
    return false;
  }
  arena_.set_linked(node, true);
  return true;
}

bool Machine::list_del_valid(const void* node, const Site& site) {
  if (!arena_.contains(node)) return true;
  if (!arena_.linked(node)) {
    fail(Oracle::kListCorruption,
         fmt::format("list_del corruption: {} is not on a list", describe_addr(node)), site);
    return false;
  }
  arena_.set_linked(node, false);
  return true;
}

void Machine::wait_on(const void* key, const char* what, const Site& site) {
  if (stop_) return;
  waiters_.push_back({key, current_task()});
  block(what, site);
}

void Machine::wake_one(const void* key) {
  for (size_t i = 0; i < waiters_.size(); ++i)
    if (waiters_[i].key == key) {
      Task* t = waiters_[i].task;
      waiters_.erase(waiters_.begin() + long(i));
      wake_up_task(t);
      return;
    }
}

void Machine::might_sleep(const Site& site) {
  Task* t = current_task();
  if (!t || !running_cpu_) return;
  if (t->preempt_count != 0 || running_cpu_->irq_off != 0 || running_cpu_->in_irq != 0)
    fail(Oracle::kSleepInAtomic,
         fmt::format("BUG: sleeping function called from invalid context: {} has preempt_count={}{}{}{}",
                     task_label(t), t->preempt_count,
                     t->raw_locks_held ? fmt::format(", {} raw spinlock(s) held", t->raw_locks_held) : "",
                     running_cpu_->irq_off ? ", interrupts disabled" : "", running_cpu_->in_irq ? ", in interrupt" : ""),
         site);
}

void Machine::note_lock_acquired(void* lock) {
  Task* t = current_task();
  if (t) ++t->raw_locks_held;
  lock_owners_.push_back({lock, t ? t->pid : -1, smp_processor_id(), running_cpu_ ? running_cpu_->in_irq : 0});
}

void Machine::note_lock_released(void* lock) {
  Task* t = current_task();
  if (t && t->raw_locks_held > 0) --t->raw_locks_held;
  for (size_t i = lock_owners_.size(); i-- > 0;)
    if (lock_owners_[i].lock == lock) {
      lock_owners_.erase(lock_owners_.begin() + long(i));
      return;
    }
}

void Machine::check_lock_self_deadlock(void* lock, const Site& site) {
  if (!running_cpu_) return;
  for (const auto& o : lock_owners_) {
    if (o.lock != lock || o.cpu != running_cpu_->id) continue;
    if (o.irq_level < running_cpu_->in_irq)
      fail(Oracle::kDeadlock,
           fmt::format("deadlock: an interrupt handler on cpu {} spins on {} held by the context it interrupted "
                       "(pid {}); the lock is taken elsewhere without disabling interrupts",
                       running_cpu_->id, describe_addr(lock), o.pid),
           site);
    else if (o.pid == current_task()->pid && o.irq_level == running_cpu_->in_irq)
      fail(Oracle::kDeadlock,
           fmt::format("deadlock: {} takes {} recursively", task_label(current_task()), describe_addr(lock)), site);
  }
}

void Machine::ghost_acquired(const void* p, const void* key) {
  if (p == nullptr) return;
  Task* t = current_task();
  uint64_t since = t && ghost_watch_ && t->watched_load != 0 ? t->watched_load : step_;
  holds_.push_back({p, key, t ? t->pid : -1, since, t});
  if (full_trace_) record(AccessKind::kHolds, holds_.size(), Site::current());
}

void Machine::ghost_released(const void* p, const void* key) {
  if (p == nullptr) return;
  for (size_t i = holds_.size(); i-- > 0;)
    if (holds_[i].addr == p && holds_[i].key == key) {
      holds_.erase(holds_.begin() + long(i));
      if (full_trace_) record(AccessKind::kHolds, holds_.size(), Site::current());
      return;
    }
}

void Machine::ghost_detached(const void* key) {
  for (auto& h : holds_)
    if (h.key == key) h.pid = -1;
}

void Machine::note_watched_store(const void* p, size_t size) {
  if (size != sizeof(void*)) return;
  const void* old;
  std::memcpy(&old, p, sizeof(old));
  unpublished_[unpublished_pos_++ % unpublished_.size()] = {old, step_};
}

// UINT64_MAX: still published in memory (or replaced too long ago to remember).
uint64_t Machine::unpublished_step(const void* value) const {
  if (ghost_watch_ != nullptr) {
    const void* now;
    std::memcpy(&now, ghost_watch_, sizeof(now));
    if (now == value) return UINT64_MAX;
  }
  for (uint32_t i = 0; i < unpublished_.size() && i < unpublished_pos_; ++i) {
    const Unpublished& u = unpublished_[(unpublished_pos_ - 1 - i) % unpublished_.size()];
    if (u.value == value) return u.step;
  }
  return UINT64_MAX;
}

void Machine::ghost_sync_begin(const void* p) {
  Task* t = current_task();
  t->sync_begin = step_ == 0 ? 1 : step_;
  t->sync_addr = p;
}

void Machine::ghost_sync_end(const void* p, const Site& site) {
  Task* t = current_task();
  uint64_t begin = t->sync_begin;
  t->sync_begin = 0;
  t->sync_addr = nullptr;
  if (stop_) return;
  // Every reader whose Load A saw p before p stopped being published in memory must have been
  // waited for. Without a watched pointer, fall back to readers that acquired before the call.
  check_no_early_holder(p, ghost_watch_ ? unpublished_step(p) : begin,
                        fmt::format("hazptr_synchronize({}) returned at step {}", describe_addr(p), step_),
                        fmt::format(" (synchronize began at step {})", begin), site);
}

void Machine::ghost_check_reclaim(const void* p, const Site& site) {
  if (stop_) return;
  check_no_early_holder(p, ghost_watch_ ? unpublished_step(p) : step_,
                        fmt::format("the batched reclaim freed {} at step {}", describe_addr(p), step_), "", site);
}

void Machine::check_no_early_holder(const void* p, uint64_t unpublished, const std::string& what,
                                    const std::string& tail, const Site& site) {
  for (const auto& h : holds_) {
    if (h.addr != p || h.acquired_step >= unpublished) continue;
    fail(Oracle::kSyncReturnedEarly,
         fmt::format("{} while {} still holds it: its acquire loaded it at step {}, {}{}", what,
                     h.task ? task_label(h.task) : "?", h.acquired_step,
                     unpublished == UINT64_MAX ? std::string("and it is still published in memory")
                                               : fmt::format("before it was unpublished at step {}", unpublished),
                     tail),
         site);
  }
}

void Machine::report(Oracle o, std::string message, const Site& site) {
  if (failed_) return;
  failed_ = true;
  stop_ = true;
  failure_.oracle = o;
  failure_.message = std::move(message);
  Task* t = current_task();
  failure_.pid = t ? t->pid : -1;
  failure_.task = t ? t->name : "";
  failure_.cpu = running_cpu_ ? running_cpu_->id : -1;
  failure_.site = site_text(site);
  failure_.step = step_;
  failure_.now_ns = now_;
}

void Machine::fail(Oracle o, std::string message, const Site& site) {
  report(o, std::move(message), site);
  if (running_cpu_ != nullptr && std::uncaught_exceptions() == 0 && !tearing_down_) throw RunAborted{};
}

std::string Machine::task_label(const Task* t) const {
  if (!t) return "?";
  return fmt::format("{} (pid {})", t->name, t->pid);
}

std::string Machine::site_text(const Site& s) const {
  if (s.line() == 0) return "?";
  std::string f = s.file_name();
  // Paths as the sources are laid out in the repository, independent of the build directory.
  for (const char* top : {"hazptr/", "sched/", "sim/", "scenarios/", "kapi/", "tests/"}) {
    auto pos = f.rfind(top);
    if (pos != std::string::npos) {
      f = f.substr(pos);
      break;
    }
  }
  std::string fn = bare_function_name(s.function_name());
  return fmt::format("{}:{} ({})", f, s.line(), fn);
}

}  // namespace hazsim
