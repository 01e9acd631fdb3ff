package net.kmesh.perf.micrometer.spring;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import net.kmesh.perf.Capabilities;
import net.kmesh.perf.ListenerRegistration;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordCounters;
import net.kmesh.perf.RecordListener;
import net.kmesh.perf.SourceStatus;

/**
 * A monitor with no kernel behind it: its source status and features are set by the test, and it
 * records what was done to it, in order, in {@link #events}.
 */
final class FakePerfMonitor implements PerfMonitor {
    final PerfMonitorConfig config;
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile SourceStatus source;
    volatile Set<Capabilities.Feature> features = Set.of();
    volatile Optional<net.kmesh.perf.OperationsProblem> operationsProblem = Optional.empty();
    volatile Optional<net.kmesh.perf.PendingStarts> starts = Optional.empty();
    volatile List<String> notes = List.of();
    volatile Runnable onStart = () -> { };
    volatile Runnable onClose = () -> { };

    FakePerfMonitor(PerfMonitorConfig config) {
        this.config = config;
        waiting("no ring pinned at the path yet");
    }

    FakePerfMonitor waiting(String problem) {
        source = new SourceStatus(config.source().describe(), SourceStatus.State.WAITING, config.source().mode(),
                OptionalInt.empty(), 0, Optional.of(problem));
        return this;
    }

    FakePerfMonitor attached(int ringMapId, long reattachments) {
        source = new SourceStatus(config.source().describe(), SourceStatus.State.ATTACHED, config.source().mode(),
                OptionalInt.of(ringMapId), reattachments, Optional.empty());
        return this;
    }

    long count(String event) {
        return events.stream().filter(event::equals).count();
    }

    @Override
    public PerfMonitorConfig config() {
        return config;
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities("6.18.0-fake", "1.5.0", features, notes);
    }

    @Override
    public PerfMonitor start() {
        onStart.run();
        events.add("start");
        return this;
    }

    @Override
    public PerfSnapshot snapshot() {
        return new PerfSnapshot(Instant.now(), List.of(), new RecordCounters(0, 0, 0, 0, OptionalLong.of(0),
                OptionalLong.of(0), 0, 0, 0), source, List.of(), List.of(), Optional.empty(), features, operationsProblem,
                starts);
    }

    @Override
    public ListenerRegistration addRecordListener(RecordListener listener) {
        events.add("listener added");
        return () -> events.add("listener removed");
    }

    @Override
    public void setOperationMode(long operationType, OperationMode mode) {
        events.add("mode " + operationType + " " + mode);
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return Optional.empty();
    }

    @Override
    public void close() {
        onClose.run();
        events.add("close");
    }
}
