package net.kmesh.perf.micrometer;

import io.micrometer.core.instrument.binder.BaseUnits;
import net.kmesh.perf.micrometer.Family.Exposition;
import net.kmesh.perf.micrometer.Family.MeterKind;

/** Every family either naming publishes (the module's README has them side by side). */
final class Families {
    private Families() {
    }

    // kmesh-perf's own names (MetricNaming.KMESH_PERF)
    static final Family DURATION = new Family("kmesh_bpf_prog_operation_duration_seconds", Exposition.HISTOGRAM,
            "Duration of an operation, measured in the kernel by the kmesh-perf probe",
            "kmesh.bpf.prog.operation.duration", MeterKind.TIMER, null, 1e9);
    static final Family DURATION_MAX = Family.gauge("kmesh_bpf_prog_operation_duration_seconds_max",
            "Longest duration of an operation since the monitor started",
            "kmesh.bpf.prog.operation.duration.max", "seconds");
    static final Family MAPS = Family.gauge("kmesh_maps", "Number of eBPF maps selected for statistics",
            "kmesh.maps", null);
    static final Family MAP_ENTRIES = Family.gauge("kmesh_map_entries",
            "Entries in an eBPF map (counted without walking it where the kernel allows)", "kmesh.map.entries", null);
    static final Family MAP_MAX_ENTRIES = Family.gauge("kmesh_map_max_entries",
            "Capacity of an eBPF map (for a ring buffer, its size in bytes)", "kmesh.map.max.entries", null);
    static final Family MAP_MEMLOCK = Family.gauge("kmesh_map_memlock_bytes",
            "Memory the kernel charges for an eBPF map, as bpftool's memlock", "kmesh.map.memlock", BaseUnits.BYTES);
    static final Family MAP_PRESSURE = Family.gauge("kmesh_map_pressure",
            "Entries of an eBPF map over its max entries, 0 to 1", "kmesh.map.pressure", null);
    static final Family PROG_RUN_TIME = Family.counter("kmesh_bpf_prog_run_time_seconds",
            "Time an eBPF program ran, from the kernel's run-time statistics", "kmesh.bpf.prog.run.time", "seconds");
    static final Family PROG_RUNS = Family.counter("kmesh_bpf_prog_runs", "Times an eBPF program ran",
            "kmesh.bpf.prog.runs", null);
    static final Family DAEMON_MEMORY = Family.gauge("kmesh_daemon_memory_usage_bytes",
            "Memory of the monitored daemon, as cAdvisor's container_memory_usage_bytes",
            "kmesh.daemon.memory.usage", BaseUnits.BYTES);
    static final Family DAEMON_WORKING_SET = Family.gauge("kmesh_daemon_memory_working_set_bytes",
            "Memory of the monitored daemon less inactive file pages, as cAdvisor's container_memory_working_set_bytes",
            "kmesh.daemon.memory.working.set", BaseUnits.BYTES);
    static final Family DAEMON_CPU = Family.counter("kmesh_daemon_cpu_usage_seconds",
            "CPU time of the monitored daemon, as cAdvisor's container_cpu_usage_seconds_total",
            "kmesh.daemon.cpu.usage", "seconds");

    // Kmesh's own names (MetricNaming.UPSTREAM)
    static final Family UPSTREAM_DURATION = new Family("kmesh_bpf_prog_operation_duration", Exposition.HISTOGRAM,
            "Duration of an operation in nanoseconds, measured in the kernel",
            "kmesh.bpf.prog.operation.duration", MeterKind.TIMER, null, 1);
    static final Family UPSTREAM_COUNT = new Family("kmesh_bpf_prog_operation_count", Exposition.UNTYPED,
            "Operations measured in the kernel", "kmesh.bpf.prog.operation.count", MeterKind.COUNTER, null, 1);
    static final Family UPSTREAM_MAP_ENTRY_COUNT = Family.gauge("kmesh_map_entry_count",
            "Entries held by an eBPF map", "kmesh.map.entry.count", null);
    static final Family UPSTREAM_MAP_COUNT = new Family("kmesh_map_count_total", Exposition.GAUGE_NAMED_TOTAL,
            "Number of eBPF maps selected", "kmesh.map.count.total", MeterKind.GAUGE, null, 1);
    static final Family UPSTREAM_MAP_MAX_ENTRIES = Family.gauge("kmesh_map_max_entries",
            "Capacity of an eBPF map", "kmesh.map.max.entries", null);
    static final Family UPSTREAM_MAP_MEMLOCK = Family.gauge("kmesh_map_memlock_bytes",
            "Memory the kernel charges for an eBPF map", "kmesh.map.memlock", BaseUnits.BYTES);
    static final Family UPSTREAM_MAP_UTILIZATION = Family.gauge("kmesh_map_entry_utilization_ratio",
            "Entries of an eBPF map over its capacity, 0 to 1", "kmesh.map.entry.utilization.ratio", null);

    // kmesh-perf's status, in both namings
    static final Family SOURCE_UP = Family.gauge("kmesh_perf_source_up",
            "1 while the ring buffer of the record source is read, 0 while waiting for the data plane",
            "kmesh.perf.source.up", null);
    static final Family SOURCE_REATTACHMENTS = Family.counter("kmesh_perf_source_reattachments",
            "Times the monitor attached to a new ring buffer of its source after the first",
            "kmesh.perf.source.reattachments", null);
    static final Family RINGS_MISSED = Family.counter("kmesh_perf_rings_missed",
            "Ring buffers the data plane pinned and replaced or removed before the monitor could open them",
            "kmesh.perf.rings.missed", null);
    static final Family RECORDS_CONSUMED = Family.counter("kmesh_perf_records_consumed",
            "Records read from the ring buffer, valid or not", "kmesh.perf.records.consumed", null);
    static final Family RECORDS_MISSED = Family.counter("kmesh_perf_records_missed",
            "Records an observing monitor could not read because the producer overwrote them first",
            "kmesh.perf.records.missed", null);
    static final Family RECORDS_DROPPED = Family.counter("kmesh_perf_records_dropped",
            "Records lost in the kernel because the ring buffer was full", "kmesh.perf.records.dropped", null);
    static final Family RECORDS_INVALID = Family.counter("kmesh_perf_records_invalid",
            "Records read from the ring buffer that are not a known layout", "kmesh.perf.records.invalid", null);
    static final Family RECORDS_TYPE_OVERFLOW = Family.counter("kmesh_perf_records_type_overflow",
            "Valid records of an operation type beyond the cap on operation types, in no histogram",
            "kmesh.perf.records.type.overflow", null);
    static final Family ENDS_WITHOUT_START = Family.counter("kmesh_perf_ends_without_start",
            "Operation ends that found no start in the probe's start map", "kmesh.perf.ends.without.start", null);
    static final Family LISTENER_ERRORS = Family.counter("kmesh_perf_listener_errors",
            "Exceptions thrown by record listeners", "kmesh.perf.listener.errors", null);
    static final Family STALE_STARTS_REAPED = Family.counter("kmesh_perf_stale_starts_reaped",
            "Operation starts deleted from the probe's start map because their end never came",
            "kmesh.perf.stale.starts.reaped", null);
    static final Family FEATURE_ENABLED = Family.gauge("kmesh_perf_feature_enabled",
            "1 when a feature of the monitor works now, 0 when not (the log says why)",
            "kmesh.perf.feature.enabled", null);
    static final Family OPERATIONS_PROBLEM = Family.gauge("kmesh_perf_operations_problem",
            "1 for the reason there are no operation durations now (waiting, not_written, ads_mode) or the writer "
                    + "of the ring cannot be checked (writer_unknown), 0 for the others",
            "kmesh.perf.operations.problem", null);
    static final Family STARTS_PENDING = Family.gauge("kmesh_perf_starts_pending",
            "Operation starts in the source's start map, waiting for their end", "kmesh.perf.starts.pending", null);
    static final Family STARTS_STALE = Family.gauge("kmesh_perf_starts_stale",
            "Operation starts in the source's start map older than the stale age: ends that never came",
            "kmesh.perf.starts.stale", null);
}
