package net.kmesh.perf.bpf.ringbuf;

import static net.kmesh.perf.bpf.ringbuf.RingLayout.DISCARD_BIT;
import static net.kmesh.perf.bpf.ringbuf.RingLayout.HEADER_SIZE;
import static net.kmesh.perf.bpf.ringbuf.RingLayout.LENGTH_MASK;
import static net.kmesh.perf.bpf.ringbuf.RingLayout.LONG;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * Consumes a BPF ring buffer in place, in Java, with no native call and no allocation per record.
 *
 * <p>The memory is the kernel's, laid out as {@code RingLayout} describes; records are handed
 * over where they lie.
 *
 * <p><b>Beside another reader</b> (Kmesh's own daemon, a libbpf {@code ring_buffer}) this follows
 * the kernel's protocol as libbpf does: every drain starts from the shared {@code consumer_pos}
 * (or from this reader's own position when that is further: a slower reader's late store may
 * have moved the shared one back over records this reader already handed over), stops at a busy
 * record, and publishes its progress once per 4 KiB with a compare-and-set that only ever moves
 * the shared position forward. When the shared position is found ahead of this reader, the other
 * reader took those records: this drain ends there and the next one starts after them (also when
 * the producer reused that space under this reader, which is then not counted as corruption).
 * While another reader was seen lately, the position it publishes is checked before every record,
 * so records it took during this drain are skipped. So each record goes to one
 * reader, except that two readers starting a drain from the same position at the same time both
 * read what they read before either publishes (libbpf readers race each other the same way); the
 * ring never wedges, and once the other reader leaves this one reads everything again. A BPF ring
 * has one consumer by design: to watch a ring another program consumes, observe it
 * ({@link RingObserver}) instead.
 *
 * <p>Not thread-safe: one thread reads a ring.
 */
public final class RingReader implements RingCursor {
    /** Bytes read between commits of the consumer position: frees space early without a store per record. */
    private static final long COMMIT_BYTES = 4096;

    private final RingLayout ring;
    /** The data area's address for {@link RawMemory}, or 0: headers and records are read through the buffer. */
    private final long address;
    /** Where this reader continues: what it last published, or the further position another reader published. */
    private long consumerPos;
    private long corruptions;
    /**
     * Set for good once another reader has been seen: from then on every drain reads through
     * {@link #shared}, since beside it a record this reader started may be freed by it and
     * overwritten by the producer mid-read. Not reset after a quiet spell: Kmesh's daemon reads
     * its ring as long as its profiling is on, and traffic comes in bursts; going back to reading
     * in place exposed the first records of every burst (RingReaderProperties).
     */
    private boolean sharing;
    /** Copies and checks each record before handing it over; made when first needed. */
    private SharedWalk shared;

    /**
     * @param consumerPage the writable page whose first 8 bytes are {@code consumer_pos}
     * @param producerPage the page whose first 8 bytes are {@code producer_pos}
     * @param data         the data area; its capacity is the ring size, a power of two of at least 8
     */
    public RingReader(ByteBuffer consumerPage, ByteBuffer producerPage, ByteBuffer data) {
        this(consumerPage, producerPage, data, true);
    }

    /** @param byAddress read headers by address where {@link RawMemory} can; false: always through the buffer */
    RingReader(ByteBuffer consumerPage, ByteBuffer producerPage, ByteBuffer data, boolean byAddress) {
        this.ring = new RingLayout(consumerPage, producerPage, data);
        this.address = byAddress ? RawMemory.address(ring.data) : 0;
        // Another consumer may have read part of the ring before us: continue where it stopped.
        this.consumerPos = ring.sharedPosition();
    }

    /** Whether this reader reads headers by address ({@link RawMemory}). */
    boolean readsByAddress() {
        return address != 0;
    }

    @Override
    public int size() {
        return ring.size();
    }

    @Override
    public long consumerPosition() {
        return consumerPos;
    }

    @Override
    public long producerPosition() {
        return ring.producerPosition();
    }

    /** Producer position minus the further of this reader's position and the shared one. */
    @Override
    public long pendingBytes() {
        long cons = Math.max(consumerPos, ring.sharedPosition());
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
        ByteBuffer consumerPage = ring.consumerPage;
        ByteBuffer producerPage = ring.producerPage;
        ByteBuffer data = ring.data;
        int mask = ring.mask;
        int delivered = 0;
        // Start after any other reader. Positions of one ring only grow: a shared position below
        // ours is a slower reader's late store, over records we handed over already. Through the
        // field: with Math.max into the local, C2 compiled the loop below about 10% slower
        // (RingBufferDrainBenchmark.interleaved: 0.87 of libbpf's speed against 0.97).
        long sharedPos = (long) LONG.getAcquire(consumerPage, 0);
        if (sharedPos > consumerPos) {
            consumerPos = sharedPos;
            sharing = true; // as publish() would say
        }
        if (sharing) {
            return drainValidated(handler);
        }
        long cons = consumerPos;
        long address = this.address;
        long prod = (long) LONG.getAcquire(producerPage, 0);
        try {
            read:
            while (true) {
                while (cons < prod) {
                    // Commit once per COMMIT_BYTES, not per record: the bound of this loop does it.
                    long limit = Math.min(prod, cons + COMMIT_BYTES);
                    while (cons < limit) {
                        int offset = (int) (cons & mask);
                        int header = address != 0 ? RawMemory.getInt(address + offset) : data.getInt(offset);
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
                            if (address != 0) {
                                handler.onRecordAt(address, data, payload, length, mask);
                            } else {
                                handler.onRecord(data, payload, length, mask);
                            }
                        }
                    }
                    if (publish(cons)) {
                        // Another reader is further: it took the records up to there. The next
                        // drain starts after it, and copies each record before handing it over.
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
        long sharedPos = ring.sharedPosition();
        if (sharedPos > cons) {
            sharing = true; // it is ahead: from now on every record is copied and checked
            return sharedPos;
        }
        corruptions++;
        return prod;
    }

    /**
     * A drain beside another reader: each record is copied and handed over only if the producer
     * cannot have overwritten it meanwhile ({@link SharedWalk}), so a record the other reader
     * freed under this one and the producer reused is never decoded torn. Progress is published
     * once, at the end. Records the check rejects were the other reader's.
     */
    private int drainValidated(RecordHandler handler) {
        if (shared == null) {
            shared = new SharedWalk(ring);
        }
        shared.seek(consumerPos);
        long corruptionsBefore = shared.corruptions();
        int delivered;
        try {
            delivered = shared.drain(handler);
        } finally {
            corruptions += shared.corruptions() - corruptionsBefore;
            publish(shared.consumerPosition());
        }
        return delivered;
    }

    /**
     * Moves the shared consumer position forward to {@code cons}, never back. Returns true when
     * another reader has published a further position, which is then this reader's
     * {@link #consumerPosition()}, and from then on every drain copies and checks ({@link #sharing}):
     * any store that finds another reader ahead says so, the last of a drain too.
     */
    private boolean publish(long cons) {
        ByteBuffer consumerPage = ring.consumerPage;
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
        if (seen > cons) {
            sharing = true;
            return true;
        }
        return false;
    }
}
