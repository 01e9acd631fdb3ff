package net.kmesh.perf;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the monitor knows at one instant. Immutable.
 *
 * @param takenAt    when the snapshot was taken
 * @param operations duration statistics per operation type, ordered by type code
 * @param records    what happened to the ring buffer's records
 * @param source     whether the ring buffer read is the one the source names now
 * @param maps       statistics of the selected maps, by id; empty when map statistics are off
 * @param programs   run counts and times of the selected programs, by id; empty when off
 * @param daemon     the monitored daemon's CPU and memory; empty while it does not exist
 * @param features   the features working at this instant (the source attached, map statistics read,
 *                   the daemon found...); why one is missing is in the log and in {@link Capabilities#notes()}
 */
public record PerfSnapshot(Instant takenAt, List<OperationStats> operations, RecordCounters records,
                           SourceStatus source, List<MapStats> maps, List<ProgramStats> programs,
                           Optional<ResourceUsage> daemon, Set<Capabilities.Feature> features) {
    public PerfSnapshot {
        Objects.requireNonNull(takenAt, "takenAt");
        operations = List.copyOf(operations);
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(source, "source");
        maps = List.copyOf(maps);
        programs = List.copyOf(programs);
        Objects.requireNonNull(daemon, "daemon");
        features = Set.copyOf(features);
    }

    /** Statistics of the map with this id, if selected. */
    public Optional<MapStats> map(int id) {
        return maps.stream().filter(m -> m.id() == id).findFirst();
    }

    /** Statistics of the operation type with this code, if any record of it was seen. */
    public Optional<OperationStats> operation(long code) {
        return operations.stream().filter(o -> o.type().code() == code).findFirst();
    }
}
