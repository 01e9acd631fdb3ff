/**
 * The kmesh-perf API: {@link net.kmesh.perf.PerfMonitor}, its configuration, the immutable values
 * it reports, and the provider interface an implementation registers. Pure Java, without native
 * code; {@link net.kmesh.perf.PerfMonitor#open(net.kmesh.perf.PerfMonitorConfig)} finds the
 * implementation ({@code net.kmesh.perf.bpf}) with {@link java.util.ServiceLoader}, which on the
 * module path resolves it from its {@code provides} clause.
 */
module net.kmesh.perf {
    exports net.kmesh.perf;
    exports net.kmesh.perf.spi;

    uses net.kmesh.perf.spi.PerfMonitorProvider;
}
