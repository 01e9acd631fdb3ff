package net.kmesh.perf.bpf.ops;

import com.sun.jna.Memory;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;

/**
 * Reads the probe's per-CPU counter array {@code kmesh_perf_cnt} (slots: 0 dropped records,
 * 1 ends without a start), summing over CPUs. The map fd is borrowed. After {@link #close()} the
 * last values read stay available.
 */
public final class ProbeCounters implements AutoCloseable {
    public static final int DROPPED = 0;
    public static final int END_WITHOUT_START = 1;
    private static final int SLOTS = 2;

    private final int mapFd;
    private final int cpus;
    private final long[] last = new long[SLOTS];
    private boolean closed;

    public ProbeCounters(int mapFd) {
        this.mapFd = mapFd;
        this.cpus = LibbpfLoader.natives().possibleCpus();
    }

    /** The counters summed over CPUs: index {@link #DROPPED} and {@link #END_WITHOUT_START}. */
    public synchronized long[] read() {
        if (!closed) {
            try (Memory key = new Memory(4); Memory values = new Memory(8L * cpus)) {
                for (int slot = 0; slot < SLOTS; slot++) {
                    key.setInt(0, slot);
                    int ret = LibbpfLoader.natives().libbpf().bpf_map_lookup_elem(mapFd, key, values);
                    if (ret < 0) {
                        throw Errno.failure("reading kmesh_perf_cnt slot " + slot, -ret);
                    }
                    long sum = 0;
                    for (int cpu = 0; cpu < cpus; cpu++) {
                        sum += values.getLong(8L * cpu);
                    }
                    last[slot] = sum;
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
