/**
 * The implementation of the kmesh-perf API through the system libbpf (JNA), provided as a
 * {@link net.kmesh.perf.spi.PerfMonitorProvider}: applications require {@code net.kmesh.perf} and
 * have this module on the module path; service binding resolves it.
 *
 * <p>Exported: {@code net.kmesh.perf.bpf} ({@link net.kmesh.perf.bpf.BpfPerfMonitor}) and
 * {@code net.kmesh.perf.bpf.samples}, the driver of the bundled sample programs
 * ({@code monitor.unwrap(SampleWorkload.class)}). The other packages are the implementation; the
 * demo and the benchmarks, which use them, run on the class path. JNA proxies the native binding's
 * interfaces and calls libbpf's log callback back, so {@code net.kmesh.perf.bpf.libbpf} is open to
 * it. On JDK 22 and later, run with {@code --enable-native-access=com.sun.jna}.
 */
// JNA's jar has no module descriptor, only the stable Automatic-Module-Name com.sun.jna.
@SuppressWarnings("requires-automatic")
module net.kmesh.perf.bpf {
    requires transitive net.kmesh.perf;
    requires com.sun.jna;
    requires org.slf4j;
    // sun.misc.Unsafe for RawMemory on JDK 17 to 22; without it the ring is read through its buffers.
    requires static jdk.unsupported;

    exports net.kmesh.perf.bpf;
    exports net.kmesh.perf.bpf.samples;

    opens net.kmesh.perf.bpf.libbpf to com.sun.jna;

    provides net.kmesh.perf.spi.PerfMonitorProvider with net.kmesh.perf.bpf.BpfPerfMonitorProvider;
}
