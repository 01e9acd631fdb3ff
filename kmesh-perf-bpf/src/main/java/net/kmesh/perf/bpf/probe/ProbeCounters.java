package net.kmesh.perf.bpf.probe;

import com.sun.jna.Memory;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.FastLibbpf;
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
    /** The lookup's key and per-CPU values, kept: this runs at every scrape. Guarded by this. */
    private final Memory key = new Memory(4);
    private final Memory values;
    private ProbeCounts last = ProbeCounts.ZERO;
    private boolean closed;

    ProbeCounters(int mapFd, int mapId) {
        this.mapFd = mapFd;
        this.mapId = mapId;
        this.cpus = LibbpfLoader.natives().possibleCpus();
        this.values = new Memory(8L * cpus);
    }

    /** The id of the counter map: incarnations that share one must not be added twice. */
    int mapId() {
        return mapId;
    }

    /** Reads both counters now; after close, the last values. */
    synchronized ProbeCounts read() {
        if (!closed) {
            long dropped = slot(ProbeLayout.COUNTER_DROPPED);
            long endsWithoutStart = slot(ProbeLayout.COUNTER_END_WITHOUT_START);
            last = new ProbeCounts(dropped, endsWithoutStart);
        }
        return last;
    }

    private long slot(int slot) {
        key.setInt(0, slot);
        int ret = FastLibbpf.bpf_map_lookup_elem(mapFd, key, values);
        if (ret < 0) {
            // The message is made only on failure: this runs at every scrape.
            throw Errno.failure("reading kmesh_perf_cnt slot " + slot, -ret);
        }
        long sum = 0;
        for (int cpu = 0; cpu < cpus; cpu++) {
            sum = ProbeCounts.plus(sum, values.getLong(8L * cpu));
        }
        return sum;
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
            key.close();
            values.close();
        }
    }
}
