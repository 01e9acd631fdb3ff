package net.kmesh.perf.bpf.ringbuf;

import static net.kmesh.perf.bpf.ringbuf.RingLayout.BUSY_BIT;
import static net.kmesh.perf.bpf.ringbuf.RingLayout.DISCARD_BIT;
import static net.kmesh.perf.bpf.ringbuf.RingLayout.HEADER_SIZE;
import static net.kmesh.perf.bpf.ringbuf.RingLayout.LENGTH_MASK;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;

/**
 * Walks a ring's records by copying each one out and handing it over only when the producer
 * cannot have overwritten the copy: the validated-copy step that readers which may be overtaken
 * build on ({@link RingObserver}, and a {@link RingReader} beside another reader).
 *
 * <p>Each record is copied into a scratch buffer, then the producer position is read again, and
 * the record is handed to the {@link RecordHandler} (from the scratch buffer, at position 0) only
 * when that proves the copy intact. A record that fails the test is never decoded: the walk
 * continues at the ring's consumer position, the first record boundary known without headers after
 * which the kernel has overwritten nothing, or at an earlier boundary a subclass proves
 * ({@link #intactFrom}), and reports the bytes it skipped to {@link #skipped}.
 */
abstract class ValidatedWalk implements RingCursor {
    /** Largest scratch buffer: a longer record is counted as a corruption and skipped. */
    static final int MAX_SCRATCH_BYTES = 64 * 1024;
    /** Points where a test's producer may race the read: after a record's header is read, after its copy. */
    static final int AFTER_HEADER = 0;
    static final int AFTER_COPY = 1;

    final RingLayout ring;
    private final ByteBuffer scratch;
    private final int scratchMask;
    private final IntConsumer race;
    long pos;
    private long corruptions;

    /**
     * @param scratchBytes the longest record handed over, a power of two
     * @param race         runs at {@link #AFTER_HEADER} and {@link #AFTER_COPY} of every record: tests
     *                     overwrite the record there, as a producer can
     */
    ValidatedWalk(RingLayout ring, int scratchBytes, IntConsumer race) {
        if (scratchBytes < HEADER_SIZE || Integer.bitCount(scratchBytes) != 1) {
            throw new IllegalArgumentException("scratch size must be a power of two, got " + scratchBytes);
        }
        this.ring = ring;
        // Never more than the ring: a record is shorter, and the copy wraps at most once.
        int scratchSize = Math.min(scratchBytes, ring.size());
        this.scratch = ByteBuffer.allocateDirect(scratchSize).order(ByteOrder.nativeOrder());
        this.scratchMask = scratchSize - 1;
        this.race = race;
        this.pos = ring.sharedPosition();
    }

    /**
     * Whether the record at {@code pos} may have been overwritten while it was copied, given
     * {@code now}, the producer position read after the copy.
     */
    abstract boolean mayBeOverwritten(long pos, long now);

    /**
     * Where to read on from the record boundary {@code pos}: {@code pos}, or a further boundary when
     * the records up to it are another reader's (it consumed them meanwhile).
     */
    long continueFrom(long pos) {
        return pos;
    }

    /**
     * Where to read on after the record at {@code pos} was overwritten, given {@code target}, the
     * first boundary known without the record headers in between: {@code target}, or an earlier
     * boundary the walk can prove (the records from it to {@code target} are then read too).
     */
    long intactFrom(long pos, long now, long target) {
        return target;
    }

    /** Called with the bytes skipped over overwritten records (positive), and with 0 at the end of each drain. */
    void skipped(long bytes) {
    }

    /** Called for each record read in full: its bytes in the ring, and whether it was handed over. */
    void read(long bytes, boolean handedOver) {
    }

    @Override
    public int size() {
        return ring.size();
    }

    @Override
    public long producerPosition() {
        return ring.producerPosition();
    }

    @Override
    public long consumerPosition() {
        return pos;
    }

    @Override
    public long pendingBytes() {
        return Math.max(0, producerPosition() - pos);
    }

    /**
     * Impossible headers, in a part of the ring the producer had not overwritten: a record
     * running past the producer position (the walk skips to it), or longer than the scratch
     * buffer (skipped alone).
     */
    @Override
    public long corruptions() {
        return corruptions;
    }

    @Override
    public int drain(RecordHandler handler) {
        ByteBuffer data = ring.data;
        int mask = ring.mask;
        int size = mask + 1;
        int delivered = 0;
        long pos = this.pos;
        long prod = producerPosition();
        try {
            read:
            while (true) {
                while (pos < prod) {
                    long from = continueFrom(pos);
                    if (from > pos) {
                        pos = from;
                        if (pos > prod) {
                            prod = producerPosition();
                        }
                        continue;
                    }
                    int header = data.getInt((int) (pos & mask));
                    // Acquire: pairs with the kernel's xchg of the header on commit, so the payload
                    // written before it is visible to the copy once BUSY reads clear.
                    VarHandle.acquireFence();
                    int length = header & LENGTH_MASK;
                    long next = pos + RingLayout.recordBytes(header);
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
                    // > pos + size (seen in that order on x86-64; see RingObserver's notes for arm64). So
                    // any overwrite our loads saw puts now >= pos + size. And
                    // now == pos + size is not safe: the next header, at pos + size over ours, is written
                    // before producer_pos moves past it.
                    if (now - pos >= size && mayBeOverwritten(pos, now)) {
                        long to = intactFrom(pos, now, resyncTarget(pos, now, size));
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
                        read(bytes, false);
                    } else if (length > scratch.capacity()) {
                        corruptions++;
                    } else {
                        read(bytes, true);
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
            skipped(0);
        }
        return delivered;
    }

    private void copyOut(long from, int length) {
        ByteBuffer data = ring.data;
        int start = (int) (from & ring.mask);
        int first = Math.min(length, ring.size() - start);
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
        long consumer = ring.sharedPosition();
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
}
