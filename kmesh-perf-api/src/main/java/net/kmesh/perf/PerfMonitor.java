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

    /**
     * The configuration it was opened with.
     *
     * @return the configuration, never null
     */
    PerfMonitorConfig config();

    /**
     * What was detected on this machine when the monitor opened; what works now is in
     * {@link PerfSnapshot#features()}.
     *
     * @return the capabilities, never null
     */
    Capabilities capabilities();

    /**
     * Starts the consumer thread (a daemon thread that reads the ring buffer and calls the
     * listeners) and, for a source that is looked up by pin, name or Kmesh's directories, the
     * thread that follows it. Calling it again does nothing.
     *
     * @return this monitor
     * @throws IllegalStateException when the monitor is closed
     */
    PerfMonitor start();

    /**
     * The statistics now. Each call reads the kernel and {@code /proc} afresh (map and program
     * statistics cost system calls), so a caller that reads often should keep the result for a
     * while. It never throws because a part cannot be read: that part is empty (see
     * {@link PerfSnapshot#features()}) and the failure is logged once. Safe from any thread, also
     * while or after closing (then the map and program statistics are empty).
     *
     * @return the snapshot, never null
     */
    PerfSnapshot snapshot();

    /**
     * Adds a listener that receives every valid record on the consumer thread, from the next
     * record on. A listener added twice is called twice.
     *
     * @param listener the listener, not null
     * @return its registration: closing it removes the listener, without a checked exception
     */
    ListenerRegistration addRecordListener(RecordListener listener);

    /**
     * Switches what the probe does for {@code operationType} from now on, in the data plane's
     * running programs (through the probe's mode map; nothing is reloaded). The monitor puts back
     * the mode each type had before it first changed it when it closes. While the source is waiting
     * for its data plane, the mode is applied when it attaches.
     *
     * @param operationType 0 to {@value PerfMonitorConfig#MAX_MODE_TYPE}
     * @param mode          what the probe does for that type from now on
     * @throws IllegalArgumentException when the type has no mode slot
     * @throws IllegalStateException    when the monitor is closed
     * @throws PerfMonitorException     when the attached source has no mode map (its programs were
     *                                  built without the probe's modes), or writing it failed
     */
    void setOperationMode(long operationType, OperationMode mode);

    /**
     * An object of the implementation's own, such as {@code kmesh-perf-bpf}'s driver of its bundled
     * sample programs ({@code net.kmesh.perf.bpf.samples.SampleWorkload}, present when the source
     * is {@link RecordSource#samples()}).
     *
     * @param <T>  the type asked for
     * @param type the type asked for
     * @return the object; empty when the implementation has none of that type
     */
    <T> Optional<T> unwrap(Class<T> type);

    /**
     * Stops the consumer after one last drain of the ring, then releases every kernel resource.
     * Idempotent, safe from any thread. {@link #snapshot()} still answers afterwards with every
     * total, so a binder's last scrape taken after this close holds every record taken off the ring.
     */
    @Override
    void close();
}
