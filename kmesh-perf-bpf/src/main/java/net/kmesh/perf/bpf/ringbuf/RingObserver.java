package net.kmesh.perf.bpf.ringbuf;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.function.IntConsumer;

/**
 * Reads a BPF ring buffer without consuming it: the consumer position is never written (the
 * consumer page is mapped read-only), so the ring's real consumer (Kmesh's own daemon) keeps every
 * record. The observer starts at the consumer position and follows the producer position.
 *
 * <p>The producer may overwrite a record before the observer reads it: when the observer falls a
 * ring's size behind, or when the real consumer freed the space and the producer reused it. So
 * the observer walks the ring through the validated copy of {@code ValidatedWalk}: a record is
 * handed over only when the copy is proven intact, and what was skipped is counted in
 * {@link #missed()}. While it keeps up, it hands over exactly the records committed, in order.
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
public final class RingObserver extends ValidatedWalk {
    private long missed;
    /** Skipped bytes not yet sized into {@link #missed} records (no record read yet), and the one record per skip counted for them meanwhile. */
    private long unsizedSkippedBytes;
    private long unsizedCounted;
    /** The basis of the estimate, shared with the observers of the source's other rings. */
    private final RecordSizes sizes;

    /**
     * @param consumerPage the page whose first 8 bytes are {@code consumer_pos}; only read
     * @param producerPage the page whose first 8 bytes are {@code producer_pos}
     * @param data         the data area; its capacity is the ring size, a power of two of at least 8
     */
    public RingObserver(ByteBuffer consumerPage, ByteBuffer producerPage, ByteBuffer data) {
        this(consumerPage, producerPage, data, new RecordSizes());
    }

    /**
     * @param sizes what the observers of the source's earlier rings read, to size what this one skips
     */
    public RingObserver(ByteBuffer consumerPage, ByteBuffer producerPage, ByteBuffer data, RecordSizes sizes) {
        this(consumerPage, producerPage, data, sizes, MAX_SCRATCH_BYTES, point -> { });
    }

    /** With a smaller scratch buffer and a test's producer racing the copy: see {@code ValidatedWalk}. */
    RingObserver(ByteBuffer consumerPage, ByteBuffer producerPage, ByteBuffer data, int scratchBytes,
                 IntConsumer race) {
        this(consumerPage, producerPage, data, new RecordSizes(), scratchBytes, race);
    }

    private RingObserver(ByteBuffer consumerPage, ByteBuffer producerPage, ByteBuffer data, RecordSizes sizes,
                         int scratchBytes, IntConsumer race) {
        // Read-only even when the mapping is not: an observer that wrote would corrupt the consumer's position.
        super(new RingLayout(consumerPage, producerPage, data).readOnly(), scratchBytes, race);
        this.sizes = sizes;
    }

    /**
     * Reads from the ring's first record (position 0) instead of the real consumer's position: for a
     * ring created while the monitor watched, whose every record is the monitor's to count. The
     * records the other reader took before this observer attached are read as far as the producer
     * has not overwritten them yet; the rest are counted in {@link #missed()}, like any record
     * overwritten first. Call before the first {@link #drain}.
     */
    public void fromFirstRecord() {
        pos = 0;
    }

    /** Any record a ring's size behind the producer may have been overwritten: the observer frees nothing. */
    @Override
    boolean mayBeOverwritten(long pos, long now) {
        return true;
    }

    /**
     * After a lap, the records the producer has not overwritten yet are still in the ring, but their
     * boundaries are not known: the headers that chained to them from {@code pos} are gone. When
     * every record read so far took the same bytes (Kmesh's take 40), the boundaries are {@code pos}
     * plus multiples of that stride; the first one a ring's size behind {@code now} or less is
     * taken when every header from it to {@code target} says a committed record of exactly that
     * stride and the producer has not overwritten it meanwhile. Otherwise (records of mixed sizes, a
     * header that disagrees) the walk goes on at {@code target}, the real consumer's position,
     * skipping the intact records before it: up to a ring's worth more than were overwritten.
     */
    @Override
    long intactFrom(long pos, long now, long target) {
        long stride = sizes.stride();
        int size = ring.size();
        if (stride == 0 || target - pos <= stride) {
            return target;
        }
        // The first boundary c with now - c < size: nothing from it on can have been overwritten.
        long from = pos + ((now - size - pos) / stride + 1) * stride;
        if (from >= target || (target - from) % stride != 0) {
            return target;
        }
        for (long q = from; q < target; q += stride) {
            int header = ring.data.getInt((int) (q & ring.mask));
            if ((header & RingLayout.BUSY_BIT) != 0 || RingLayout.recordBytes(header) != stride) {
                return target;
            }
        }
        // The header loads come before this load of producer_pos: had the producer reached the
        // first of them meanwhile, it would show here.
        VarHandle.acquireFence();
        return ring.producerPosition() - from < size ? from : target;
    }

    @Override
    public boolean consumes() {
        return false;
    }

    /**
     * Records the producer overwrote before the observer read them. The observer knows the bytes
     * it skipped exactly, not the records in them (their headers are gone): it counts them as
     * skipped bytes times records handed over per byte read (discarded records count as bytes
     * read, on this ring and on the source's earlier rings). That is exact while every record has
     * the same size and none is discarded (Kmesh's records are all 32 bytes, 40 in the ring) and an
     * estimate otherwise. A skip before any record was read counts one record at once and the rest
     * once a record has been read.
     */
    @Override
    public long missed() {
        return missed;
    }

    @Override
    void read(long bytes, boolean handedOver) {
        sizes.read(bytes, handedOver);
    }

    @Override
    void skipped(long bytes) {
        if (bytes > 0) {
            unsizedSkippedBytes += bytes;
            if (!sizes.known()) {
                // Nothing read yet to size the skip by: a skip loses at least one record.
                missed++;
                unsizedCounted++;
                return;
            }
        }
        if (sizes.known() && unsizedSkippedBytes > 0) {
            long records = sizes.recordsIn(unsizedSkippedBytes);
            missed += Math.max(records, Math.max(1, unsizedCounted)) - unsizedCounted;
            unsizedSkippedBytes = 0;
            unsizedCounted = 0;
        }
    }
}
