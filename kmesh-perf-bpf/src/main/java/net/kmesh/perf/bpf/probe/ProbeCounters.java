package net.kmesh.perf.bpf.probe;

import com.sun.jna.Memory;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;

/**
 * Reads the probe's per-CPU counter array ({@code kmesh_perf_cnt}: dropped records, ends without a
 * start), summing over CPUs. The map fd is borrowed. After {@link #close()} the last values read
 * stay available, so an incarnation that is gone keeps its totals.
 */
final class ProbeCounters implements AutoCloseable {
    private final int mapFd;
    private final int mapId;
    private final int cpus;
    private final long[] last = new long[2];
    private boolean closed;

    ProbeCounters(int mapFd, int mapId) {
        this.mapFd = mapFd;
        this.mapId = mapId;
        this.cpus = LibbpfLoader.natives().possibleCpus();
    }

    /** The id of the counter map: incarnations that share one must not be added twice. */
    int mapId() {
        return mapId;
    }

    /** Reads both counters now; after close, the last values. */
    synchronized long[] read() {
        if (!closed) {
            try (Memory key = new Memory(4); Memory values = new Memory(8L * cpus)) {
                int[] slots = {ProbeLayout.COUNTER_DROPPED, ProbeLayout.COUNTER_END_WITHOUT_START};
                for (int i = 0; i < slots.length; i++) {
                    key.setInt(0, slots[i]);
                    Errno.check("reading kmesh_perf_cnt slot " + slots[i],
                            LibbpfLoader.natives().libbpf().bpf_map_lookup_elem(mapFd, key, values));
                    long sum = 0;
                    for (int cpu = 0; cpu < cpus; cpu++) {
                        sum += values.getLong(8L * cpu);
                    }
                    last[i] = sum;
                }
            }
        }
        return last.clone();
    }

    /** Reads once more, then keeps those values; the fd is no longer used. */
    @Override
    public synchronized void close() {
        if (!closed) {
            try {
                read();
            } catch (RuntimeException e) {
                // Keep the values of the last successful read.
            }
            closed = true;
        }
    }
}
