package net.kmesh.perf;

import java.util.Comparator;
import java.util.Optional;
import java.util.ServiceLoader;
import net.kmesh.perf.spi.PerfMonitorProvider;

/**
 * Watches the performance of an eBPF data plane: operation durations measured in the kernel and
 * read from the probe's ring buffer, eBPF map and program statistics, and the daemon's CPU and
 * memory.
 *
 * <p>Opening a monitor acquires every kernel resource it needs (or fails with a
 * {@link PerfMonitorException} that says what is missing); {@link #start()} starts the single
 * consumer thread; {@link #close()} releases everything in reverse order, leaving nothing of the
 * monitor's in the kernel. {@code close()} is idempotent and safe from any thread.
 *
 * <pre>{@code
 * try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder()
 *         .source(RecordSource.kmesh()).build())) {
 *     monitor.start();
 *     ...
 *     monitor.snapshot().operations().forEach(System.out::println);
 * }
 * }</pre>
 */
public interface PerfMonitor extends AutoCloseable {

    /**
     * Opens a monitor with the highest-priority provider on the class path
     * ({@code kmesh-perf-bpf} registers one). A data plane that is not running yet is waited for
     * (see {@link PerfMonitorConfig#waitForSource()}): the monitor opens, reports its source as
     * waiting, and attaches when the data plane appears.
     *
     * @param config what to monitor
     * @return the open monitor, not started
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
     * registration removes it.
     */
    ListenerRegistration addRecordListener(RecordListener listener);

    /**
     * Switches what the probe does for {@code operationType} from now on, in the data plane's
     * running programs (through the probe's mode map; nothing is reloaded). The monitor puts back
     * the mode each type had before it first changed it when it closes. While the source is waiting
     * for its data plane, the mode is applied when it attaches.
     *
     * @param operationType 0 to {@value PerfMonitorConfig#MAX_MODE_TYPE}
     * @throws IllegalArgumentException when the type has no mode slot
     * @throws PerfMonitorException     when the attached source has no mode map (its programs were
     *                                  built without the probe's modes), or writing it failed
     */
    void setOperationMode(long operationType, OperationMode mode);

    /**
     * An object of the implementation's own, such as {@code kmesh-perf-bpf}'s driver of its bundled
     * sample programs; empty when the implementation has none of that type.
     */
    <T> Optional<T> unwrap(Class<T> type);

    /** Stops the consumer and releases every kernel resource. Idempotent, safe from any thread. */
    @Override
    void close();
}
