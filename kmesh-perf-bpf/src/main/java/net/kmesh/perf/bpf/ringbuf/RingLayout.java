package net.kmesh.perf.bpf.ringbuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The memory of one BPF ring buffer as the kernel lays it out, which every reader walks.
 *
 * <p>A consumer page holds {@code consumer_pos} (written by the ring's readers), a producer page
 * holds {@code producer_pos} (written by the kernel), and the data area is a power of two in size;
 * positions count bytes since the ring was created and a record at position {@code p} starts at
 * offset {@code p & mask}. Each record starts with an 8-byte header: a 32-bit length whose top bit
 * (BUSY) says the producer has not committed it yet and whose next bit (DISCARD) says it was
 * discarded, then 4 bytes the kernel uses for itself. Records are padded to 8 bytes.
 */
final class RingLayout {
    static final int BUSY_BIT = 1 << 31;
    static final int DISCARD_BIT = 1 << 30;
    static final int HEADER_SIZE = 8;
    static final int LENGTH_MASK = ~(BUSY_BIT | DISCARD_BIT);

    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    final ByteBuffer consumerPage;
    final ByteBuffer producerPage;
    /** The data area in native order. */
    final ByteBuffer data;
    final int mask;

    /**
     * @param consumerPage the page whose first 8 bytes are {@code consumer_pos}
     * @param producerPage the page whose first 8 bytes are {@code producer_pos}
     * @param data         the data area; its capacity is the ring size, a power of two of at least 8
     */
    RingLayout(ByteBuffer consumerPage, ByteBuffer producerPage, ByteBuffer data) {
        int size = data.capacity();
        if (size < HEADER_SIZE || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two, got " + size);
        }
        this.mask = size - 1;
        this.consumerPage = consumerPage;
        this.producerPage = producerPage;
        this.data = data.duplicate().order(ByteOrder.nativeOrder());
    }

    /** The same ring with its consumer page read-only: for a reader that must never write it. */
    RingLayout readOnly() {
        return new RingLayout(consumerPage.asReadOnlyBuffer(), producerPage, data);
    }

    /** Bytes of the data area. */
    int size() {
        return mask + 1;
    }

    /** Bytes a record of {@code header} takes in the ring: header, payload, padding to 8. */
    static long recordBytes(int header) {
        return ((header & LENGTH_MASK) + HEADER_SIZE + 7L) & ~7L;
    }

    /** The producer position the kernel last published. */
    long producerPosition() {
        return (long) LONG.getAcquire(producerPage, 0);
    }

    /** The consumer position the ring's readers last published. */
    long sharedPosition() {
        return (long) LONG.getAcquire(consumerPage, 0);
    }
}
