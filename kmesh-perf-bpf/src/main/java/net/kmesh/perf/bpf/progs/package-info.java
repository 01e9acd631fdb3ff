/**
 * eBPF program statistics as bpftop shows them: runs, run time and recursion misses per program,
 * counted by the kernel while {@code BPF_ENABLE_STATS} is held. Start at
 * {@link net.kmesh.perf.bpf.progs.ProgramStatsCollector}.
 */
package net.kmesh.perf.bpf.progs;
