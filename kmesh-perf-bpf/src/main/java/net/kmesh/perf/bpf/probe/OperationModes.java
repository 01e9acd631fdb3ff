package net.kmesh.perf.bpf.probe;

import com.sun.jna.Memory;
import java.util.Map;
import java.util.TreeMap;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe's mode map ({@code kmesh_perf_mode}): what each operation type does in the data plane's
 * programs. Remembers the value each type had before this monitor first changed it and puts exactly
 * that back on {@link #close()}, so a running data plane is left as it was found. The fd is borrowed.
 */
final class OperationModes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperationModes.class);

    private final int mapFd;
    private final Map<Long, Integer> before = new TreeMap<>();
    private boolean closed;

    OperationModes(int mapFd) {
        this.mapFd = mapFd;
    }

    /** The raw value of {@code type}'s slot. */
    synchronized int read(long type) {
        check(type);
        try (Memory key = new Memory(4); Memory value = new Memory(4)) {
            key.setInt(0, (int) type);
            Errno.check("reading kmesh_perf_mode[" + type + "]",
                    LibbpfLoader.natives().libbpf().bpf_map_lookup_elem(mapFd, key, value));
            return value.getInt(0);
        }
    }

    /** Sets {@code type}'s mode, remembering what it was the first time. */
    synchronized void set(long type, OperationMode mode) {
        if (closed) {
            throw new IllegalStateException("the probe's maps are released");
        }
        if (!before.containsKey(type)) {
            before.put(type, read(type));
        }
        write(type, mode.kernelValue());
    }

    private void write(long type, int value) {
        check(type);
        try (Memory key = new Memory(4); Memory v = new Memory(4)) {
            key.setInt(0, (int) type);
            v.setInt(0, value);
            Errno.check("setting kmesh_perf_mode[" + type + "]",
                    LibbpfLoader.natives().libbpf().bpf_map_update_elem(mapFd, key, v, 0));
        }
    }

    private static void check(long type) {
        if (type < 0 || type >= ProbeLayout.MODE_TYPES) {
            throw new IllegalArgumentException("operation type " + type + " has no mode: the probe has modes for types 0 to "
                    + (ProbeLayout.MODE_TYPES - 1));
        }
    }

    /** Puts back what each changed type was. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        before.forEach((type, value) -> {
            try {
                write(type, value);
            } catch (RuntimeException e) {
                // The map went with its data plane: nothing is left to restore.
                LOG.debug("restoring kmesh_perf_mode[{}] failed: {}", type, e.getMessage());
            }
        });
    }
}
