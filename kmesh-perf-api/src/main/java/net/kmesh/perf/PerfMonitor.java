package net.kmesh.perf;

import java.util.Comparator;
import java.util.Optional;
import java.util.ServiceLoader;
import net.kmesh.perf.spi.PerfMonitorProvider;

/**
 * Watches the performance of an eBPF data plane: operation durations measured in the kernel and
 * read from the ring buffer {@code kmesh_perf_info}.
 *
 * <p>Opening a monitor acquires every kernel resource it needs (or fails with a
 * {@link PerfMonitorException} that says what is missing); {@link #start()} starts the single
 * consumer thread; {@link #close()} releases everything in reverse order, leaving nothing of the
 * monitor's in the kernel. {@code close()} is idempotent and safe from any thread.
 *
 * <pre>{@code
 * try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder()
 *         .source(RecordSource.pinned(Path.of("/sys/fs/bpf/kmesh_perf_info"))).build())) {
 *     monitor.start();
 *     ...
 *     monitor.snapshot().operations().forEach(System.out::println);
 * }
 * }</pre>
 */
public interface PerfMonitor extends AutoCloseable {

    /**
     * Opens a monitor with the highest-priority provider on the class path
     * ({@code kmesh-perf-bpf} registers one).
     *
     * @throws PerfMonitorException when no provider is present or the provider cannot open
     */
    static PerfMonitor open(PerfMonitorConfig config) {
        PerfMonitorProvider provider = ServiceLoader.load(PerfMonitorProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .max(Comparator.comparingInt(PerfMonitorProvider::priority))
                .orElseThrow(() -> new PerfMonitorException("no kmesh-perf provider on the class path: "
                        + "add the runtime dependency net.kmesh.perf:kmesh-perf-bpf"));
        return provider.open(config);
    }

    /** The configuration it was opened with. */
    PerfMonitorConfig config();

    /** What was detected on this machine when the monitor opened. */
    Capabilities capabilities();

    /** Starts the consumer thread; calling it again does nothing. Returns this monitor. */
    PerfMonitor start();

    /** The statistics now. Safe from any thread, also while or after closing. */
    PerfSnapshot snapshot();

    /**
     * Adds a listener that receives every valid record on the consumer thread. Closing the returned
     * handle removes it.
     */
    AutoCloseable addRecordListener(RecordListener listener);

    /**
     * Adds a listener for the durations of operation types in histogram mode, merged from the
     * kernel when a snapshot is taken. Closing the returned handle removes it.
     */
    AutoCloseable addHistogramListener(HistogramListener listener);

    /** The bundled samples' driver, when the source is {@link RecordSource.Bundled}. */
    Optional<SampleWorkload> samples();

    /** Stops the consumer and releases every kernel resource. Idempotent, safe from any thread. */
    @Override
    void close();
}
