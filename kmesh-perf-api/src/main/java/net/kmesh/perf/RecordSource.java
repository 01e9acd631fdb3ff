package net.kmesh.perf;

import java.nio.file.Path;
import java.util.Objects;

/** Where the monitor reads operation records from. */
public sealed interface RecordSource {

    /** Default size of the bundled ring buffer. */
    int DEFAULT_RING_BUFFER_BYTES = 1 << 20;

    /**
     * The library loads its own probe maps and sample programs (for demos, tests and benchmarks).
     *
     * @param ringBufferBytes size of {@code kmesh_perf_info}: a power of two, at least one page
     * @param samples         which samples to attach
     */
    record Bundled(int ringBufferBytes, SampleOptions samples) implements RecordSource {
        public Bundled {
            if (ringBufferBytes <= 0 || Integer.bitCount(ringBufferBytes) != 1) {
                throw new IllegalArgumentException("ringBufferBytes must be a power of two, got " + ringBufferBytes);
            }
            Objects.requireNonNull(samples, "samples");
        }
    }

    /**
     * An existing ring buffer pinned in a bpffs, e.g. by a running Kmesh. Nothing is loaded into
     * the kernel. A counter map {@code kmesh_perf_cnt} pinned in the same directory, if any, supplies
     * the dropped-record count.
     */
    record Pinned(Path path) implements RecordSource {
        public Pinned {
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * An existing ring buffer found by its map name among the system's maps (by walking map ids).
     * Nothing is loaded into the kernel. When several ring buffers have the name, the newest is used.
     */
    record Named(String mapName) implements RecordSource {
        public Named {
            Objects.requireNonNull(mapName, "mapName");
            if (mapName.isEmpty() || mapName.length() > 15) {
                throw new IllegalArgumentException("a BPF map name has 1 to 15 characters, got '" + mapName + "'");
            }
        }
    }

    /** The bundled samples with the default ring size and no sample attached. */
    static RecordSource bundled() {
        return new Bundled(DEFAULT_RING_BUFFER_BYTES, SampleOptions.none());
    }

    /** The bundled samples with the default ring size. */
    static RecordSource bundled(SampleOptions samples) {
        return new Bundled(DEFAULT_RING_BUFFER_BYTES, samples);
    }

    static RecordSource pinned(Path path) {
        return new Pinned(path);
    }

    static RecordSource named(String mapName) {
        return new Named(mapName);
    }
}
