package net.kmesh.perf.bpf.probe;

import com.sun.jna.Memory;
import java.util.BitSet;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.FastLibbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.ops.OperationAggregator;

/**
 * The probe's in-kernel histograms ({@code kmesh_perf_hist}, per CPU): merges what the kernel
 * counted into the aggregator, per bucket, as deltas since the last merge. What was counted before
 * this incarnation was attached is its baseline, never merged. Types are merged while their mode
 * is HISTOGRAM, and once more after they leave it. The map fds are borrowed.
 */
final class KernelHistograms {
    private final int histFd;
    private final OperationModes modes;
    private final int cpus;
    private final long[][] lastBuckets = new long[ProbeLayout.MODE_TYPES][];
    private final long[] lastSum = new long[ProbeLayout.MODE_TYPES];
    private final BitSet hot = new BitSet(ProbeLayout.MODE_TYPES);

    /** Reads every type's histogram once, as the baseline. */
    KernelHistograms(int histFd, OperationModes modes) {
        this.histFd = histFd;
        this.modes = modes;
        this.cpus = LibbpfLoader.natives().possibleCpus();
        for (int type = 0; type < ProbeLayout.MODE_TYPES; type++) {
            Totals t = read(type);
            lastBuckets[type] = t.buckets;
            lastSum[type] = t.sum;
        }
    }

    private record Totals(long[] buckets, long sum, long max) {
    }

    private Totals read(int type) {
        long[] buckets = new long[ProbeLayout.HIST_BUCKETS];
        long sum = 0;
        long max = 0;
        try (Memory key = new Memory(4); Memory values = new Memory((long) ProbeLayout.HIST_VALUE_SIZE * cpus)) {
            key.setInt(0, type);
            int ret = FastLibbpf.bpf_map_lookup_elem(histFd, key, values);
            if (ret < 0) {
                throw Errno.failure("reading kmesh_perf_hist[" + type + "]", -ret);
            }
            for (int cpu = 0; cpu < cpus; cpu++) {
                long base = (long) ProbeLayout.HIST_VALUE_SIZE * cpu;
                sum += values.getLong(base + ProbeLayout.HIST_SUM_OFFSET);
                max = Math.max(max, values.getLong(base + ProbeLayout.HIST_MAX_OFFSET));
                for (int b = 0; b < buckets.length; b++) {
                    buckets[b] += values.getLong(base + ProbeLayout.HIST_BUCKETS_OFFSET + 8L * b);
                }
            }
        }
        return new Totals(buckets, sum, max);
    }

    /** Adds what the kernel counted since the last merge to {@code aggregator}, one batch per type. */
    synchronized void mergeInto(OperationAggregator aggregator) {
        int[] mode = modes.readAll();
        for (int type = 0; type < ProbeLayout.MODE_TYPES; type++) {
            boolean histogram = mode[type] == OperationMode.HISTOGRAM.kernelValue();
            if (!histogram && !hot.get(type)) {
                continue;
            }
            hot.set(type, histogram);
            Totals now = read(type);
            long[] added = new long[now.buckets.length];
            long addedCount = 0;
            int lowest = -1;
            for (int b = 0; b < added.length; b++) {
                added[b] = now.buckets[b] - lastBuckets[type][b];
                addedCount += added[b];
                if (lowest < 0 && added[b] > 0) {
                    lowest = b;
                }
            }
            if (addedCount <= 0) {
                continue;
            }
            long addedSum = now.sum - lastSum[type];
            lastBuckets[type] = now.buckets;
            lastSum[type] = now.sum;
            aggregator.beginBatch();
            try {
                // The kernel keeps no minimum: the lowest bucket's smallest value stands for it.
                aggregator.addCounts(type, added, addedSum, DurationHistogram.bucketMin(lowest), now.max);
            } finally {
                aggregator.endBatch();
            }
        }
    }
}
