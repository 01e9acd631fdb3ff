package net.kmesh.perf;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Whether the monitor reads the ring buffer its source names. A data plane that restarts makes new
 * maps: the monitor notices that its pin path or map name names another ring (or none), reads what
 * is left in the old one, and attaches to the new one, keeping every total.
 *
 * @param description   what the source is, e.g. {@code pinned /sys/fs/bpf/bpf_kmesh_workload/map/km_perf_info}
 * @param state         attached to the ring the source names, or waiting for one
 * @param mode          how the ring is read
 * @param ringMapId     the id of the ring buffer map read now; empty while waiting
 * @param reattachments times the monitor attached to a new ring of the source after the first
 * @param ringsMissed   rings the data plane pinned at the source's path and replaced or removed before
 *                      the monitor could open them: their records are counted nowhere. Counted where
 *                      the source is a pin path (by name, a ring is seen only by scanning)
 * @param problem       why the source is waiting, or what went wrong last; empty when all is well
 */
public record SourceStatus(String description, State state, RecordSource.ReadMode mode, OptionalInt ringMapId,
                           long reattachments, long ringsMissed, Optional<String> problem) {
    /**
     * Validates the status.
     *
     * @param description   what the source is
     * @param state         attached or waiting
     * @param mode          how the ring is read
     * @param ringMapId     the id of the ring read now, empty while waiting
     * @param reattachments times the monitor attached to a new ring after the first
     * @param ringsMissed   rings pinned and gone before the monitor could open them
     * @param problem       why the source is waiting, or what went wrong last
     */
    public SourceStatus {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(ringMapId, "ringMapId");
        Objects.requireNonNull(problem, "problem");
        if (ringsMissed < 0) {
            throw new IllegalArgumentException("ringsMissed must not be negative, got " + ringsMissed);
        }
    }

    /**
     * A status with no ring missed.
     *
     * @param description   what the source is
     * @param state         attached or waiting
     * @param mode          how the ring is read
     * @param ringMapId     the id of the ring read now, empty while waiting
     * @param reattachments times the monitor attached to a new ring after the first
     * @param problem       why the source is waiting, or what went wrong last
     */
    public SourceStatus(String description, State state, RecordSource.ReadMode mode, OptionalInt ringMapId,
                        long reattachments, Optional<String> problem) {
        this(description, state, mode, ringMapId, reattachments, 0, problem);
    }

    /** Whether a source's ring is being read. */
    public enum State {
        /** The monitor reads the ring its source names now. */
        ATTACHED,
        /** The source names no ring (the data plane is not running, or restarting): the monitor waits for it. */
        WAITING,
    }

    /**
     * True while attached: the value of {@code kmesh_perf_source_up}.
     *
     * @return whether the source's ring is read
     */
    public boolean up() {
        return state == State.ATTACHED;
    }
}
