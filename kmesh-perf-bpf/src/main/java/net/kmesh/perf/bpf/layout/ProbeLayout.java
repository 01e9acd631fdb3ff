package net.kmesh.perf.bpf.layout;

import java.util.List;
import net.kmesh.perf.DurationHistogram;

/**
 * The probe's maps and their layouts as {@code bpf/include/kmesh_perf.h} defines them: the one place
 * in Java that knows them. {@code ProbeLayoutTest} reads the same structs from the BTF of the
 * compiled objects, so a change on one side fails the build.
 */
public final class ProbeLayout {
    private ProbeLayout() {
    }

    /** The ring buffer of operation records. */
    public static final String RING = "kmesh_perf_info";
    /** The map of pending starts ({@code KMESH_PERF_START}). */
    public static final String STARTS = "kmesh_perf_map";
    /** The per-CPU counters: dropped records, ends without a start. */
    public static final String COUNTERS = "kmesh_perf_cnt";
    /** The mode of each operation type (record, histogram, off). */
    public static final String MODES = "kmesh_perf_mode";
    /** The per-CPU in-kernel histograms. */
    public static final String HISTOGRAMS = "kmesh_perf_hist";
    /**
     * The per-CPU slots where a probe keyed by socket keeps the start of Kmesh's call sites until
     * its end in the same program run ({@code kmesh_perf_run_start}); only in objects keyed by socket.
     */
    public static final String SLOTS = "kmesh_perf_slot";

    private static final String PREFIX = "kmesh_perf_";
    /** Kmesh renames its maps {@code kmesh_perf_*} to {@code km_perf_*} ({@code bpf/kmesh/workload/include/config.h}). */
    private static final String KMESH_PREFIX = "km_perf_";

    /**
     * The names a probe map goes by: the probe's own, then Kmesh's renaming.
     *
     * @param map one of the map name constants
     * @return e.g. {@code [kmesh_perf_info, km_perf_info]}
     */
    public static List<String> namesOf(String map) {
        if (!map.startsWith(PREFIX)) {
            throw new IllegalArgumentException(map + " is not a probe map name");
        }
        return List.of(map, KMESH_PREFIX + map.substring(PREFIX.length()));
    }

    /** {@code struct kmesh_perf_record}, Kmesh upstream's layout: u64 start_ns, end_ns, pid_tgid; u32 type, pad. */
    public static final int RECORD_SIZE = 32;
    /** The seed's record: u64 start_ns, end_ns; u32 type, pad. */
    public static final int SEED_RECORD_SIZE = 24;
    /** Offset of {@code start_ns} in a record of either layout. */
    public static final int RECORD_START_OFFSET = 0;
    /** Offset of {@code end_ns} in a record of either layout. */
    public static final int RECORD_END_OFFSET = 8;
    /** Offset of {@code pid_tgid} in a {@link #RECORD_SIZE} record. */
    public static final int RECORD_PID_TGID_OFFSET = 16;
    /** Offset of {@code operation_type} in a {@link #RECORD_SIZE} record. */
    public static final int RECORD_TYPE_OFFSET = 24;
    /** Offset of {@code operation_type} in a {@link #SEED_RECORD_SIZE} record. */
    public static final int SEED_RECORD_TYPE_OFFSET = 16;

    /** Operation types 0..MODE_TYPES-1 have a mode and a histogram ({@code KMESH_PERF_HIST_TYPES}). */
    public static final int MODE_TYPES = 32;

    /** Offset of {@code sum_ns} in {@code struct kmesh_perf_hist}. */
    public static final int HIST_SUM_OFFSET = 0;
    /** Offset of {@code max_ns} in {@code struct kmesh_perf_hist}. */
    public static final int HIST_MAX_OFFSET = 8;
    /** Offset of {@code buckets[]} in {@code struct kmesh_perf_hist}. */
    public static final int HIST_BUCKETS_OFFSET = 16;
    /** Buckets of {@code struct kmesh_perf_hist}: the layout of {@link DurationHistogram}. */
    public static final int HIST_BUCKETS = DurationHistogram.BUCKET_COUNT;
    /** Size of {@code struct kmesh_perf_hist}, per CPU. */
    public static final int HIST_VALUE_SIZE = HIST_BUCKETS_OFFSET + 8 * HIST_BUCKETS;

    /** Slot of {@code kmesh_perf_cnt}: records lost because the ring was full. */
    public static final int COUNTER_DROPPED = 0;
    /** Slot of {@code kmesh_perf_cnt}: ends that found no start. */
    public static final int COUNTER_END_WITHOUT_START = 1;
    /** Slots of {@code kmesh_perf_cnt} ({@code KMESH_PERF_CNT_SLOTS}). */
    public static final int COUNTER_SLOTS = 4;

    /** Key of the start map keyed by thread: {@code struct kmesh_perf_key { u32 tid; u32 operation_type; }}. */
    public static final int START_KEY_TID_SIZE = 8;
    /**
     * Key of the start map keyed by socket, Kmesh upstream's {@code struct operation_usage_key
     * { u64 socket_cookie; u32 operation_type; }}: 12 bytes of fields, 16 with padding.
     */
    public static final int START_KEY_COOKIE_SIZE = 16;
    /** Offset of {@code operation_type} in a key of {@link #START_KEY_COOKIE_SIZE}. */
    public static final int START_KEY_COOKIE_TYPE_OFFSET = 8;
    /** Offset of {@code operation_type} in a key of {@link #START_KEY_TID_SIZE}. */
    public static final int START_KEY_TID_TYPE_OFFSET = 4;
    /** Every start-map value begins with the start time, u64 ns of CLOCK_MONOTONIC. */
    public static final int START_VALUE_START_NS_OFFSET = 0;

    /** Slots of {@code kmesh_perf_slot} per CPU ({@code KMESH_PERF_SLOT_TYPES}): type {@code t} uses slot {@code t % 8}. */
    public static final int SLOT_TYPES = 8;
    /** {@code struct kmesh_perf_slot { u64 start_ns, socket_cookie; u32 operation_type, check; }}. */
    public static final int SLOT_VALUE_SIZE = 24;
    /** Offset of {@code socket_cookie} in a slot; {@code start_ns} is at 0. */
    public static final int SLOT_COOKIE_OFFSET = 8;
    /** Offset of {@code operation_type} in a slot. */
    public static final int SLOT_TYPE_OFFSET = 16;
    /** Offset of {@code check} in a slot: 0 when the slot is free, else a mix of the other three fields. */
    public static final int SLOT_CHECK_OFFSET = 20;
}
