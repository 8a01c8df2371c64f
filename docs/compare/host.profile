# hazsim cost profile, measured by `hazsim calibrate` on this host:
# Intel(R) Xeon(R) Processor, 2 online CPUs; caches L1 48K, L2 2048K, L3 266240K; Linux 6.18.44-fc-v1272 x86_64
# Cycles are core cycles at the measured clock. Load latencies: a pointer chase through a random cycle of
# lines on 2 MiB pages, within a set that fits the level (memory: every line flushed first).
clock_ghz = 3.4  # a chain of dependent adds, one per cycle
l1_hit = 5.2  # load-to-use, a chase within 16 KiB
l2_hit = 19.1  # a chase within a quarter of L2
llc_hit = 128.0  # a chase past L2, within the last-level cache
dram = 470.7  # a chase through flushed lines
transfer = 202.6  # half the round trip of a line bounced between two CPUs (0: one CPU)
full_fence = 22.4  # smp_mb() back to back (x86-64: smp_mb() = lock addl $0,-4(%rsp); rmb/wmb compiler barriers; PAUSE)
atomic = 19.5  # a locked add-return on a line already held, back to back
pause = 43.3  # cpu_relax() back to back
store_forward = 6.7  # a counter incremented through memory, less the add
issue_width = 1  # independent L1 loads per cycle (1.25 measured)
l1_lines = 768  # L1d: 49152 bytes / 64 (sysfs)
l1_ways = 12
private_lines = 32768  # L2: 2097152 bytes / 64 (sysfs)
private_ways = 16
llc_lines = 4259840  # the last-level cache: 272629760 bytes / 64 (sysfs)
llc_ways = 20
