package net.kmesh.perf;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the monitor knows at one instant. Immutable.
 *
 * @param takenAt    when the snapshot was taken
 * @param operations duration statistics per operation type, ordered by type code
 * @param records    what happened to the ring buffer's records
 * @param source     whether the ring buffer read is the one the source names now
 * @param daemon     the monitored daemon's CPU and memory; empty while it does not exist
 */
public record PerfSnapshot(Instant takenAt, List<OperationStats> operations, RecordCounters records,
                           SourceStatus source, Optional<ResourceUsage> daemon) {
    public PerfSnapshot {
        Objects.requireNonNull(takenAt, "takenAt");
        operations = List.copyOf(operations);
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(daemon, "daemon");
    }

    /** Statistics of the operation type with this code, if any record of it was seen. */
    public Optional<OperationStats> operation(long code) {
        return operations.stream().filter(o -> o.type().code() == code).findFirst();
    }
}
