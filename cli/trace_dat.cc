#include "cli/trace_dat.h"

#include <fmt/format.h>

#include <cstring>
#include <map>

namespace hazsim {

namespace {

constexpr size_t kPage = 4096, kPageHeader = 16;

// Little-endian appends.
void put(std::string& s, uint64_t v, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) s += char((v >> (8 * i)) & 0xff);
}
void put_str(std::string& s, const std::string& v) { s += v, s += '\0'; }
void put_fixed(std::string& s, const std::string& v, size_t n) {  // a char[n], NUL-padded
  std::string f = v.substr(0, n - 1);
  f.resize(n, '\0');
  s += f;
}

// Event ids: ftrace's print is 5 in every kernel; the others are this file's own.
enum : uint16_t {
  kIdPrint = 5, kIdSwitch = 300, kIdWaking, kIdMigrate, kIdIrqEntry, kIdIrqExit, kIdSoftirqEntry, kIdSoftirqExit,
  kIdTimerEntry, kIdTimerExit,
};

const char* kCommonFields =
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
    "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n";

std::string format_file(const char* name, int id, const char* fields, const char* print_fmt) {
  return fmt::format("name: {}\nID: {}\nformat:\n{}{}\nprint fmt: {}\n", name, id, kCommonFields, fields, print_fmt);
}

struct Format {
  const char* system;
  std::string text;
};

std::vector<Format> event_formats() {
  return {
      {"sched", format_file("sched_switch", kIdSwitch,
                            "\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
                            "\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
                            "\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;\n"
                            "\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
                            "\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
                            "\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
                            "\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n",
                            "\"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d "
                            "next_prio=%d\", REC->prev_comm, REC->prev_pid, REC->prev_prio, (REC->prev_state & 0xff) ? "
                            "__print_flags(REC->prev_state & 0xff, \"|\", { 0x01, \"S\" }, { 0x02, \"D\" }, { 0x10, "
                            "\"X\" }) : \"R\", REC->prev_state & 0x100 ? \"+\" : \"\", REC->next_comm, REC->next_pid, "
                            "REC->next_prio")},
      {"sched", format_file("sched_waking", kIdWaking,
                            "\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
                            "\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n"
                            "\tfield:int prio;\toffset:28;\tsize:4;\tsigned:1;\n"
                            "\tfield:int target_cpu;\toffset:32;\tsize:4;\tsigned:1;\n",
                            "\"comm=%s pid=%d prio=%d target_cpu=%03d\", REC->comm, REC->pid, REC->prio, "
                            "REC->target_cpu")},
      {"sched", format_file("sched_migrate_task", kIdMigrate,
                            "\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
                            "\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n"
                            "\tfield:int prio;\toffset:28;\tsize:4;\tsigned:1;\n"
                            "\tfield:int orig_cpu;\toffset:32;\tsize:4;\tsigned:1;\n"
                            "\tfield:int dest_cpu;\toffset:36;\tsize:4;\tsigned:1;\n",
                            "\"comm=%s pid=%d prio=%d orig_cpu=%d dest_cpu=%d\", REC->comm, REC->pid, REC->prio, "
                            "REC->orig_cpu, REC->dest_cpu")},
      {"irq", format_file("irq_handler_entry", kIdIrqEntry,
                          "\tfield:int irq;\toffset:8;\tsize:4;\tsigned:1;\n"
                          "\tfield:__data_loc char[] name;\toffset:12;\tsize:4;\tsigned:1;\n",
                          "\"irq=%d name=%s\", REC->irq, __get_str(name)")},
      {"irq", format_file("irq_handler_exit", kIdIrqExit,
                          "\tfield:int irq;\toffset:8;\tsize:4;\tsigned:1;\n"
                          "\tfield:int ret;\toffset:12;\tsize:4;\tsigned:1;\n",
                          "\"irq=%d ret=%s\", REC->irq, REC->ret ? \"handled\" : \"unhandled\"")},
      {"irq", format_file("softirq_entry", kIdSoftirqEntry, "\tfield:unsigned int vec;\toffset:8;\tsize:4;\tsigned:0;\n",
                          "\"vec=%u [action=%s]\", REC->vec, __print_symbolic(REC->vec, { 1, \"TIMER\" }, { 6, "
                          "\"TASKLET\" })")},
      {"irq", format_file("softirq_exit", kIdSoftirqExit, "\tfield:unsigned int vec;\toffset:8;\tsize:4;\tsigned:0;\n",
                          "\"vec=%u [action=%s]\", REC->vec, __print_symbolic(REC->vec, { 1, \"TIMER\" }, { 6, "
                          "\"TASKLET\" })")},
      {"irq_vectors", format_file("local_timer_entry", kIdTimerEntry,
                                  "\tfield:int vector;\toffset:8;\tsize:4;\tsigned:1;\n", "\"vector=%d\", REC->vector")},
      {"irq_vectors", format_file("local_timer_exit", kIdTimerExit,
                                  "\tfield:int vector;\toffset:8;\tsize:4;\tsigned:1;\n", "\"vector=%d\", REC->vector")},
  };
}

// The kernel's trace flags (common_flags) from Event::flags.
uint8_t common_flags(uint8_t f) {
  return uint8_t((f & kFlagIrqsOff ? 0x01 : 0) | (f & kFlagNeedResched ? 0x04 : 0) | (f & kFlagHardirq ? 0x08 : 0) |
                 (f & kFlagSoftirq ? 0x10 : 0));
}

// An event's payload: the common fields, then its own.
std::string payload(const FtraceRecord& r, uint64_t ip) {
  using Type = FtraceRecord::Type;
  static constexpr uint16_t kIds[] = {kIdSwitch,    kIdWaking,  kIdMigrate,      kIdTimerEntry,  kIdTimerExit,
                                      kIdIrqEntry,  kIdIrqExit, kIdSoftirqEntry, kIdSoftirqExit, kIdPrint};
  std::string p;
  put(p, kIds[size_t(r.type)], 2);
  put(p, common_flags(r.flags), 1);
  put(p, r.flags & kFlagPreemptMask, 1);
  put(p, uint32_t(r.pid), 4);
  switch (r.type) {
    case Type::kSwitch:
      put_fixed(p, r.comm, 16), put(p, uint32_t(r.pid), 4), put(p, 120, 4), put(p, uint64_t(r.state), 8);
      put_fixed(p, r.other_comm, 16), put(p, uint32_t(r.other_pid), 4), put(p, 120, 4);
      break;
    case Type::kWaking:
      put_fixed(p, r.other_comm, 16), put(p, uint32_t(r.other_pid), 4), put(p, 120, 4), put(p, uint32_t(r.value), 4);
      break;
    case Type::kMigrate:
      put_fixed(p, r.other_comm, 16), put(p, uint32_t(r.other_pid), 4), put(p, 120, 4), put(p, uint32_t(r.cpu), 4);
      put(p, uint32_t(r.value), 4);
      break;
    case Type::kIrqEntry:  // the name after the fixed fields, found through its __data_loc word
      put(p, 0, 4), put(p, 16u | uint32_t(r.text.size() + 1) << 16, 4), put_str(p, r.text);
      break;
    case Type::kIrqExit: put(p, 0, 4), put(p, 1, 4); break;
    case Type::kSoftirqEntry:
    case Type::kSoftirqExit: put(p, uint32_t(r.value), 4); break;
    case Type::kTimerEntry:
    case Type::kTimerExit: put(p, 236, 4); break;
    case Type::kPrint: put(p, ip, 8), put_str(p, r.text); break;
  }
  return p;
}

// One vCPU's ring buffer: pages of (timestamp, commit, events), each event's time a delta from
// the one before it on the page (the first's from the page's timestamp).
class CpuBuffer {
 public:
  void add(uint64_t ns, const std::string& data) {
    size_t len = (data.size() + 3) & ~size_t(3);
    bool small = len <= 28 * 4;
    size_t bytes = 4 + (small ? 0 : 4) + len;
    uint64_t delta = started_ ? ns - last_ : 0;
    bool extend = delta >= (uint64_t(1) << 27);
    if (!started_ || kPageHeader + body_.size() + bytes + (extend ? 8 : 0) > kPage) {
      finish_page();
      started_ = true;
      page_ts_ = ns;
      delta = 0, extend = false;
    }
    if (extend) {  // a time extend: the delta's low 27 bits here, the rest in the next word
      put(body_, 30u | uint32_t(delta & ((1u << 27) - 1)) << 5, 4);
      put(body_, delta >> 27, 4);
      delta = 0;
    }
    if (small) {
      put(body_, uint32_t(len / 4) | uint32_t(delta) << 5, 4);
    } else {  // type_len 0: the length (its own word included) in the next word
      put(body_, uint32_t(delta) << 5, 4);
      put(body_, len + 4, 4);
    }
    body_ += data;
    body_.append(len - data.size(), '\0');
    last_ = ns;
  }
  std::string pages() {
    finish_page();
    return out_;
  }

 private:
  void finish_page() {
    if (body_.empty()) return;
    put(out_, page_ts_, 8);
    put(out_, body_.size(), 8);  // commit: the bytes of events on the page
    out_ += body_;
    out_.append(kPage - kPageHeader - body_.size(), '\0');
    body_.clear();
  }
  std::string out_, body_;
  bool started_ = false;
  uint64_t page_ts_ = 0, last_ = 0;
};

}  // namespace

std::string trace_dat(const std::vector<FtraceRecord>& records, int nr_cpus) {
  // The functions print events are under, each at an address of this file's own kallsyms.
  std::map<std::string, uint64_t> ips;
  for (const FtraceRecord& r : records)
    if (r.type == FtraceRecord::Type::kPrint && !ips.count(r.func)) ips.emplace(r.func, 0);
  uint64_t next_ip = 0xffffffff81000000ull;
  std::string kallsyms;
  for (auto& [name, ip] : ips) {
    ip = next_ip, next_ip += 0x100;
    kallsyms += fmt::format("{:016x} T {}\n", ip, name);
  }
  std::map<int, std::string> comms;
  std::vector<CpuBuffer> cpus(static_cast<size_t>(nr_cpus));
  for (const FtraceRecord& r : records) {
    if (r.cpu < 0 || r.cpu >= nr_cpus) continue;
    if (r.pid > 0) comms[r.pid] = r.comm;
    cpus[size_t(r.cpu)].add(r.ns, payload(r, r.type == FtraceRecord::Type::kPrint ? ips[r.func] : 0));
  }

  std::string f = "\x17\x08\x44tracing";
  put_str(f, "6");
  put(f, 0, 1);  // little endian
  put(f, 8, 1);  // long is 8 bytes
  put(f, kPage, 4);
  const std::string header_page =
      "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
      "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
      "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
      "\tfield: char data;\toffset:16;\tsize:4080;\tsigned:1;\n";
  const std::string header_event =
      "# compressed entry header\n\ttype_len    :    5 bits\n\ttime_delta  :   27 bits\n\tarray       :   32 bits\n\n"
      "\tpadding     : type == 29\n\ttime_extend : type == 30\n\ttime_stamp : type == 31\n\tdata max type_len  == 28\n";
  put_str(f, "header_page"), put(f, header_page.size(), 8), f += header_page;
  put_str(f, "header_event"), put(f, header_event.size(), 8), f += header_event;
  const std::string print_format = format_file("print", kIdPrint,
                                               "\tfield:unsigned long ip;\toffset:8;\tsize:8;\tsigned:0;\n"
                                               "\tfield:char buf[];\toffset:16;\tsize:0;\tsigned:0;\n",
                                               "\"%ps: %s\", (void *)REC->ip, REC->buf");
  put(f, 1, 4), put(f, print_format.size(), 8), f += print_format;
  std::vector<Format> formats = event_formats();
  std::map<std::string, std::vector<const std::string*>> systems;
  for (const Format& fm : formats) systems[fm.system].push_back(&fm.text);
  put(f, systems.size(), 4);
  for (const auto& [system, texts] : systems) {
    put_str(f, system);
    put(f, texts.size(), 4);
    for (const std::string* t : texts) put(f, t->size(), 8), f += *t;
  }
  put(f, kallsyms.size(), 4), f += kallsyms;
  put(f, 0, 4);  // no trace_printk() formats: hazsim's lines are print events
  std::string cmdlines;
  for (const auto& [pid, comm] : comms) cmdlines += fmt::format("{} {}\n", pid, comm);
  put(f, cmdlines.size(), 8), f += cmdlines;
  put(f, uint32_t(nr_cpus), 4);
  f += std::string("flyrecord") + '\0';
  std::vector<std::string> data;
  for (CpuBuffer& b : cpus) data.push_back(b.pages());
  size_t offset = (f.size() + 16 * data.size() + kPage - 1) / kPage * kPage;
  for (const std::string& d : data) {
    put(f, offset, 8), put(f, d.size(), 8);
    offset += d.size();
  }
  f.resize((f.size() + kPage - 1) / kPage * kPage, '\0');
  for (const std::string& d : data) f += d;
  return f;
}

}  // namespace hazsim
