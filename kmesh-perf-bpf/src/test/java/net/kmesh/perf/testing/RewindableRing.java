package net.kmesh.perf.testing;

import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.ringbuf.RingReader;

/**
 * Consumes one pre-filled BPF ring buffer again and again from the position it had when mapped:
 * for benchmarks that re-read the same records. Moving the shared consumer position back is the
 * one backward store no reader ever makes; it is sound only while nothing else reads the ring and
 * nothing produces into it. The map fd is borrowed.
 */
public final class RewindableRing implements AutoCloseable {
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final LibC libc;
    private final int page;
    private final long producerLength;
    private final Pointer consumer;
    private final Pointer producer;
    private final ByteBuffer consumerPage;
    private final ByteBuffer producerPage;
    private final ByteBuffer data;
    private final long start;

    /** Maps the ring behind {@code mapFd}: its consumer page writable, the rest read-only. */
    public RewindableRing(int mapFd) {
        LibbpfLoader.Natives n = LibbpfLoader.natives();
        libc = n.libc();
        page = n.pageSize();
        int size = MapInfo.of(mapFd).maxEntries();
        producerLength = page + 2L * size;
        consumer = libc.mmap(null, page, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, mapFd, 0);
        if (consumer == null || Pointer.nativeValue(consumer) == -1L) {
            throw Errno.failure("mapping the consumer page of ring fd " + mapFd, Errno.last());
        }
        producer = libc.mmap(null, producerLength, LibC.PROT_READ, LibC.MAP_SHARED, mapFd, page);
        if (producer == null || Pointer.nativeValue(producer) == -1L) {
            int errno = Errno.last();
            libc.munmap(consumer, page);
            throw Errno.failure("mapping the data pages of ring fd " + mapFd, errno);
        }
        consumerPage = consumer.getByteBuffer(0, page);
        producerPage = producer.getByteBuffer(0, page);
        data = producer.getByteBuffer(page, size);
        start = (long) LONG.getAcquire(consumerPage, 0);
    }

    /** The consumer position when mapped, where every {@link #rewound()} reader starts. */
    public long start() {
        return start;
    }

    /**
     * Moves the shared consumer position back to {@link #start()} and returns a new reader there:
     * a reader never goes back itself, since a shared position below its own is a slower
     * reader's late store.
     */
    public RingReader rewound() {
        long now = (long) LONG.getAcquire(consumerPage, 0);
        if (now < start || now - start > data.capacity()) {
            throw new IllegalStateException("can rewind at most one ring size back from " + now + ", not to " + start);
        }
        LONG.setRelease(consumerPage, 0, start);
        return new RingReader(consumerPage, producerPage, data);
    }

    @Override
    public void close() {
        libc.munmap(producer, producerLength);
        libc.munmap(consumer, page);
    }
}
