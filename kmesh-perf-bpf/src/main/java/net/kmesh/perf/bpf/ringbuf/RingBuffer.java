package net.kmesh.perf.bpf.ringbuf;

import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;

/**
 * Owns the two mappings of a BPF ring buffer map: the consumer page (read-write to consume,
 * read-only to observe) and the producer page followed by the data area (read-only; the kernel
 * maps the data twice in a row, which these readers do not need). The map fd is borrowed, not
 * owned.
 */
public final class RingBuffer implements AutoCloseable {
    private final LibC libc;
    private final int mapFd;
    private final int pageSize;
    private final long producerLength;
    private Pointer consumer;
    private Pointer producer;
    private final RingCursor reader;

    private RingBuffer(LibC libc, int mapFd, int pageSize, long producerLength, Pointer consumer, Pointer producer,
                       int size, boolean observe, RecordSizes sizes) {
        this.libc = libc;
        this.mapFd = mapFd;
        this.pageSize = pageSize;
        this.producerLength = producerLength;
        this.consumer = consumer;
        this.producer = producer;
        ByteBuffer consumerPage = consumer.getByteBuffer(0, pageSize);
        ByteBuffer producerPage = producer.getByteBuffer(0, pageSize);
        ByteBuffer data = producer.getByteBuffer(pageSize, size);
        this.reader = observe ? new RingObserver(consumerPage, producerPage, data, sizes)
                : new RingReader(consumerPage, producerPage, data);
    }

    /**
     * Maps the ring buffer behind {@code mapFd} to consume it: {@code map(mapFd, false)}.
     *
     * @throws PerfMonitorException when the fd is not a ring buffer or cannot be mapped
     */
    public static RingBuffer map(int mapFd) {
        return map(mapFd, false);
    }

    /**
     * Maps the ring buffer behind {@code mapFd}: to consume it (a {@link RingReader}), or with
     * {@code observe} to read it without ever writing its consumer position (a
     * {@link RingObserver}; the consumer page is then mapped read-only).
     *
     * @throws PerfMonitorException when the fd is not a ring buffer or cannot be mapped
     */
    public static RingBuffer map(int mapFd, boolean observe) {
        return map(mapFd, observe, new RecordSizes());
    }

    /**
     * Maps the ring buffer behind {@code mapFd} as {@link #map(int, boolean)} does; an observer sizes
     * the records it skips by {@code observedSizes}, shared with the observers of the source's other rings.
     *
     * @throws PerfMonitorException when the fd is not a ring buffer or cannot be mapped
     */
    public static RingBuffer map(int mapFd, boolean observe, RecordSizes observedSizes) {
        LibbpfLoader.Natives n = LibbpfLoader.natives();
        MapInfo info = MapInfo.of(mapFd);
        if (info.type() != MapType.RINGBUF) {
            throw new PerfMonitorException("map " + info.id() + " '" + info.name() + "' is a " + info.typeName()
                    + " map, not a ring buffer");
        }
        int size = info.maxEntries();
        int page = n.pageSize();
        LibC libc = n.libc();
        // The kernel allows writing only the consumer page, mapped alone at offset 0.
        int consumerProt = observe ? LibC.PROT_READ : LibC.PROT_READ | LibC.PROT_WRITE;
        Pointer consumer = libc.mmap(null, page, consumerProt, LibC.MAP_SHARED, mapFd, 0);
        if (isFailed(consumer)) {
            throw Errno.failure("mapping the consumer page of ring buffer '" + info.name() + "'", Errno.last());
        }
        long producerLength = page + 2L * size;
        Pointer producer = libc.mmap(null, producerLength, LibC.PROT_READ, LibC.MAP_SHARED, mapFd, page);
        if (isFailed(producer)) {
            int errno = Errno.last();
            libc.munmap(consumer, page);
            throw Errno.failure("mapping the data pages of ring buffer '" + info.name() + "'", errno);
        }
        return new RingBuffer(libc, mapFd, page, producerLength, consumer, producer, size, observe, observedSizes);
    }

    private static boolean isFailed(Pointer p) {
        return p == null || Pointer.nativeValue(p) == -1L;
    }

    /**
     * The reader over these mappings, valid until {@link #close()}: a {@link RingReader}, or a
     * {@link RingObserver} when mapped to observe.
     */
    public RingCursor reader() {
        return reader;
    }

    /**
     * For a ring created while the monitor watched: an observer reads it from its first record
     * ({@link RingObserver#fromFirstRecord()}); a consumer starts at the consumer position anyway,
     * which a ring nobody else reads leaves at its first record. Call before the first drain.
     */
    public void readFromFirstRecord() {
        if (reader instanceof RingObserver o) {
            o.fromFirstRecord();
        }
    }

    /** Whether this ring was mapped to observe (its consumer page is read-only). */
    public boolean observing() {
        return reader instanceof RingObserver;
    }

    /** The map fd this ring was mapped from (borrowed). */
    public int mapFd() {
        return mapFd;
    }

    /** Unmaps both areas; the reader must no longer be used. */
    @Override
    public synchronized void close() {
        if (producer != null) {
            libc.munmap(producer, producerLength);
            producer = null;
        }
        if (consumer != null) {
            libc.munmap(consumer, pageSize);
            consumer = null;
        }
    }
}
