package net.kmesh.perf;

import java.util.List;
import java.util.Set;

/**
 * What the monitor found it can do on this machine, probed once when it opened. What is available
 * at a later instant (a data plane that attached since, a daemon that exited) is in
 * {@link PerfSnapshot#features()}.
 *
 * @param kernelRelease  the running kernel, as {@code uname -r} prints it
 * @param libbpfVersion  the version of the system libbpf in use
 * @param features       the features available
 * @param notes          one line per fallback taken or feature missing, saying why
 */
public record Capabilities(String kernelRelease, String libbpfVersion, Set<Feature> features, List<String> notes) {
    /**
     * Copies the sets and lists, so that the value is immutable.
     *
     * @param kernelRelease the running kernel, as {@code uname -r} prints it
     * @param libbpfVersion the version of the system libbpf in use
     * @param features      the features available
     * @param notes         one line per fallback taken or feature missing
     */
    public Capabilities {
        features = Set.copyOf(features);
        notes = List.copyOf(notes);
    }

    /**
     * True when {@code feature} is available.
     *
     * @param feature the feature
     * @return whether it was available at open
     */
    public boolean has(Feature feature) {
        return features.contains(feature);
    }

    /** Features a monitor may detect. */
    public enum Feature {
        /** Operation records are read: the source's ring is attached. */
        OPERATIONS,
        /** BPF ring buffers (Linux 5.8). */
        RING_BUFFER,
        /** The source has the probe's per-CPU counter map, so dropped records are counted. */
        DROPPED_COUNTER,
        /** BTF-typed raw tracepoints ({@code tp_btf}) are used by the spanning sample. */
        TP_BTF,
        /** Plain raw tracepoints ({@code raw_tp}) are used by the spanning sample. */
        RAW_TP,
        /** {@code cgroup/connect4} programs can be attached (cgroup v2 mounted). */
        CGROUP_CONNECT,
        /** A bpffs is mounted, so maps can be pinned and opened by path. */
        BPFFS,
        /** The source has the probe's in-kernel histograms, so operation types can be in histogram mode. */
        KERNEL_HISTOGRAM,
        /** Map statistics are collected. */
        MAP_STATISTICS,
        /** One {@code iter/bpf_map} pass lists every map. */
        MAP_ITERATOR,
        /** The kfunc {@code bpf_map_sum_elem_count} counts hash maps' entries without walking them (Linux 6.6). */
        MAP_ELEM_COUNT_KFUNC,
        /** {@code BPF_MAP_LOOKUP_BATCH} counts maps the kfunc cannot. */
        MAP_BATCH_LOOKUP,
        /** Program run-time statistics are on ({@code BPF_ENABLE_STATS}, held by an fd). */
        BPF_STATS,
        /** The probe's mode map is present, so operation types can be switched on, off or to histograms. */
        OPERATION_MODES,
        /** The daemon target resolves to a process or cgroup whose CPU and memory are read. */
        DAEMON;

        /**
         * The value of the {@code feature} tag of {@code kmesh_perf_feature_enabled}, e.g. {@code map_statistics}.
         *
         * @return the lower-case name
         */
        public String tagValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
