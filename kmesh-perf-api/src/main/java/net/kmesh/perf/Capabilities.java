package net.kmesh.perf;

import java.util.List;
import java.util.Set;

/**
 * What the monitor found it can do on this machine, probed once when it opened.
 *
 * @param kernelRelease  the running kernel, as {@code uname -r} prints it
 * @param libbpfVersion  the version of the system libbpf in use
 * @param features       the features available
 * @param notes          one line per fallback taken or feature missing, saying why
 */
public record Capabilities(String kernelRelease, String libbpfVersion, Set<Feature> features, List<String> notes) {
    public Capabilities {
        features = Set.copyOf(features);
        notes = List.copyOf(notes);
    }

    /** True when {@code feature} is available. */
    public boolean has(Feature feature) {
        return features.contains(feature);
    }

    /** Features a monitor may detect. */
    public enum Feature {
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
    }
}
