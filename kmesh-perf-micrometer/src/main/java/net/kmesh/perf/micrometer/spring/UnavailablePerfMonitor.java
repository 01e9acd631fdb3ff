package net.kmesh.perf.micrometer.spring;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import net.kmesh.perf.Capabilities;
import net.kmesh.perf.ListenerRegistration;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordCounters;
import net.kmesh.perf.RecordListener;
import net.kmesh.perf.SourceStatus;

/**
 * The application's {@link PerfMonitor} when the real one could not open (no privilege, no libbpf):
 * it holds nothing, its snapshots are empty with the source down and the failure as the problem, so
 * that the metrics say {@code kmesh_perf_source_up 0} and the health component says why.
 */
final class UnavailablePerfMonitor implements PerfMonitor {
    private final PerfMonitorConfig config;
    private final RuntimeException failure;
    private final String problem;

    UnavailablePerfMonitor(PerfMonitorConfig config, RuntimeException failure) {
        this.config = Objects.requireNonNull(config, "config");
        this.failure = Objects.requireNonNull(failure, "failure");
        this.problem = "the monitor could not open: " + failure.getMessage();
    }

    /** Why the monitor did not open. */
    RuntimeException failure() {
        return failure;
    }

    @Override
    public PerfMonitorConfig config() {
        return config;
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(System.getProperty("os.version", "unknown"), "unknown", Set.of(), List.of(problem));
    }

    @Override
    public PerfMonitor start() {
        return this;
    }

    @Override
    public PerfSnapshot snapshot() {
        SourceStatus source = new SourceStatus(config.source().describe(), SourceStatus.State.WAITING,
                config.source().mode(), OptionalInt.empty(), 0, Optional.of(problem));
        RecordCounters records = new RecordCounters(0, 0, 0, 0, OptionalLong.empty(), OptionalLong.empty(), 0, 0, 0);
        return new PerfSnapshot(Instant.now(), List.of(), records, source, List.of(), List.of(), Optional.empty(),
                Set.of());
    }

    @Override
    public ListenerRegistration addRecordListener(RecordListener listener) {
        Objects.requireNonNull(listener, "listener");
        return () -> { };
    }

    @Override
    public void setOperationMode(long operationType, OperationMode mode) {
        throw new PerfMonitorException(problem, failure);
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return Optional.empty();
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "UnavailablePerfMonitor[" + problem + "]";
    }
}
