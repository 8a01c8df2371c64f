# hazsim cost profile, measured by `hazsim calibrate` on this host:
# AMD EPYC, 2 online CPUs; caches L1 48K, L2 1024K (CPUID: no sysfs cache directory); Linux 6.18.44-fc-v1272 x86_64
# Cycles are core cycles at the measured clock. Load latencies: a pointer chase through a random cycle of
# lines on 2 MiB pages, within a set that fits the level (memory: every line flushed first).
clock_ghz = 3.6  # a chain of dependent adds, one per cycle
l1_hit = 4.0  # load-to-use, a chase within 16 KiB
l2_hit = 14.0  # a chase within a quarter of L2
llc_hit = 57.8  # a chase past L2, within the last-level cache
dram = 307.4  # a chase through flushed lines
transfer = 710.5  # half the round trip of a line bounced between two CPUs (0: one CPU)
full_fence = 19.9  # smp_mb() back to back (x86-64: smp_mb() = lock addl $0,-4(%rsp); rmb/wmb compiler barriers; PAUSE)
atomic = 19.9  # a locked add-return on a line already held, back to back
pause = 65.9  # cpu_relax() back to back
store_forward = 0.0  # a counter incremented through memory, less the add
pair_prefetch = 1  # flushed lines: the odd lines of 128-byte pairs after a chase through the even ones, 14 cycles a load (memory: 307)
tlb_page_bytes = 4096
tlb_miss = 189.2  # lines one per 4 KiB page over 64 MiB, less the same lines packed
tlb_entries = 4096  # the most pages such a chase spans for under a quarter of that
tlb_ways = 8  # not measured
task_struct_bytes = 5824  # /proc/slabinfo
issue_width = 3  # independent L1 loads per cycle (2.70 measured)
l1_lines = 768  # L1d: 49152 bytes / 64 (as the host gives it)
l1_ways = 12
private_lines = 16384  # L2: 1048576 bytes / 64 (as the host gives it)
private_ways = 8
llc_lines = 131072  # the largest packed chase, doubling from 4x L2, nearer llc_hit than memory: 8192 KiB / 64 (no size given)
llc_ways = 16  # not measured
