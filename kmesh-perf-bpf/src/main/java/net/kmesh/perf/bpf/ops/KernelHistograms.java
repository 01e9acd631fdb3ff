package net.kmesh.perf.bpf.ops;

import com.sun.jna.Memory;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;

/**
 * The probe's in-kernel histograms: puts the chosen operation types in histogram mode
 * ({@code kmesh_perf_mode}) and merges what the kernel counted ({@code kmesh_perf_hist}, per CPU)
 * into the aggregator, as deltas since the last merge. {@link #close()} puts the types back in
 * record mode, so that a running Kmesh is left as it was found. The map fds are borrowed.
 */
public final class KernelHistograms implements AutoCloseable {
    /** Types 0..TYPES-1 have a histogram (KMESH_PERF_HIST_TYPES). */
    public static final int TYPES = 32;
    private static final int MODE_RECORD = 0;
    private static final int MODE_HISTOGRAM = 1;
    // struct kmesh_perf_hist { __u64 sum_ns, max_ns; __u64 buckets[336]; }
    private static final int BUCKETS_OFFSET = 16;
    private static final int VALUE_SIZE = BUCKETS_OFFSET + 8 * DurationHistogram.BUCKET_COUNT;

    private final int modeFd;
    private final int histFd;
    private final long[] types;
    private final int cpus;
    private final long[][] lastBuckets;
    private final long[] lastSum;
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Receives the counts merged for a type. */
    public interface Listener {
        void onHistogram(long type, DurationHistogram added, long addedSum, long max);
    }
    private boolean closed;

    /** Puts {@code types} in histogram mode, taking what the kernel already counted as the baseline. */
    public KernelHistograms(int modeFd, int histFd, Set<Long> types) {
        this.modeFd = modeFd;
        this.histFd = histFd;
        this.types = types.stream().mapToLong(Long::longValue).sorted().toArray();
        this.cpus = LibbpfLoader.natives().possibleCpus();
        this.lastBuckets = new long[this.types.length][];
        this.lastSum = new long[this.types.length];
        for (int i = 0; i < this.types.length; i++) {
            if (this.types[i] < 0 || this.types[i] >= TYPES) {
                throw new IllegalArgumentException("operation type " + this.types[i] + " has no in-kernel histogram");
            }
            Totals t = read(this.types[i]);
            lastBuckets[i] = t.buckets;
            lastSum[i] = t.sum;
        }
        for (long type : this.types) {
            setMode(type, MODE_HISTOGRAM);
        }
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    private record Totals(long[] buckets, long sum, long max) {
    }

    private Totals read(long type) {
        long[] buckets = new long[DurationHistogram.BUCKET_COUNT];
        long sum = 0;
        long max = 0;
        try (Memory key = new Memory(4); Memory values = new Memory((long) VALUE_SIZE * cpus)) {
            key.setInt(0, (int) type);
            Errno.check("reading kmesh_perf_hist[" + type + "]",
                    LibbpfLoader.natives().libbpf().bpf_map_lookup_elem(histFd, key, values));
            for (int cpu = 0; cpu < cpus; cpu++) {
                long base = (long) VALUE_SIZE * cpu;
                sum += values.getLong(base);
                max = Math.max(max, values.getLong(base + 8));
                for (int b = 0; b < buckets.length; b++) {
                    buckets[b] += values.getLong(base + BUCKETS_OFFSET + 8L * b);
                }
            }
        }
        return new Totals(buckets, sum, max);
    }

    private void setMode(long type, int mode) {
        try (Memory key = new Memory(4); Memory value = new Memory(4)) {
            key.setInt(0, (int) type);
            value.setInt(0, mode);
            Errno.check("setting kmesh_perf_mode[" + type + "]",
                    LibbpfLoader.natives().libbpf().bpf_map_update_elem(modeFd, key, value, 0));
        }
    }

    /** Adds what the kernel counted since the last merge to {@code aggregator}, and tells the listeners. */
    public synchronized void mergeInto(OperationAggregator aggregator) {
        if (closed) {
            return;
        }
        for (int i = 0; i < types.length; i++) {
            Totals now = read(types[i]);
            long[] added = new long[now.buckets.length];
            long addedCount = 0;
            int lowest = -1;
            for (int b = 0; b < added.length; b++) {
                added[b] = now.buckets[b] - lastBuckets[i][b];
                addedCount += added[b];
                if (lowest < 0 && added[b] > 0) {
                    lowest = b;
                }
            }
            if (addedCount == 0) {
                continue;
            }
            long addedSum = now.sum - lastSum[i];
            lastBuckets[i] = now.buckets;
            lastSum[i] = now.sum;
            aggregator.beginBatch();
            try {
                // The kernel keeps no minimum: the lowest bucket's lower bound stands for it.
                aggregator.addCounts(types[i], added, addedSum, DurationHistogram.bucketMin(lowest), now.max);
            } finally {
                aggregator.endBatch();
            }
            DurationHistogram delta = DurationHistogram.ofCounts(added);
            for (Listener l : listeners) {
                l.onHistogram(types[i], delta, addedSum, now.max);
            }
        }
    }

    /** Puts the types back in record mode. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (long type : types) {
            try {
                setMode(type, MODE_RECORD);
            } catch (RuntimeException e) {
                // The map is gone with its owner: nothing is left to restore.
            }
        }
    }

    @Override
    public String toString() {
        return "KernelHistograms" + Arrays.toString(types);
    }
}
