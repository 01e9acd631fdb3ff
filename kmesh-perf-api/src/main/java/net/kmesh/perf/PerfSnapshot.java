package net.kmesh.perf;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
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
 * @param operationsProblem why there are no operation durations now (or why a writer of the ring
 *                   cannot be vouched for); empty when the ring is read and a loaded program writes it
 * @param starts     the source's start map: starts pending and stale; empty when the source has none or
 *                   it cannot be read
 */
public record PerfSnapshot(Instant takenAt, List<OperationStats> operations, RecordCounters records,
                           SourceStatus source, List<MapStats> maps, List<ProgramStats> programs,
                           Optional<ResourceUsage> daemon, Set<Capabilities.Feature> features,
                           Optional<OperationsProblem> operationsProblem, Optional<PendingStarts> starts) {
    /**
     * Copies the lists and sets, so that the snapshot is immutable.
     *
     * @param takenAt    when the snapshot was taken
     * @param operations duration statistics per operation type
     * @param records    what happened to the ring buffer's records
     * @param source     the source's status
     * @param maps       statistics of the selected maps
     * @param programs   statistics of the selected programs
     * @param daemon     the daemon's usage, if it exists
     * @param features   the features working at this instant
     * @param operationsProblem why there are no operation durations now, if so
     * @param starts     the start map's pending and stale starts, if read
     */
    public PerfSnapshot {
        Objects.requireNonNull(takenAt, "takenAt");
        operations = List.copyOf(operations);
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(source, "source");
        maps = List.copyOf(maps);
        programs = List.copyOf(programs);
        Objects.requireNonNull(daemon, "daemon");
        // An EnumSet's copy is a word of bits; Set.copyOf would hash each feature into a HashSet
        // first, at every scrape.
        features = Collections.unmodifiableSet(features.isEmpty() ? EnumSet.noneOf(Capabilities.Feature.class)
                : EnumSet.copyOf(features));
        Objects.requireNonNull(operationsProblem, "operationsProblem");
        Objects.requireNonNull(starts, "starts");
    }

    /**
     * A snapshot with no operations problem and no start map, for monitors that have neither.
     *
     * @param takenAt    when the snapshot was taken
     * @param operations duration statistics per operation type
     * @param records    what happened to the ring buffer's records
     * @param source     the source's status
     * @param maps       statistics of the selected maps
     * @param programs   statistics of the selected programs
     * @param daemon     the daemon's usage, if it exists
     * @param features   the features working at this instant
     */
    public PerfSnapshot(Instant takenAt, List<OperationStats> operations, RecordCounters records, SourceStatus source,
                        List<MapStats> maps, List<ProgramStats> programs, Optional<ResourceUsage> daemon,
                        Set<Capabilities.Feature> features) {
        this(takenAt, operations, records, source, maps, programs, daemon, features, Optional.empty(), Optional.empty());
    }

    /**
     * Statistics of one map.
     *
     * @param id a map id
     * @return its statistics; empty when it is not selected or no longer exists
     */
    public Optional<MapStats> map(int id) {
        return maps.stream().filter(m -> m.id() == id).findFirst();
    }

    /**
     * Statistics of one operation type.
     *
     * @param code an operation type code
     * @return its statistics; empty when no record of it was seen
     */
    public Optional<OperationStats> operation(long code) {
        return operations.stream().filter(o -> o.type().code() == code).findFirst();
    }
}
