package net.kmesh.perf.bpf.ringbuf;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.TestRun;

/**
 * A real BPF ring buffer and a real producer: the bundled sample object's {@code kp_produce}
 * ({@code SEC("syscall")}, run with {@code BPF_PROG_TEST_RUN}) writing into a ring this test
 * created under a name of its own, not {@code kmesh_perf_info}: a monitor elsewhere on the host
 * that looks rings up by that name (as other tests do) must not read this one. Also maps the
 * ring's two position pages read-only, to watch them.
 */
final class SampleRing implements AutoCloseable {
    private static final String OBJECT = "/net/kmesh/perf/bpf/kmesh_perf_samples.bpf.o";
    private static final String[] OTHER_PROGRAMS = {"kp_connect4", "kp_span_enter", "kp_span_exit",
        "kp_span_enter_raw", "kp_span_exit_raw"};
    private static final AtomicInteger RINGS = new AtomicInteger();
    private static final int KP_PRODUCE_SYNTHETIC = 3;
    /** Durations of produced records lie in [SYNTHETIC_NS, 2 × SYNTHETIC_NS). */
    static final long SYNTHETIC_NS = 1000;

    final String name;
    private final int size;
    private final Fd ring;
    private final BpfObject object;
    private final int produceFd;
    private final LibC libc;
    private final int page;
    private final Pointer positions;

    SampleRing(int size) {
        this.size = size;
        Libbpf libbpf = LibbpfLoader.natives().libbpf();
        name = "kpr" + ProcessHandle.current().pid() % 1_000_000 + "_" + RINGS.incrementAndGet() % 1000;
        ring = Fd.own(Errno.check("creating ring buffer " + name,
                libbpf.bpf_map_create(MapType.RINGBUF, name, 0, 0, size, null)));
        BpfObject o = null;
        try {
            o = BpfObject.openResource(SampleRing.class, OBJECT, "kp_ring_test");
            for (String p : OTHER_PROGRAMS) {
                o.setAutoload(p, false);
            }
            Errno.check("making kmesh_perf_info reuse " + name, libbpf.bpf_map__reuse_fd(o.map("kmesh_perf_info"), ring.get()));
            o.load();
            produceFd = o.programFd("kp_produce");
        } catch (RuntimeException e) {
            if (o != null) {
                o.close();
            }
            ring.close();
            throw e;
        }
        object = o;
        libc = LibbpfLoader.natives().libc();
        page = LibbpfLoader.natives().pageSize();
        positions = libc.mmap(null, 2L * page, LibC.PROT_READ, LibC.MAP_SHARED, ring.get(), 0);
        if (positions == null || Pointer.nativeValue(positions) == -1L) {
            int errno = Errno.last();
            close();
            throw Errno.failure("mapping the positions of " + name, errno);
        }
    }

    int fd() {
        return ring.get();
    }

    int size() {
        return size;
    }

    /** Runs {@code kp_produce} once: {@code count} records of type {@code batch}. Returns {emitted, dropped}. */
    long[] produce(int count, int batch) {
        // struct kp_produce_args { u32 operation_type, count, mode, synthetic_ns; u64 emitted, dropped, histogrammed; }
        try (Memory args = new Memory(40)) {
            args.clear();
            args.setInt(0, batch);
            args.setInt(4, count);
            args.setInt(8, KP_PRODUCE_SYNTHETIC);
            args.setInt(12, (int) SYNTHETIC_NS);
            TestRun.run(produceFd, args, "running kp_produce");
            return new long[] {args.getLong(16), args.getLong(24)};
        }
    }

    long consumerPosition() {
        return positions.getLong(0);
    }

    long producerPosition() {
        return positions.getLong(page);
    }

    /** The consumer page, byte for byte. */
    byte[] consumerPage() {
        return positions.getByteArray(0, page);
    }

    ByteBuffer consumerPageBuffer() {
        return positions.getByteBuffer(0, page);
    }

    @Override
    public void close() {
        if (positions != null && Pointer.nativeValue(positions) != -1L) {
            libc.munmap(positions, 2L * page);
        }
        if (object != null) {
            object.close();
        }
        ring.close();
    }
}
