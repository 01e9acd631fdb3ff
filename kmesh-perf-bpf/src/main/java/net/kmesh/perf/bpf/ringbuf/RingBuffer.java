package net.kmesh.perf.bpf.ringbuf;

import com.sun.jna.Pointer;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;

/**
 * Owns the two mappings of a BPF ring buffer map: the consumer page (read-write) and the producer
 * page followed by the data area (read-only; the kernel maps the data twice in a row, which this
 * reader does not need). The map fd is borrowed, not owned.
 */
public final class RingBuffer implements AutoCloseable {
    private final LibC libc;
    private final int mapFd;
    private final int pageSize;
    private final long producerLength;
    private Pointer consumer;
    private Pointer producer;
    private final RingReader reader;

    private RingBuffer(LibC libc, int mapFd, int pageSize, long producerLength, Pointer consumer, Pointer producer,
                       int size) {
        this.libc = libc;
        this.mapFd = mapFd;
        this.pageSize = pageSize;
        this.producerLength = producerLength;
        this.consumer = consumer;
        this.producer = producer;
        this.reader = new RingReader(consumer.getByteBuffer(0, pageSize), producer.getByteBuffer(0, pageSize),
                producer.getByteBuffer(pageSize, size));
    }

    /**
     * Maps the ring buffer behind {@code mapFd}.
     *
     * @throws PerfMonitorException when the fd is not a ring buffer or cannot be mapped
     */
    public static RingBuffer map(int mapFd) {
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
        Pointer consumer = libc.mmap(null, page, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, mapFd, 0);
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
        return new RingBuffer(libc, mapFd, page, producerLength, consumer, producer, size);
    }

    private static boolean isFailed(Pointer p) {
        return p == null || Pointer.nativeValue(p) == -1L;
    }

    /** The reader over these mappings; valid until {@link #close()}. */
    public RingReader reader() {
        return reader;
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
