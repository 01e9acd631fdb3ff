package net.kmesh.perf.bpf.ringbuf;

import static net.kmesh.perf.bpf.ringbuf.RingReader.BUSY_BIT;
import static net.kmesh.perf.bpf.ringbuf.RingReader.DISCARD_BIT;
import static net.kmesh.perf.bpf.ringbuf.RingReader.HEADER_SIZE;
import static net.kmesh.perf.bpf.ringbuf.RingReader.LENGTH_MASK;
import static net.kmesh.perf.bpf.ringbuf.RingReader.LONG;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;

/**
 * Reads a BPF ring buffer without consuming it: the consumer position is never written (the
 * consumer page is mapped read-only), so the ring's real consumer (Kmesh's own daemon) keeps every
 * record. The observer starts at the consumer position and follows the producer position.
 *
 * <p>The producer may overwrite a record before the observer reads it: when the observer falls a
 * ring's size behind, or when the real consumer freed the space and the producer reused it. So
 * each record is first copied out of the ring into a scratch buffer, then the producer position is
 * read again, and the record is handed to the {@link RecordHandler} (from the scratch buffer, at
 * position 0) only when that proves the copy intact. A record that fails the test is never
 * decoded: the observer continues at the real consumer's position, the first record boundary
 * after which the kernel has overwritten nothing, and counts what it skipped in {@link #missed()}.
 * While it keeps up, it hands over exactly the records committed, in order.
 *
 * <p><b>Wake-ups:</b> the kernel reports EPOLLIN by the real consumer's position, not the
 * observer's, so level-triggered epoll says nothing useful to an observer. The kernel does wake
 * the ring's waiters when a record is committed while the real consumer had caught up: an
 * observer waits for those wake-ups edge-triggered, with a timer beside them, often enough that
 * it stays less than a ring's size behind when the real consumer lags.
 *
 * <p><b>Memory ordering:</b> the validation is exact where stores become visible in program order
 * (x86-64). On arm64 the kernel's barriers do not order a BPF program's payload stores after its
 * own {@code producer_pos} release, so a record overwritten during the copy by a reservation that
 * began less than a ring's size after it could in principle pass; that takes an observer lagging
 * about a full ring behind, which {@link #missed()} reports anyway.
 *
 * <p>Not thread-safe: one thread reads a ring.
 */
public final class RingObserver implements RingCursor {
    /** Largest scratch buffer: a longer record is counted as a corruption and skipped. */
    static final int MAX_SCRATCH_BYTES = 64 * 1024;
    /** Points where a test's producer may race the read: after a record's header is read, after its copy. */
    static final int AFTER_HEADER = 0;
    static final int AFTER_COPY = 1;

    private final ByteBuffer consumerPage;
    private final ByteBuffer producerPage;
    private final ByteBuffer data;
    private final int mask;
    private final ByteBuffer scratch;
    private final int scratchMask;
    private final IntConsumer race;
    private long pos;
    /** Reads for a consumer sharing the ring ({@link #seek}): records nobody freed yet are intact. */
    private boolean forConsumer;
    private long corruptions;
    private long missed;
    /** Skipped bytes not yet sized into {@link #missed} records (no record read yet), and the one record per skip counted for them meanwhile. */
    private long unsizedSkippedBytes;
    private long unsizedCounted;
    /** The basis of the estimate: records handed over, and bytes of those and of discarded records. */
    private long sizedRecords;
    private long sizedBytes;

    /**
     * @param consumerPage the page whose first 8 bytes are {@code consumer_pos}; only read
     * @param producerPage the page whose first 8 bytes are {@code producer_pos}
     * @param data         the data area; its capacity is the ring size, a power of two of at least 8
     */
    public RingObserver(ByteBuffer consumerPage, ByteBuffer producerPage, ByteBuffer data) {
        this(consumerPage, producerPage, data, Math.min(RingReader.checkedSize(data), MAX_SCRATCH_BYTES), point -> { });
    }

    /**
     * @param scratchBytes the longest record handed over, a power of two
     * @param race         runs at {@link #AFTER_HEADER} and {@link #AFTER_COPY} of every record: tests
     *                     overwrite the record there, as a producer can
     */
    RingObserver(ByteBuffer consumerPage, ByteBuffer producerPage, ByteBuffer data, int scratchBytes,
                 IntConsumer race) {
        this.mask = RingReader.checkedSize(data) - 1;
        if (scratchBytes < HEADER_SIZE || Integer.bitCount(scratchBytes) != 1) {
            throw new IllegalArgumentException("scratch size must be a power of two, got " + scratchBytes);
        }
        // Read-only even when the mapping is not: an observer that wrote would corrupt the consumer's position.
        this.consumerPage = consumerPage.asReadOnlyBuffer();
        this.producerPage = producerPage;
        this.data = data.duplicate().order(ByteOrder.nativeOrder());
        // Never more than the ring: a record is shorter, and the copy wraps at most once.
        int scratchSize = Math.min(scratchBytes, mask + 1);
        this.scratch = ByteBuffer.allocateDirect(scratchSize).order(ByteOrder.nativeOrder());
        this.scratchMask = scratchSize - 1;
        this.race = race;
        this.pos = (long) LONG.getAcquire(this.consumerPage, 0);
    }

    @Override
    public int size() {
        return mask + 1;
    }

    @Override
    public long producerPosition() {
        return (long) LONG.getAcquire(producerPage, 0);
    }

    @Override
    public long consumerPosition() {
        return pos;
    }

    /** Continues from {@code position}, a record boundary (a consumer position); for a consumer sharing its ring. */
    void seek(long position) {
        pos = position;
        forConsumer = true;
    }

    @Override
    public boolean consumes() {
        return false;
    }

    @Override
    public long pendingBytes() {
        return Math.max(0, producerPosition() - pos);
    }

    /**
     * Impossible headers, in a part of the ring the producer had not overwritten: a record
     * running past the producer position (the observer skips to it), or longer than the scratch
     * buffer (skipped alone).
     */
    @Override
    public long corruptions() {
        return corruptions;
    }

    /**
     * Records the producer overwrote before the observer read them. The observer knows the bytes
     * it skipped exactly, not the records in them (their headers are gone): it counts them as
     * skipped bytes times records handed over per byte read (discarded records count as bytes
     * read). That is exact while every record has the same size and none is discarded (Kmesh's
     * records are all 32 bytes, 40 in the ring) and an estimate otherwise. A skip before the
     * first record was read counts one record at once and the rest once a record has been read.
     */
    @Override
    public long missed() {
        return missed;
    }

    @Override
    public int drain(RecordHandler handler) {
        ByteBuffer data = this.data;
        int mask = this.mask;
        int size = mask + 1;
        int delivered = 0;
        long pos = this.pos;
        long prod = producerPosition();
        try {
            read:
            while (true) {
                while (pos < prod) {
                    int header = data.getInt((int) (pos & mask));
                    // Acquire: pairs with the kernel's xchg of the header on commit, so the payload
                    // written before it is visible to the copy once BUSY reads clear.
                    VarHandle.acquireFence();
                    int length = header & LENGTH_MASK;
                    long next = pos + RingReader.recordBytes(header);
                    boolean wanted = (header & (BUSY_BIT | DISCARD_BIT)) == 0;
                    race.accept(AFTER_HEADER);
                    if (wanted && next <= prod && length <= scratch.capacity()) {
                        copyOut(pos + HEADER_SIZE, length);
                    }
                    race.accept(AFTER_COPY);
                    // Our loads of the header and the copy come before the load of producer_pos below.
                    VarHandle.acquireFence();
                    long now = producerPosition();
                    // Intact iff now - pos < size. A later record [q, q + len) overlaps ours in the data
                    // area iff q + len > pos + size. __bpf_ringbuf_reserve() takes the spinlock, writes
                    // the header at q, then publishes producer_pos = q + len (release) and unlocks; the
                    // program then writes the payload; commit only flips BUSY (xchg). If q >= pos + size,
                    // producer_pos = q was published (by the reservation before, ordered through the
                    // spinlock) before any byte of that record was written; if q < pos + size its header
                    // lies before ours and its payload is written after its producer_pos = q + len
                    // > pos + size (seen in that order on x86-64; see the class notes for arm64). So
                    // any overwrite our loads saw puts now >= pos + size. And
                    // now == pos + size is not safe: the next header, at pos + size over ours, is written
                    // before producer_pos moves past it.
                    // A consumer sharing the ring knows more: nothing can overwrite a record no reader
                    // has freed yet (the kernel never lets producer_pos pass consumer_pos + size).
                    if (now - pos >= size && !(forConsumer && (long) LONG.getAcquire(consumerPage, 0) <= pos)) {
                        long to = resyncTarget(pos, now, size);
                        skipped(to - pos);
                        pos = to;
                        prod = now;
                        continue;
                    }
                    if (header < 0) {
                        break read;
                    }
                    if (next > prod) {
                        // The kernel advances producer_pos over whole records only: skip what is
                        // published, never loop on it.
                        corruptions++;
                        pos = prod;
                        break;
                    }
                    long bytes = next - pos;
                    pos = next;
                    if (!wanted) {
                        sizedBytes += bytes;
                    } else if (length > scratch.capacity()) {
                        corruptions++;
                    } else {
                        sizedBytes += bytes;
                        sizedRecords++;
                        delivered++;
                        handler.onRecord(scratch, 0, length, scratchMask);
                    }
                }
                long published = producerPosition();
                if (published == prod) {
                    break;
                }
                prod = published;
            }
        } finally {
            this.pos = pos;
            if (unsizedSkippedBytes > 0) {
                skipped(0);
            }
        }
        return delivered;
    }

    private void copyOut(long from, int length) {
        int start = (int) (from & mask);
        int first = Math.min(length, mask + 1 - start);
        scratch.put(0, data, start, first);
        if (first < length) {
            scratch.put(first, data, 0, length - first);
        }
    }

    /**
     * The first trustworthy record boundary after the record at {@code pos} was overwritten, with
     * {@code now} the producer position read after it.
     */
    private long resyncTarget(long pos, long now, int size) {
        long consumer = (long) LONG.getAcquire(consumerPage, 0);
        // The real consumer's position: the kernel reserves only while new_prod_pos - consumer_pos
        // <= mask, so nothing from there on has been overwritten, and readers store record
        // boundaries only. The producer position is a boundary too, but would skip the intact
        // records between the two. A consumer position at or behind pos cannot have let the producer
        // overwrite pos, nor one a ring behind producer_pos (read before it): a reader that moved it
        // back wrote those, so then the producer position is the only boundary left to trust.
        if (consumer > pos && now - consumer < size) {
            return consumer;
        }
        return now;
    }

    private void skipped(long bytes) {
        if (bytes > 0) {
            unsizedSkippedBytes += bytes;
            if (sizedRecords == 0) {
                // Nothing read yet to size the skip by: a skip loses at least one record.
                missed++;
                unsizedCounted++;
                return;
            }
        }
        if (sizedRecords > 0 && unsizedSkippedBytes > 0) {
            long records = Math.round((double) unsizedSkippedBytes * sizedRecords / sizedBytes);
            missed += Math.max(records, Math.max(1, unsizedCounted)) - unsizedCounted;
            unsizedSkippedBytes = 0;
            unsizedCounted = 0;
        }
    }
}
