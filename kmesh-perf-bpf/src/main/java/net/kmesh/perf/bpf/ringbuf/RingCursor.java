package net.kmesh.perf.bpf.ringbuf;

/**
 * One reader's position in a BPF ring buffer and the records after it: a {@link RingReader}
 * consumes them (advances the ring's shared consumer position), a {@link RingObserver} only looks
 * at them. Positions count bytes since the ring was created; they only grow. Not thread-safe: one
 * thread drains a cursor.
 */
public interface RingCursor {
    /**
     * Hands every committed record available now to {@code handler}, in ring order, skipping
     * discarded ones, and stops at the first record still being written. Never throws on what the
     * ring holds and never loops on it. Returns the number of records handed over.
     */
    int drain(RecordHandler handler);

    /** Bytes of the data area, a power of two. */
    int size();

    /** The producer position as last published by the kernel. */
    long producerPosition();

    /** This reader's own position: every record before it was handed over, skipped or counted. */
    long consumerPosition();

    /**
     * Bytes the producer has published that this reader has not read yet (0 when none): the
     * reader's cheap test of whether to wait. A record still being written counts, so a positive
     * value after a drain that returned 0 means a producer is in the middle of a record.
     */
    long pendingBytes();

    /** Times an impossible header was found and skipped (records the reader never decoded). */
    long corruptions();

    /**
     * Records the producer overwrote before this reader could read them: always 0 for a
     * consumer, which the producer never overtakes. See {@link RingObserver#missed()}.
     */
    long missed();

    /** Whether this reader consumes (frees what it read) rather than observes. */
    default boolean consumes() {
        return true;
    }
}
