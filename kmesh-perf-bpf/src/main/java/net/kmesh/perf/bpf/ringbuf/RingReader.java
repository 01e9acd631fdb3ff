package net.kmesh.perf.bpf.ringbuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Consumes a BPF ring buffer in place, in Java, with no native call and no allocation per record.
 *
 * <p>The memory is the kernel's: a consumer page holding {@code consumer_pos} (written by the
 * ring's readers), a producer page holding {@code producer_pos} (written by the kernel) and the
 * data area, a power of two in size. Each record starts with an 8-byte header: a 32-bit length
 * whose top bit (BUSY) says the producer has not committed it yet and whose next bit (DISCARD)
 * says it was discarded, then 4 bytes the kernel uses for itself. Records are padded to 8 bytes.
 *
 * <p><b>Beside another reader</b> (Kmesh's own daemon, a libbpf {@code ring_buffer}) this follows
 * the kernel's protocol as libbpf does: every drain starts from the shared {@code consumer_pos}
 * (or from this reader's own position when that is further: a slower reader's late store may
 * have moved the shared one back over records this reader already handed over), stops at a busy
 * record, and publishes its progress once per 4 KiB with a compare-and-set that only ever moves
 * the shared position forward. When the shared position is found ahead of this reader, the other
 * reader took those records: this drain ends there and the next one starts after them (also when
 * the producer reused that space under this reader, which is then not counted as corruption).
 * So each record goes to one
 * reader, except that two readers starting a drain from the same position at the same time both
 * read what they read before either publishes (libbpf readers race each other the same way); the
 * ring never wedges, and once the other reader leaves this one reads everything again. A BPF ring
 * has one consumer by design: to watch a ring another program consumes, observe it
 * ({@link RingObserver}) instead.
 *
 * <p>Not thread-safe: one thread reads a ring.
 */
public final class RingReader implements RingCursor {
    static final int BUSY_BIT = 1 << 31;
    static final int DISCARD_BIT = 1 << 30;
    static final int HEADER_SIZE = 8;
    static final int LENGTH_MASK = ~(BUSY_BIT | DISCARD_BIT);
    /** Bytes read between commits of the consumer position: frees space early without a store per record. */
    private static final long COMMIT_BYTES = 4096;
    /** Drains read the careful way after the last sign of another reader (at a 10 ms delay, some seconds). */
    static final int SHARING_DRAINS = 1000;

    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final ByteBuffer consumerPage;
    private final ByteBuffer producerPage;
    private final ByteBuffer data;
    private final int mask;
    /** Where this reader continues: what it last published, or the further position another reader published. */
    private long consumerPos;
    private long corruptions;
    /**
     * Drains left to read through {@link #validated} since another reader was last seen: beside it,
     * a record this reader started may be freed by it and overwritten by the producer mid-read.
     */
    private int sharingDrains;
    /** Copies and checks each record before handing it over, as an observer does; made when first needed. */
    private RingObserver validated;

    /**
     * @param consumerPage the writable page whose first 8 bytes are {@code consumer_pos}
     * @param producerPage the page whose first 8 bytes are {@code producer_pos}
     * @param data         the data area; its capacity is the ring size, a power of two of at least 8
     */
    public RingReader(ByteBuffer consumerPage, ByteBuffer producerPage, ByteBuffer data) {
        this.mask = checkedSize(data) - 1;
        this.consumerPage = consumerPage;
        this.producerPage = producerPage;
        this.data = data.duplicate().order(ByteOrder.nativeOrder());
        // Another consumer may have read part of the ring before us: continue where it stopped.
        this.consumerPos = (long) LONG.getAcquire(consumerPage, 0);
    }

    static int checkedSize(ByteBuffer data) {
        int size = data.capacity();
        if (size < HEADER_SIZE || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two, got " + size);
        }
        return size;
    }

    /** Bytes a record of {@code header} takes in the ring: header, payload, padding to 8. */
    static long recordBytes(int header) {
        return ((header & LENGTH_MASK) + HEADER_SIZE + 7L) & ~7L;
    }

    @Override
    public int size() {
        return mask + 1;
    }

    @Override
    public long consumerPosition() {
        return consumerPos;
    }

    @Override
    public long producerPosition() {
        return (long) LONG.getAcquire(producerPage, 0);
    }

    /** Producer position minus the further of this reader's position and the shared one. */
    @Override
    public long pendingBytes() {
        long cons = Math.max(consumerPos, (long) LONG.getAcquire(consumerPage, 0));
        return Math.max(0, producerPosition() - cons);
    }

    /**
     * Times an impossible header was found and the reader skipped to the producer position. A
     * header another reader's progress explains (the space was consumed and reused under this
     * reader) is not counted: the reader continues after that reader instead.
     */
    @Override
    public long corruptions() {
        return corruptions;
    }

    /** Always 0: the producer never overwrites what the consumer position has not passed. */
    @Override
    public long missed() {
        return 0;
    }

    @Override
    public int drain(RecordHandler handler) {
        ByteBuffer data = this.data;
        int mask = this.mask;
        int delivered = 0;
        // Start after any other reader. Positions of one ring only grow: a shared position below
        // ours is a slower reader's late store, over records we handed over already. Through the
        // field: with Math.max into the local, C2 compiled the loop below about 10% slower
        // (RingBufferDrainBenchmark.interleaved: 0.87 of libbpf's speed against 0.97).
        long shared = (long) LONG.getAcquire(consumerPage, 0);
        if (shared > consumerPos) {
            consumerPos = shared;
            sharingDrains = SHARING_DRAINS;
        }
        if (sharingDrains > 0) {
            return drainValidated(handler);
        }
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
                            cons = pastOverrun(cons, prod);
                            break read;
                        }
                        long payload = cons + HEADER_SIZE;
                        cons = next;
                        if ((header & DISCARD_BIT) == 0) {
                            delivered++;
                            handler.onRecord(data, payload, length, mask);
                        }
                    }
                    if (publish(cons)) {
                        // Another reader is further: it took the records up to there. The next
                        // drain starts after it, and copies each record before handing it over.
                        sharingDrains = SHARING_DRAINS;
                        break read;
                    }
                }
                long published = (long) LONG.getAcquire(producerPage, 0);
                if (published == prod) {
                    break;
                }
                prod = published;
            }
        } finally {
            publish(cons);
        }
        return delivered;
    }

    /**
     * Where to go on from a record at {@code cons} that runs past the producer position {@code prod}.
     * If another reader consumed past it, the producer may have reused the space under us: go on
     * after that reader. Otherwise it is corruption (the kernel advances producer_pos over whole
     * records only): count it and skip what is published, never loop on it.
     */
    private long pastOverrun(long cons, long prod) {
        long shared = (long) LONG.getAcquire(consumerPage, 0);
        if (shared > cons) {
            return shared;
        }
        corruptions++;
        return prod;
    }

    /**
     * Moves the shared consumer position forward to {@code cons}, never back. Returns true when
     * another reader has published a further position, which is then this reader's
     * {@link #consumerPosition()}.
     */
    /**
     * A drain beside another reader: each record is copied and handed over only if the producer
     * cannot have overwritten it meanwhile (the observer's check), so a record the other reader
     * freed under this one and the producer reused is never decoded torn. Progress is published
     * once, at the end. Records the check rejects were the other reader's.
     */
    private int drainValidated(RecordHandler handler) {
        if (validated == null) {
            validated = new RingObserver(consumerPage, producerPage, data);
        }
        sharingDrains--;
        validated.seek(consumerPos);
        long corruptionsBefore = validated.corruptions();
        int delivered;
        try {
            delivered = validated.drain(handler);
        } finally {
            corruptions += validated.corruptions() - corruptionsBefore;
            if (publish(validated.consumerPosition())) {
                sharingDrains = SHARING_DRAINS;
            }
        }
        return delivered;
    }

    private boolean publish(long cons) {
        long seen = (long) LONG.getAcquire(consumerPage, 0);
        while (seen < cons) {
            // Release: the kernel may reuse the space once it reads this, so our reads of it come first.
            long witness = (long) LONG.compareAndExchangeRelease(consumerPage, 0, seen, cons);
            if (witness == seen) {
                consumerPos = cons;
                return false;
            }
            seen = witness;
        }
        consumerPos = seen;
        return seen > cons;
    }

    /**
     * <b>Benchmarks only</b>: moves this reader's position and the shared consumer position back
     * to {@code position}, so that records already consumed are read again. This is the one
     * deliberate backward store; it is only sound while this is the ring's only reader and
     * nothing produces into it, as in a benchmark re-reading one pre-filled ring.
     */
    public void rewind(long position) {
        if (position > consumerPos || consumerPos - position > size()) {
            throw new IllegalArgumentException("can rewind at most one ring size back from " + consumerPos
                    + ", not to " + position);
        }
        consumerPos = position;
        LONG.setRelease(consumerPage, 0, position);
    }
}
