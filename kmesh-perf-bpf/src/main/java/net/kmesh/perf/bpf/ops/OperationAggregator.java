package net.kmesh.perf.bpf.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.OperationType;

/**
 * Per-operation-type duration histograms with bounded memory whatever the record rate: at most
 * {@code maxTypes} types, each a fixed array of buckets; a record of a further type is counted as
 * overflow and nowhere else. One thread writes (the consumer), with
 * plain stores and no allocation except the first record of a new type, holding a lock once per
 * batch of records, not per record. Any thread reads a consistent copy under the same lock; it is
 * fair, so a reader waits at most for the batch in progress even when the writer never pauses.
 */
public final class OperationAggregator {
    private static final int DIRECT_TYPES = 256;
    private static final Comparator<OperationStats> BY_CODE = Comparator.comparingLong(s -> s.type().code());
    private final int maxTypes;
    /** Types below 256 (Kmesh's and most users') are found by index. */
    private final LiveHistogram[] direct = new LiveHistogram[DIRECT_TYPES];
    /** Other types, by open addressing on the code. */
    private long[] otherCodes = new long[16];
    private LiveHistogram[] otherValues = new LiveHistogram[16];
    private int otherCount;
    /** Every type in order of first appearance, for readers. */
    private LiveHistogram[] all = new LiveHistogram[8];
    private int typeCount;

    private long consumed;
    private long invalid;
    private long typeOverflow;
    private long missed;
    private long listenerErrors;
    private long corruptions;
    private final ReentrantLock lock = new ReentrantLock(true);

    public OperationAggregator(int maxTypes) {
        if (maxTypes < 1) {
            throw new IllegalArgumentException("maxTypes must be positive, got " + maxTypes);
        }
        this.maxTypes = maxTypes;
    }

    // ---- writer side: one thread, between beginBatch() and endBatch() ----

    /** Starts a batch of writes: readers wait until {@link #endBatch()}. */
    public void beginBatch() {
        lock.lock();
    }

    /** Ends a batch: its writes become visible to readers together. */
    public void endBatch() {
        lock.unlock();
    }

    /**
     * A valid record of type {@code code} lasting {@code nanos}.
     *
     * @return false when the type is past the cap: the record was counted as overflow only
     */
    public boolean recordValid(long code, long nanos) {
        consumed++;
        LiveHistogram h = histogram(code);
        if (h == null) {
            typeOverflow++;
            return false;
        }
        h.record(nanos);
        return true;
    }

    /** Records an observer could not read before the producer overwrote them. */
    public void recordMissed(long n) {
        missed += n;
    }

    /** A record that is not a known layout or holds impossible values. */
    public void recordInvalid() {
        consumed++;
        invalid++;
    }

    /** A record listener threw. */
    public void recordListenerError() {
        listenerErrors++;
    }

    /** The ring reader skipped corrupt data. */
    public void recordCorruptions(long n) {
        corruptions += n;
    }

    /** Adds a merged in-kernel histogram's new counts for {@code code}. */
    public void addCounts(long code, long[] counts, long sum, long min, long max) {
        LiveHistogram h = histogram(code);
        if (h != null) {
            h.add(counts, sum, min, max);
        }
    }

    private LiveHistogram histogram(long code) {
        if (code < DIRECT_TYPES) {
            LiveHistogram h = direct[(int) code];
            return h != null ? h : create(code);
        }
        int mask = otherCodes.length - 1;
        for (int i = mix(code) & mask; ; i = (i + 1) & mask) {
            LiveHistogram h = otherValues[i];
            if (h == null) {
                return create(code);
            }
            if (otherCodes[i] == code) {
                return h;
            }
        }
    }

    private LiveHistogram create(long code) {
        if (typeCount == maxTypes) {
            return null;
        }
        LiveHistogram h = new LiveHistogram(code);
        if (code < DIRECT_TYPES) {
            direct[(int) code] = h;
        } else {
            if (2 * (otherCount + 1) > otherCodes.length) {
                rehash(otherCodes.length * 2);
            }
            insert(otherCodes, otherValues, h);
            otherCount++;
        }
        if (typeCount == all.length) {
            all = Arrays.copyOf(all, all.length * 2);
        }
        all[typeCount] = h;
        typeCount++;
        return h;
    }

    private void rehash(int capacity) {
        long[] codes = new long[capacity];
        LiveHistogram[] values = new LiveHistogram[capacity];
        for (LiveHistogram h : otherValues) {
            if (h != null) {
                insert(codes, values, h);
            }
        }
        otherCodes = codes;
        otherValues = values;
    }

    private static void insert(long[] codes, LiveHistogram[] values, LiveHistogram h) {
        int mask = codes.length - 1;
        int i = mix(h.code) & mask;
        while (values[i] != null) {
            i = (i + 1) & mask;
        }
        codes[i] = h.code;
        values[i] = h;
    }

    private static int mix(long code) {
        long h = code * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    // ---- reader side: any thread ----

    /**
     * A consistent copy of everything recorded.
     *
     * @param naming names each type code
     */
    public Snapshot snapshot(LongFunction<OperationType> naming) {
        lock.lock();
        try {
            return copy(naming);
        } finally {
            lock.unlock();
        }
    }

    private Snapshot copy(LongFunction<OperationType> naming) {
        List<OperationStats> stats = new ArrayList<>(typeCount);
        for (int i = 0; i < typeCount; i++) {
            LiveHistogram h = all[i];
            DurationHistogram histogram = DurationHistogram.ofCounts(h.buckets);
            long count = histogram.count();
            stats.add(new OperationStats(naming.apply(h.code), count, h.sum, count == 0 ? 0 : h.min, h.max, histogram));
        }
        stats.sort(BY_CODE);
        return new Snapshot(stats, consumed, invalid, typeOverflow, missed, listenerErrors, corruptions);
    }

    /**
     * A consistent copy of the aggregator.
     *
     * @param operations     statistics per type, by code
     * @param consumed       records read
     * @param invalid        records of no known layout
     * @param typeOverflow   valid records of types past the cap, in no histogram
     * @param missed         records an observer could not read
     * @param listenerErrors exceptions thrown by listeners
     * @param corruptions    corrupt ring headers skipped
     */
    public record Snapshot(List<OperationStats> operations, long consumed, long invalid, long typeOverflow,
                           long missed, long listenerErrors, long corruptions) {
    }
}
