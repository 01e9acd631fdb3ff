/**
 * The implementation of {@link net.kmesh.perf.PerfMonitor}: {@link net.kmesh.perf.bpf.BpfPerfMonitor},
 * found by {@link net.kmesh.perf.PerfMonitor#open(net.kmesh.perf.PerfMonitorConfig)} through
 * {@link net.kmesh.perf.bpf.BpfPerfMonitorProvider}. Applications use the API of
 * {@code kmesh-perf-api} and need this module at run time only.
 *
 * <p>It calls the system {@code libbpf.so.1} (1.0 or later) and libc through JNA; on JDK 22 and
 * later, JNA's native calls want {@code --enable-native-access=ALL-UNNAMED} on the class path, or
 * {@code --enable-native-access=com.sun.jna} on the module path. The sub-packages are one per kernel
 * concept: {@code libbpf} (the native binding and the owners of fds and BPF objects),
 * {@code ringbuf} (reading a BPF ring buffer in place), {@code ops} (decoding and aggregating
 * records), {@code probe} (a data plane's probe maps, followed across its restarts), {@code maps}
 * and {@code progs} (statistics), {@code resources} ({@code /proc} and cgroup files) and
 * {@code samples} (the bundled sample programs).
 */
package net.kmesh.perf.bpf;
