package net.kmesh.perf.micrometer;

/**
 * The metric names {@link KmeshPerfMetrics} publishes. Both label every series {@code node_name}
 * and both carry kmesh-perf's own status families ({@code kmesh_perf_*}); the module's README maps
 * each family of one naming to the other.
 */
public enum MetricNaming {
    /**
     * kmesh-perf's names: durations as {@code kmesh_bpf_prog_operation_duration_seconds} (a
     * histogram in seconds with a {@code _max}), map statistics labelled by map name, id and type,
     * program run counts and times, and the daemon's CPU and memory.
     */
    KMESH_PERF,
    /**
     * Exactly Kmesh's own families, so that Kmesh's "kmesh performance monitoring" dashboard works
     * unchanged: {@code kmesh_bpf_prog_operation_duration} (a histogram of nanoseconds),
     * {@code kmesh_bpf_prog_operation_count}, {@code kmesh_map_entry_count},
     * {@code kmesh_map_count_total}, and from Kmesh's map-metrics proposal
     * {@code kmesh_map_max_entries}, {@code kmesh_map_memlock_bytes} and
     * {@code kmesh_map_entry_utilization_ratio}. Kmesh has no program or daemon families (its
     * dashboard reads the daemon's CPU and memory from cAdvisor), so this naming has none either.
     */
    UPSTREAM,
}
