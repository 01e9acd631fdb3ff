package net.kmesh.perf.bpf.probe;

import com.sun.jna.Memory;
import java.util.function.Consumer;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;

/**
 * Walks a start map once, read only: counts its starts and those older than an age. Both the
 * probe's stamps and {@link System#nanoTime()} read CLOCK_MONOTONIC, so the age is their difference.
 * Every value begins with the start time; keys and values are the map's own sizes. A walk visits at
 * most the map's capacity of keys, so a map that changes under it cannot keep it going.
 */
final class StartCensus {
    /**
     * What one walk found.
     *
     * @param pending starts in the map
     * @param stale   starts older than the age
     */
    record Count(long pending, long stale) {
    }

    private StartCensus() {
    }

    /**
     * Walks the start map {@code mapFd} (described by {@code info}) at {@code nowNanos}, handing the
     * key of every start older than {@code maxAgeNanos} to {@code onStale} (a copy, the caller's to keep).
     */
    static Count walk(int mapFd, MapInfo info, long nowNanos, long maxAgeNanos, Consumer<byte[]> onStale) {
        Libbpf libbpf = LibbpfLoader.natives().libbpf();
        int keySize = info.keySize();
        long pending = 0;
        long stale = 0;
        try (Memory key = new Memory(keySize); Memory next = new Memory(keySize);
             Memory value = new Memory(info.valueSize())) {
            boolean first = true;
            for (long visited = 0; visited < info.maxEntries()
                    && libbpf.bpf_map_get_next_key(mapFd, first ? null : key, next) == 0; visited++) {
                first = false;
                key.write(0, next.getByteArray(0, keySize), 0, keySize);
                // Gone between listing and reading: it ended, which is neither pending nor stale.
                if (libbpf.bpf_map_lookup_elem(mapFd, key, value) != 0) {
                    continue;
                }
                pending++;
                if (nowNanos - value.getLong(ProbeLayout.START_VALUE_START_NS_OFFSET) > maxAgeNanos) {
                    stale++;
                    onStale.accept(key.getByteArray(0, keySize));
                }
            }
        }
        return new Count(pending, stale);
    }
}
