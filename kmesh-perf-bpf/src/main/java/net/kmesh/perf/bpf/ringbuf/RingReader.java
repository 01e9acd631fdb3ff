package net.kmesh.perf.bpf.ringbuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a BPF ring buffer in place, in Java, with no native call and no allocation per record.
 *
 * <p>The memory is the kernel's: a consumer page holding {@code consumer_pos} (written by us), a
 * producer page holding {@code producer_pos} (written by the kernel) and the data area, a power of
 * two in size. Each record starts with an 8-byte header: a 32-bit length whose top bit (BUSY)
 * says the producer has not committed it yet and whose next bit (DISCARD) says it was discarded,
 * then 4 bytes the kernel uses for itself. Records are padded to 8 bytes.
 *
 * <p>Not thread-safe: one thread reads a ring.
 */
public final class RingReader {
    static final int BUSY_BIT = 1 << 31;
    static final int DISCARD_BIT = 1 << 30;
    static final int HEADER_SIZE = 8;
    static final int LENGTH_MASK = ~(BUSY_BIT | DISCARD_BIT);
    /** Bytes read between commits of the consumer position: frees space early without a store per record. */
    private static final long COMMIT_BYTES = 4096;

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final ByteBuffer consumerPage;
    private final ByteBuffer producerPage;
    private final ByteBuffer data;
    private final int mask;
    private long consumerPos;
    private long corruptions;

    /**
     * @param consumerPage the writable page whose first 8 bytes are {@code consumer_pos}
     * @param producerPage the page whose first 8 bytes are {@code producer_pos}
     * @param data         the data area; its capacity is the ring size, a power of two of at least 8
     */
    public RingReader(ByteBuffer consumerPage, ByteBuffer producerPage, ByteBuffer data) {
        int size = data.capacity();
        if (size < HEADER_SIZE || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two, got " + size);
        }
        this.consumerPage = consumerPage;
        this.producerPage = producerPage;
        this.data = data.duplicate().order(ByteOrder.nativeOrder());
        this.mask = size - 1;
        // Another consumer may have read part of the ring before us: continue where it stopped.
        this.consumerPos = (long) LONG.getAcquire(consumerPage, 0);
    }

    /** Bytes of the data area. */
    public int size() {
        return mask + 1;
    }

    /** The consumer position: bytes consumed since the ring was created. */
    public long consumerPosition() {
        return consumerPos;
    }

    /** The producer position as last published by the kernel. */
    public long producerPosition() {
        return (long) LONG.getAcquire(producerPage, 0);
    }

    /** Times an impossible header was found and the reader skipped to the producer position. */
    public long corruptions() {
        return corruptions;
    }

    /**
     * Hands every committed record available now to {@code handler}, skipping discarded ones, and
     * stops at the first record still being written. Returns the number of records handed over.
     */
    public int drain(RecordHandler handler) {
        ByteBuffer data = this.data;
        int mask = this.mask;
        int delivered = 0;
        long cons = consumerPos;
        long prod = (long) LONG.getAcquire(producerPage, 0);
        try {
            read:
            while (true) {
                while (cons < prod) {
                    // Commit once per COMMIT_BYTES, not per record: the bound of this loop does it.
                    long limit = Math.min(prod, cons + COMMIT_BYTES);
                    while (cons < limit) {
                        int header = data.getInt((int) (cons & mask));
                        // Acquire: pairs with the kernel's release of the header on commit, so the
                        // payload written before it is visible once BUSY (the sign bit) reads clear.
                        VarHandle.acquireFence();
                        if (header < 0) {
                            break read;
                        }
                        int length = header & LENGTH_MASK;
                        long next = cons + ((length + HEADER_SIZE + 7L) & ~7L);
                        if (next > prod) {
                            // The kernel advances producer_pos over whole records only: a record
                            // running past it is corruption. Skip what is published, never loop on it.
                            corruptions++;
                            cons = prod;
                            break read;
                        }
                        long payload = cons + HEADER_SIZE;
                        cons = next;
                        if ((header & DISCARD_BIT) == 0) {
                            delivered++;
                            handler.onRecord(data, payload, length, mask);
                        }
                    }
                    commit(cons);
                }
                long published = (long) LONG.getAcquire(producerPage, 0);
                if (published == prod) {
                    break;
                }
                prod = published;
            }
        } finally {
            commit(cons);
        }
        return delivered;
    }

    /**
     * Moves the consumer position back to {@code position}, so that records already consumed are
     * read again. Only sound while nothing produces into the ring: benchmarks re-reading one
     * pre-filled ring use it.
     */
    public void rewind(long position) {
        if (position > consumerPos || consumerPos - position > size()) {
            throw new IllegalArgumentException("can rewind at most one ring size back from " + consumerPos
                    + ", not to " + position);
        }
        commit(position);
    }

    private void commit(long cons) {
        consumerPos = cons;
        // Release: the kernel may reuse the space once it reads this, so our reads of it come first.
        LONG.setRelease(consumerPage, 0, cons);
    }
}
