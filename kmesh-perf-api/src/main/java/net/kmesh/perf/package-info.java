/**
 * The kmesh-perf API: {@link net.kmesh.perf.PerfMonitor} watches an eBPF data plane (Kmesh) and
 * reports, in immutable {@link net.kmesh.perf.PerfSnapshot}s, operation durations measured in the
 * kernel, eBPF map and program statistics, and the daemon's CPU and memory.
 *
 * <p>A monitor is configured with one immutable {@link net.kmesh.perf.PerfMonitorConfig}: where its
 * records come from ({@link net.kmesh.perf.RecordSource}), which maps and programs it reports
 * ({@link net.kmesh.perf.MapSelector}, {@link net.kmesh.perf.ProgramSelector}) and whose resources
 * ({@link net.kmesh.perf.DaemonTarget}). Every value type here is immutable and safe to share
 * between threads; a duration held in a {@code long} is in nanoseconds and says so in its name. Failures are
 * {@link net.kmesh.perf.PerfMonitorException}s whose message names the problem and the fix, with
 * the errno of a failed system call kept.
 *
 * <p>This module has no native code and no native type: the implementation is found at run time
 * ({@link net.kmesh.perf.spi.PerfMonitorProvider}), and is {@code kmesh-perf-bpf}.
 */
package net.kmesh.perf;
