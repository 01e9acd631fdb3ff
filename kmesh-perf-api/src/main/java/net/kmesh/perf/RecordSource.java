package net.kmesh.perf;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the monitor reads operation records from: a running data plane's ring buffer (by pin path,
 * by map name, or found where Kmesh pins it), or the library's own sample programs.
 *
 * <p>A data plane's ring is read in one of two {@link ReadMode}s. {@link ReadMode#CONSUME} (the
 * default) advances the ring's consumer position, as the ring's one reader should. When the data
 * plane's own daemon reads the ring too, each record goes to one of the two readers:
 * {@link ReadMode#OBSERVE} reads without consuming, so the daemon keeps every record.
 */
public sealed interface RecordSource permits RecordSource.Samples, RecordSource.Pinned, RecordSource.Named,
        RecordSource.Kmesh {

    /** Default size of the samples' ring buffer. */
    int DEFAULT_RING_BUFFER_BYTES = 1 << 20;

    /** Where Kmesh mounts its bpffs by default ({@code --bpf-fs-path}). */
    Path DEFAULT_BPFFS = Path.of("/sys/fs/bpf");

    /** How a ring is read. */
    enum ReadMode {
        /** Read and free each record: the monitor is the ring's reader. */
        CONSUME,
        /**
         * Read without freeing: the ring's own reader keeps every record. Records the producer
         * overwrites before the monitor reads them are counted as missed, never decoded.
         */
        OBSERVE,
    }

    /**
     * How this source's ring is read.
     *
     * @return the read mode
     */
    ReadMode mode();

    /**
     * The same source read in {@link ReadMode#OBSERVE}.
     *
     * @return the observing source
     * @throws IllegalArgumentException for the samples, which cannot be observed
     */
    RecordSource observing();

    /**
     * A short human description.
     *
     * @return e.g. {@code pinned /sys/fs/bpf/x/km_perf_info}
     */
    String describe();

    /**
     * The library's own probe maps and sample programs, loaded into the kernel: for demos, tests and
     * benchmarks. The sample programs and their driver live in {@code kmesh-perf-bpf}.
     *
     * @param ringBufferBytes size of the ring {@code kmesh_perf_info}: a power of two, at least one page
     */
    record Samples(int ringBufferBytes) implements RecordSource {
        /**
         * Validates the ring size.
         *
         * @param ringBufferBytes a power of two
         * @throws IllegalArgumentException when it is not a positive power of two
         */
        public Samples {
            if (ringBufferBytes <= 0 || Integer.bitCount(ringBufferBytes) != 1) {
                throw new IllegalArgumentException("ringBufferBytes must be a power of two, got " + ringBufferBytes);
            }
        }

        @Override
        public ReadMode mode() {
            return ReadMode.CONSUME;
        }

        @Override
        public RecordSource observing() {
            throw new IllegalArgumentException("the samples' ring has no other reader: observe a pinned, named or "
                    + "Kmesh source instead");
        }

        @Override
        public String describe() {
            return "the bundled samples";
        }
    }

    /**
     * An existing ring buffer pinned in a bpffs, e.g. by a running Kmesh. Nothing is loaded into the
     * kernel. The probe's other maps ({@code kmesh_perf_cnt} or {@code km_perf_cnt}, ...) are those
     * pinned in the same directory.
     *
     * @param path the pin path of the ring buffer map
     * @param mode how the ring is read
     */
    record Pinned(Path path, ReadMode mode) implements RecordSource {
        /**
         * Validates the path.
         *
         * @param path the pin path, not empty
         * @param mode how the ring is read
         * @throws IllegalArgumentException when the path is empty
         */
        public Pinned {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(mode, "mode");
            if (path.toString().isEmpty()) {
                throw new IllegalArgumentException("the pin path is empty: name the ring buffer's pin, e.g. "
                        + DEFAULT_BPFFS + "/bpf_kmesh_workload/map/km_perf_info");
            }
        }

        @Override
        public RecordSource observing() {
            return new Pinned(path, ReadMode.OBSERVE);
        }

        @Override
        public String describe() {
            return "pinned " + path + (mode == ReadMode.OBSERVE ? " (observed)" : "");
        }
    }

    /**
     * An existing ring buffer found by its map name among the system's maps. Nothing is loaded into
     * the kernel. When several ring buffers have the name, the newest is used. The probe's other maps
     * are those used by the programs that write the ring.
     *
     * @param mapName a BPF map name, 1 to 15 characters
     * @param mode    how the ring is read
     */
    record Named(String mapName, ReadMode mode) implements RecordSource {
        /**
         * Validates the name.
         *
         * @param mapName 1 to 15 characters
         * @param mode    how the ring is read
         * @throws IllegalArgumentException when the name is empty or longer than a BPF name can be
         */
        public Named {
            Objects.requireNonNull(mapName, "mapName");
            Objects.requireNonNull(mode, "mode");
            if (mapName.isEmpty() || mapName.length() > ObjectNames.MAX_LENGTH) {
                throw new IllegalArgumentException("a BPF map name has 1 to 15 characters, got '" + mapName + "'");
            }
        }

        @Override
        public RecordSource observing() {
            return new Named(mapName, ReadMode.OBSERVE);
        }

        @Override
        public String describe() {
            return "map named '" + mapName + "'" + (mode == ReadMode.OBSERVE ? " (observed)" : "");
        }
    }

    /**
     * A running Kmesh, found where it pins its maps: {@code <bpffs>/bpf_kmesh_workload/map/} in
     * workload mode, {@code <bpffs>/bpf_kmesh/map/} in ads mode, the ring named {@code km_perf_info}
     * (Kmesh renames its maps) or {@code kmesh_perf_info}. Nothing is loaded into the kernel.
     *
     * @param bpffs the bpffs Kmesh pins into ({@code --bpf-fs-path}, default {@code /sys/fs/bpf})
     * @param mode  how the ring is read
     */
    record Kmesh(Path bpffs, ReadMode mode) implements RecordSource {
        /** Kmesh's pin directory of maps in workload mode, relative to the bpffs. */
        public static final String WORKLOAD_MAP_DIR = "bpf_kmesh_workload/map";
        /** Kmesh's pin directory of maps in ads mode, relative to the bpffs. */
        public static final String ADS_MAP_DIR = "bpf_kmesh/map";

        /**
         * Validates the bpffs path.
         *
         * @param bpffs the bpffs Kmesh pins into, not empty
         * @param mode  how the ring is read
         * @throws IllegalArgumentException when the path is empty
         */
        public Kmesh {
            Objects.requireNonNull(bpffs, "bpffs");
            Objects.requireNonNull(mode, "mode");
            if (bpffs.toString().isEmpty()) {
                throw new IllegalArgumentException("the bpffs path is empty: Kmesh pins under " + DEFAULT_BPFFS
                        + " unless started with --bpf-fs-path");
            }
        }

        /**
         * The directories Kmesh pins its maps in, workload mode first.
         *
         * @return {@link #WORKLOAD_MAP_DIR} and {@link #ADS_MAP_DIR} under {@link #bpffs()}
         */
        public java.util.List<Path> mapDirectories() {
            return java.util.List.of(bpffs.resolve(WORKLOAD_MAP_DIR), bpffs.resolve(ADS_MAP_DIR));
        }

        @Override
        public RecordSource observing() {
            return new Kmesh(bpffs, ReadMode.OBSERVE);
        }

        @Override
        public String describe() {
            return "Kmesh under " + bpffs + (mode == ReadMode.OBSERVE ? " (observed)" : "");
        }
    }

    /**
     * The library's samples with the default ring size ({@value #DEFAULT_RING_BUFFER_BYTES} bytes).
     * Opening a monitor on them loads BPF programs into the kernel: for demos, tests and benchmarks.
     *
     * @return the source
     */
    static RecordSource samples() {
        return new Samples(DEFAULT_RING_BUFFER_BYTES);
    }

    /**
     * The library's samples with a ring of another size.
     *
     * @param ringBufferBytes a power of two, at least one page
     * @return the source
     * @throws IllegalArgumentException when it is not a power of two
     */
    static RecordSource samples(int ringBufferBytes) {
        return new Samples(ringBufferBytes);
    }

    /**
     * The ring buffer pinned at a path, consumed.
     *
     * @param path the pin path, e.g. {@code /sys/fs/bpf/bpf_kmesh_workload/map/km_perf_info}
     * @return the source
     * @throws IllegalArgumentException when the path is empty
     */
    static RecordSource pinned(Path path) {
        return new Pinned(path, ReadMode.CONSUME);
    }

    /**
     * The newest ring buffer with a map name, consumed.
     *
     * @param mapName 1 to 15 characters, e.g. {@code km_perf_info}
     * @return the source
     * @throws IllegalArgumentException when the name is empty or too long
     */
    static RecordSource named(String mapName) {
        return new Named(mapName, ReadMode.CONSUME);
    }

    /**
     * A running Kmesh pinning under {@code /sys/fs/bpf}, its ring consumed: the default source.
     *
     * @return the source
     */
    static RecordSource kmesh() {
        return new Kmesh(DEFAULT_BPFFS, ReadMode.CONSUME);
    }

    /**
     * A running Kmesh pinning under another bpffs, its ring consumed.
     *
     * @param bpffs Kmesh's {@code --bpf-fs-path}
     * @return the source
     * @throws IllegalArgumentException when the path is empty
     */
    static RecordSource kmesh(Path bpffs) {
        return new Kmesh(bpffs, ReadMode.CONSUME);
    }
}
