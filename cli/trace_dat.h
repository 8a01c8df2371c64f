// trace-cmd's binary trace file (trace.dat, version 6, "flyrecord"): what `trace-cmd report` and
// KernelShark open. The same records as the ftrace text (cli/ftrace_records.h), written as the
// kernel's ring buffer holds them: one run of 4 KiB pages per vCPU, each event a compressed
// header and the fields its format file (written into the file's header) describes. Event
// formats are the kernel's for sched_switch, sched_waking, sched_migrate_task, irq_handler_*,
// softirq_* and local_timer_*; marks and trace_printk() lines are ftrace's `print` event, whose ip
// names a function in the file's own kallsyms (tracing_mark_write, or the design function).
#pragma once
#include <string>
#include <vector>

#include "cli/ftrace_records.h"

namespace hazsim {

std::string trace_dat(const std::vector<FtraceRecord>& records, int nr_cpus);

}  // namespace hazsim
