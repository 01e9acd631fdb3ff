package net.kmesh.perf;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether the monitor reads the ring buffer it was pointed at. A running Kmesh that restarts makes
 * new maps: the monitor notices that its pin path or map name now names another map (or none),
 * says so here, and re-attaches when the source is back.
 *
 * @param description   what the source is, e.g. {@code pinned /sys/fs/bpf/kmesh_perf_info}
 * @param ringMapId     the id of the ring buffer map read now
 * @param current       false while the source names no map or another one not yet attached
 * @param reattachments times the monitor switched to a new map of the source
 * @param problem       what is wrong while {@code current} is false
 */
public record SourceStatus(String description, int ringMapId, boolean current, long reattachments,
                           Optional<String> problem) {
    public SourceStatus {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(problem, "problem");
    }
}
