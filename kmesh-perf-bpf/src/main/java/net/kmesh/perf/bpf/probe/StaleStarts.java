package net.kmesh.perf.bpf.probe;

import com.sun.jna.Memory;
import java.util.ArrayList;
import java.util.List;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;

/**
 * Deletes starts older than a limit from the probe's start map: operations whose end never came,
 * because their thread died or a program returned early. Both the probe's stamps and
 * {@link System#nanoTime()} read CLOCK_MONOTONIC, so the age is their difference; the walk is
 * {@link StartCensus}'s (the thread-keyed layout has 8-byte keys, Kmesh's socket-keyed one 16). The
 * map fd is borrowed.
 */
final class StaleStarts {
    private final int mapFd;
    private final MapInfo info;
    private final long maxAgeNanos;
    private long reaped;

    private StaleStarts(int mapFd, MapInfo info, long maxAgeNanos) {
        this.mapFd = mapFd;
        this.info = info;
        this.maxAgeNanos = maxAgeNanos;
    }

    /**
     * A sweeper for the start map {@code info} describes, or null with the reason in {@code notes}
     * when its layout is not one the probe writes.
     */
    static StaleStarts of(int mapFd, MapInfo info, long maxAgeNanos, List<String> notes) {
        if (maxAgeNanos <= 0) {
            throw new IllegalArgumentException("maxAgeNanos must be positive, got " + maxAgeNanos);
        }
        boolean knownKey = info.keySize() == ProbeLayout.START_KEY_TID_SIZE
                || info.keySize() == ProbeLayout.START_KEY_COOKIE_SIZE;
        if (!knownKey || info.valueSize() < 8) {
            notes.add("the start map '" + info.name() + "' has " + info.keySize() + "-byte keys and "
                    + info.valueSize() + "-byte values, not a layout of the probe's (keys of "
                    + ProbeLayout.START_KEY_TID_SIZE + " or " + ProbeLayout.START_KEY_COOKIE_SIZE
                    + " bytes, values beginning with the start time): stale starts are not swept");
            return null;
        }
        return new StaleStarts(mapFd, info, maxAgeNanos);
    }

    /** Starts deleted so far. */
    synchronized long reaped() {
        return reaped;
    }

    /** Deletes every start older than the limit at {@code nowNanos}; returns how many. */
    synchronized int sweep(long nowNanos) {
        Libbpf libbpf = LibbpfLoader.natives().libbpf();
        List<byte[]> stale = new ArrayList<>();
        StartCensus.walk(mapFd, info, nowNanos, maxAgeNanos, stale::add);
        int deleted = 0;
        try (Memory key = new Memory(info.keySize())) {
            for (byte[] k : stale) {
                key.write(0, k, 0, k.length);
                int ret = libbpf.bpf_map_delete_elem(mapFd, key);
                if (ret == 0) {
                    deleted++;
                } else if (-ret != Errno.ENOENT) {
                    throw Errno.failure("deleting a stale start from the start map", -ret);
                }
            }
        }
        reaped += deleted;
        return deleted;
    }
}
