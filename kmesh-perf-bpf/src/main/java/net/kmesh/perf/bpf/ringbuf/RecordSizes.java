package net.kmesh.perf.bpf.ringbuf;

/**
 * What observers have read, to size the records they could not: records handed over, and bytes of
 * those and of discarded records. One per source, shared by the observers of its successive rings,
 * so that a new ring overwritten before its observer read a single record is still sized (Kmesh's
 * records all have one size). Used on the consumer thread only.
 */
public final class RecordSizes {
    private long records;
    private long bytes;
    /** The bytes every record read took in the ring: 0 before the first, -1 once two differed. */
    private long stride;

    /** A record of {@code recordBytes} bytes in the ring was read, and handed over or not (discarded). */
    void read(long recordBytes, boolean handedOver) {
        bytes += recordBytes;
        if (stride == 0) {
            stride = recordBytes;
        } else if (stride != recordBytes) {
            stride = -1;
        }
        if (handedOver) {
            records++;
        }
    }

    /** Whether a record has been read to size skipped bytes by. */
    boolean known() {
        return records > 0;
    }

    /**
     * The bytes each record takes in the ring when every record read so far took the same (Kmesh's
     * take 40); 0 when none was read or they differed.
     */
    long stride() {
        return Math.max(0, stride);
    }

    /** The records {@code skippedBytes} bytes held, at the sizes read so far; only when {@link #known()}. */
    long recordsIn(long skippedBytes) {
        return Math.round((double) skippedBytes * records / bytes);
    }
}
