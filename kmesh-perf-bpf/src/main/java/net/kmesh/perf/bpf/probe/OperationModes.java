package net.kmesh.perf.bpf.probe;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.Map;
import java.util.TreeMap;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.FastLibbpf;
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
    /** False once the kernel refused a batch lookup of this map (before Linux 5.7): one lookup per type then. */
    private boolean batch = true;
    /** {@link #readBatch}'s buffer, made at its first call; guarded by this. */
    private Memory batchBuffer;
    /** Views into {@link #batchBuffer} and the arrays its keys and values are copied to, made with it. */
    private Pointer batchToken;
    private Pointer batchKeys;
    private Pointer batchValues;
    private int[] keyCopy;
    private int[] valueCopy;

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

    /**
     * Every type's raw value, index = type: one batch lookup of the whole map where the kernel has
     * one for arrays (Linux 5.7), else one lookup per type. A snapshot reads every mode, and 32
     * system calls through JNA, each with its own buffers, were a third of its cost.
     */
    synchronized int[] readAll() {
        int[] values = new int[ProbeLayout.MODE_TYPES];
        if (batch && readBatch(values)) {
            return values;
        }
        for (int type = 0; type < values.length; type++) {
            values[type] = read(type);
        }
        return values;
    }

    private boolean readBatch(int[] values) {
        int n = values.length;
        if (batchBuffer == null) {
            // The count (u32, padded to 8), the in/out batch token (an array's is its u32 index), then
            // n keys and n values: kept with their views, since a snapshot reads every mode at every scrape.
            batchBuffer = new Memory(16 + 8L * n);
            batchToken = batchBuffer.share(8, 8);
            batchKeys = batchBuffer.share(16, 4L * n);
            batchValues = batchBuffer.share(16 + 4L * n, 4L * n);
            keyCopy = new int[n];
            valueCopy = new int[n];
        }
        Memory m = batchBuffer;
        m.setInt(0, n);
        int ret = FastLibbpf.bpf_map_lookup_batch(mapFd, null, batchToken, batchKeys, batchValues, m, null);
        int errno = ret < 0 ? -ret : 0;
        if (errno != 0 && errno != Errno.ENOENT) {
            if (errno == Errno.EINVAL || errno == Errno.ENOTSUPP || errno == Errno.EOPNOTSUPP) {
                batch = false;
                return false;
            }
            throw Errno.failure("reading kmesh_perf_mode in one batch", errno);
        }
        if (m.getInt(0) != n) {
            // A mode map of another size than the layout's: read type by type, which names the problem.
            batch = false;
            return false;
        }
        // Two copies out of native memory, not two calls per slot.
        batchKeys.read(0, keyCopy, 0, n);
        batchValues.read(0, valueCopy, 0, n);
        for (int i = 0; i < n; i++) {
            int key = keyCopy[i];
            if (key < 0 || key >= n) {
                batch = false;
                return false;
            }
            values[key] = valueCopy[i];
        }
        return true;
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
        if (batchBuffer != null) {
            batchBuffer.close();
            batchBuffer = null;
            batchToken = null;
            batchKeys = null;
            batchValues = null;
        }
    }
}
