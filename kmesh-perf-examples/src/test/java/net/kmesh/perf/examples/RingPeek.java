package net.kmesh.perf.examples;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;

/**
 * The test's own view of a BPF ring buffer, mapped read-only: the producer and consumer positions,
 * and the records between two positions, read where the kernel wrote them. A record stays in the
 * ring's memory after it is consumed, until the producer writes over it; so a test that is the only
 * producer can read what one of its calls wrote, whoever consumed it, before its next call.
 * Upstream Kmesh's 32-byte layout only: {@code u64 start_ns, end_ns, pid_tgid; u32 operation_type, pad}.
 */
final class RingPeek implements AutoCloseable {
    private static final int HEADER = 8;
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;

    /** One record. */
    record Record(long operationType, long startNanos, long endNanos) {
        long durationNanos() {
            return endNanos - startNanos;
        }
    }

    private final LibC libc;
    private final int pageSize;
    private final int size;
    private final Pointer consumer;
    private final Pointer producer;
    private final long producerLength;

    private RingPeek(LibC libc, int pageSize, int size, Pointer consumer, Pointer producer, long producerLength) {
        this.libc = libc;
        this.pageSize = pageSize;
        this.size = size;
        this.consumer = consumer;
        this.producer = producer;
        this.producerLength = producerLength;
    }

    /** Maps the ring buffer behind {@code mapFd} (borrowed) read-only. */
    static RingPeek open(int mapFd) {
        return open(mapFd, LibC.PROT_READ);
    }

    /**
     * Maps the ring buffer behind {@code mapFd} (borrowed) as its reader does: the consumer page
     * writable, so that {@link #consume(long)} frees space as a data plane's own reader would.
     */
    static RingPeek openAsReader(int mapFd) {
        return open(mapFd, LibC.PROT_READ | LibC.PROT_WRITE);
    }

    private static RingPeek open(int mapFd, int consumerProtection) {
        var natives = LibbpfLoader.natives();
        LibC libc = natives.libc();
        int page = natives.pageSize();
        int size = MapInfo.of(mapFd).maxEntries();
        Pointer consumer = libc.mmap(null, page, consumerProtection, LibC.MAP_SHARED, mapFd, 0);
        if (failed(consumer)) {
            throw Errno.failure("mapping the consumer page read-only", Errno.last());
        }
        long producerLength = page + 2L * size;
        Pointer producer = libc.mmap(null, producerLength, LibC.PROT_READ, LibC.MAP_SHARED, mapFd, page);
        if (failed(producer)) {
            int errno = Errno.last();
            libc.munmap(consumer, page);
            throw Errno.failure("mapping the producer page and data read-only", errno);
        }
        return new RingPeek(libc, page, size, consumer, producer, producerLength);
    }

    private static boolean failed(Pointer p) {
        return p == null || Pointer.nativeValue(p) == -1L;
    }

    long producerPosition() {
        return producer.getLong(0);
    }

    long consumerPosition() {
        return consumer.getLong(0);
    }

    /** Frees the ring up to {@code position}, as its reader does once it read the records; needs {@link #openAsReader}. */
    void consume(long position) {
        consumer.setLong(0, position);
    }

    /** The committed records from position {@code from} to {@code to}, which the producer has not written over. */
    List<Record> between(long from, long to) {
        if (to - from > size) {
            throw new IllegalArgumentException("more than the ring's " + size + " bytes between " + from + " and " + to);
        }
        List<Record> records = new ArrayList<>();
        long pos = from;
        while (pos < to) {
            // The data area follows the producer page and is mapped twice in a row: no record wraps.
            long at = pageSize + (pos & (size - 1));
            int len = producer.getInt(at);
            if ((len & BUSY) != 0) {
                throw new IllegalStateException("a record at " + pos + " is not committed");
            }
            int length = len & ~(BUSY | DISCARD);
            if ((len & DISCARD) == 0) {
                if (length != 32) {
                    throw new IllegalStateException("a record of " + length + " bytes at " + pos + ": not Kmesh's layout");
                }
                long sample = at + HEADER;
                records.add(new Record(Integer.toUnsignedLong(producer.getInt(sample + 24)), producer.getLong(sample),
                        producer.getLong(sample + 8)));
            }
            pos += (length + HEADER + 7) & ~7L;
        }
        return records;
    }

    @Override
    public void close() {
        libc.munmap(producer, producerLength);
        libc.munmap(consumer, pageSize);
    }
}
