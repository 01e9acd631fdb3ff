package net.kmesh.perf.bpf.ops;

import com.sun.jna.Memory;
import java.util.ArrayList;
import java.util.List;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;

/**
 * Deletes starts from {@code kmesh_perf_map} that are older than a limit: operations whose end
 * never came, because their thread died or a program returned early. Both the probe's stamps and
 * {@link System#nanoTime()} read CLOCK_MONOTONIC, so the age is their difference. The map fd is
 * borrowed.
 */
public final class StaleStarts {
    // struct kmesh_perf_key { __u32 tid, operation_type; }
    private static final int KEY_SIZE = 8;
    // struct kmesh_perf_value { __u64 start_ns, end_ns; __u32 operation_type, pad; }
    private static final int VALUE_SIZE = 24;

    private final int mapFd;
    private final long maxAgeNanos;
    private long reaped;

    public StaleStarts(int mapFd, long maxAgeNanos) {
        if (maxAgeNanos <= 0) {
            throw new IllegalArgumentException("maxAgeNanos must be positive, got " + maxAgeNanos);
        }
        this.mapFd = mapFd;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** Starts deleted so far. */
    public synchronized long reaped() {
        return reaped;
    }

    /** Deletes every start older than the limit at {@code nowNanos}; returns how many. */
    public synchronized int sweep(long nowNanos) {
        Libbpf libbpf = LibbpfLoader.natives().libbpf();
        List<byte[]> stale = new ArrayList<>();
        try (Memory key = new Memory(KEY_SIZE); Memory next = new Memory(KEY_SIZE);
             Memory value = new Memory(VALUE_SIZE)) {
            boolean first = true;
            while (libbpf.bpf_map_get_next_key(mapFd, first ? null : key, next) == 0) {
                first = false;
                key.write(0, next.getByteArray(0, KEY_SIZE), 0, KEY_SIZE);
                // Gone between listing and reading: it ended, which is not stale.
                if (libbpf.bpf_map_lookup_elem(mapFd, key, value) == 0 && nowNanos - value.getLong(0) > maxAgeNanos) {
                    stale.add(key.getByteArray(0, KEY_SIZE));
                }
            }
            int deleted = 0;
            for (byte[] k : stale) {
                key.write(0, k, 0, KEY_SIZE);
                int ret = libbpf.bpf_map_delete_elem(mapFd, key);
                if (ret == 0) {
                    deleted++;
                } else if (-ret != Errno.ENOENT) {
                    throw Errno.failure("deleting a stale start from kmesh_perf_map", -ret);
                }
            }
            reaped += deleted;
            return deleted;
        }
    }
}
