package net.kmesh.perf.bpf.maps;

import com.sun.jna.Memory;
import java.util.Arrays;
import java.util.List;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.libbpf.BpfLink;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.LinkInfo;
import net.kmesh.perf.bpf.libbpf.ProgInfo;
import net.kmesh.perf.bpf.libbpf.Resources;

/**
 * Owns the loaded map iterator ({@code bpf/maps/kmesh_perf_maps.bpf.c}): its BPF object, the
 * iterator link and a read buffer. Each {@link #read()} is one pass over every map of the system.
 */
final class MapIterator implements AutoCloseable {
    static final String RESOURCE = "/net/kmesh/perf/bpf/kmesh_perf_maps.bpf.o";
    static final String PROGRAM = "kp_map_stats";
    /** A multiple of the record size, so that most reads end on a record boundary. */
    private static final int CHUNK = 1024 * MapRecords.SIZE;

    private final Resources resources;
    private final LibC libc;
    private final BpfObject object;
    private final BpfLink link;
    private final Memory chunk;
    /** The output of the pass being read; the last pass's is kept, to be compared with it. */
    private byte[] output = new byte[CHUNK];
    private MapRecords.Pass last = MapRecords.Pass.NONE;

    private MapIterator(Resources resources, LibC libc, BpfObject object, BpfLink link, Memory chunk) {
        this.resources = resources;
        this.libc = libc;
        this.object = object;
        this.link = link;
        this.chunk = chunk;
    }

    /**
     * Loads and attaches the iterator.
     *
     * @throws PrivilegeException without CAP_BPF + CAP_PERFMON
     * @throws net.kmesh.perf.PerfMonitorException when this kernel cannot load it (before Linux 5.8, or without BTF)
     */
    static MapIterator open() {
        return open(RESOURCE);
    }

    /** Loads the iterator from another class-path resource: a test build of the same program. */
    static MapIterator open(String resource) {
        LibbpfLoader.Natives n = LibbpfLoader.natives();
        Resources resources = new Resources();
        try {
            BpfObject object = resources.add(BpfObject.openResource(MapIterator.class, resource, "kmesh_perf_maps"));
            try {
                object.load();
            } catch (PrivilegeException e) {
                throw new PrivilegeException("loading the map iterator was refused (EPERM): map statistics need "
                        + "CAP_BPF + CAP_PERFMON (or root), and CAP_SYS_ADMIN to open maps by id");
            }
            BpfLink link = object.attachIter(PROGRAM, null);
            Memory chunk = resources.add(new Memory(CHUNK));
            return new MapIterator(resources, n.libc(), object, link, chunk);
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /** One pass: the record of every map of the system, ascending by id. */
    synchronized List<MapRecord> read() {
        int fd = LibbpfLoader.natives().libbpf().bpf_iter_create(link.fd());
        if (fd < 0) {
            throw OutOfFds.failure("creating a map iterator", -fd);
        }
        int length = 0;
        try {
            while (true) {
                long n = libc.read(fd, chunk, CHUNK);
                if (n == 0) {
                    break;
                }
                if (n < 0) {
                    int errno = Errno.last();
                    if (errno == Errno.EINTR) {
                        continue;
                    }
                    throw Errno.failure("reading the map iterator", errno);
                }
                if (length + n > output.length) {
                    output = Arrays.copyOf(output, Math.max(output.length * 2, length + (int) n));
                }
                chunk.read(0, output, length, (int) n);
                length += (int) n;
            }
        } finally {
            libc.close(fd);
        }
        MapRecords.Pass pass = MapRecords.decode(output, length, last);
        // The next pass reads into the array this one's predecessor used.
        output = last.bytes().length > 0 ? last.bytes() : new byte[output.length];
        last = pass;
        return pass.records();
    }

    /** The id of the iterator program, while open. */
    int programId() {
        return ProgInfo.of(object.programFd(PROGRAM)).id();
    }

    /** The id of the iterator link, while open. */
    int linkId() {
        return LinkInfo.of(link.fd()).id();
    }

    /** Detaches the iterator and unloads its program, last acquired first. */
    @Override
    public void close() {
        resources.close();
    }
}
