package net.kmesh.perf.bpf;

import com.sun.jna.Memory;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.TestRun;

/**
 * A producer of arbitrary records ({@code bpf/test/fake_kmesh.bpf.c}): it owns a ring buffer named
 * {@code kmesh_perf_info} and writes records of any size and content into it, valid or not. Not a
 * stand-in for Kmesh: that is {@code kmesh.KmeshStandIn} (Kmesh's layout with the probe on) and
 * {@code kmesh.KmeshShipped} (Kmesh as it ships).
 */
public final class RawRingWriter implements AutoCloseable {
    private final BpfObject object;

    public RawRingWriter() {
        object = BpfObject.openResource(RawRingWriter.class, "/net/kmesh/perf/bpf/fake_kmesh.bpf.o", "fake_kmesh");
        try {
            object.load();
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    public int ringFd() {
        return object.mapFd("kmesh_perf_info");
    }

    public int programFd() {
        return object.programFd("fake_kmesh_emit");
    }

    /** Pins the ring buffer at {@code path}. */
    public void pinRing(java.nio.file.Path path) {
        Errno.check("pinning " + path, LibbpfLoader.natives().libbpf().bpf_obj_pin(ringFd(), path.toString()));
    }

    /**
     * Writes {@code count} (at most 4096) records of {@code size} bytes: the upstream layout cut or
     * padded to the size, or the seed's layout for 24. Returns how many fit in the ring.
     */
    public int emit(int size, int count, long operationType, long startNs, long durationNs) {
        // struct fake_kmesh_args { u64 start_ns, duration_ns; u32 operation_type, record_size, count, emitted; }
        try (Memory args = new Memory(32)) {
            args.clear();
            args.setLong(0, startNs);
            args.setLong(8, durationNs);
            args.setInt(16, (int) operationType);
            args.setInt(20, size);
            args.setInt(24, count);
            if (TestRun.run(programFd(), args, "running fake_kmesh_emit") != 0) {
                throw new IllegalArgumentException("fake_kmesh_emit refused size " + size);
            }
            return args.getInt(28);
        }
    }

    @Override
    public void close() {
        object.close();
    }
}
