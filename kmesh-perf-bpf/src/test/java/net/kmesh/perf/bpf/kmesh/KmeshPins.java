package net.kmesh.perf.bpf.kmesh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;

/**
 * The pins of a stand-in Kmesh and the object it loaded: the map directory of its mode under a
 * bpffs (created as needed), each map pinned by name in it. {@link #release()} unpins and releases
 * the object, as Kmesh's daemon does on exit; {@link #close()} also removes the directories it
 * created, deepest first.
 */
final class KmeshPins {
    private final Path bpffs;
    private final KmeshStandIn.Mode mode;
    private final List<Path> createdDirectories = new ArrayList<>();
    private final List<Path> pins = new ArrayList<>();
    private BpfObject object;

    KmeshPins(Path bpffs, KmeshStandIn.Mode mode) {
        this.bpffs = bpffs;
        this.mode = mode;
    }

    /** The directory of the pins, e.g. {@code <bpffs>/bpf_kmesh_workload/map}. */
    Path directory() {
        return bpffs.resolve(mode.mapDirectory());
    }

    void createDirectories() {
        Path dir = bpffs;
        for (Path part : mode.mapDirectory()) {
            dir = dir.resolve(part);
            if (!Files.isDirectory(dir)) {
                try {
                    Files.createDirectory(dir);
                } catch (IOException e) {
                    throw new UncheckedIOException("creating " + dir + " (is " + bpffs + " a bpffs?)", e);
                }
                createdDirectories.add(dir);
            }
        }
    }

    /** Throws when one of {@code maps} is pinned already: another data plane lives there. */
    void requireFree(List<String> maps) {
        for (String map : maps) {
            if (Files.exists(directory().resolve(map))) {
                throw new IllegalStateException(directory().resolve(map) + " exists already: another data plane "
                        + "pinned there; run the stand-in on its own PrivateBpffs");
            }
        }
    }

    /** Holds {@code object}, opened and not loaded yet: {@link #release()} closes it, also when its load fails. */
    void hold(BpfObject object) {
        this.object = object;
    }

    /** Pins {@code object}'s {@code maps}, each under its name. */
    void pin(BpfObject object, List<String> maps) {
        for (String map : maps) {
            Path pin = directory().resolve(map);
            Errno.check("pinning " + map + " at " + pin,
                    LibbpfLoader.natives().libbpf().bpf_obj_pin(object.mapFd(map), pin.toString()));
            pins.add(pin);
        }
    }

    /** The object loaded now. */
    BpfObject loaded() {
        if (object == null) {
            throw new IllegalStateException("the stand-in is closed");
        }
        return object;
    }

    boolean closed() {
        return object == null;
    }

    /** Unpins every map and releases the object. */
    void release() {
        unpinAll();
        if (object != null) {
            object.close();
            object = null;
        }
    }

    /** Releases everything and removes the directories created. */
    void close() {
        release();
        removeDirectories();
    }

    private void unpinAll() {
        for (int i = pins.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(pins.get(i));
            } catch (IOException e) {
                throw new UncheckedIOException("unpinning " + pins.get(i), e);
            }
        }
        pins.clear();
    }

    private void removeDirectories() {
        for (int i = createdDirectories.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(createdDirectories.get(i));
            } catch (IOException e) {
                throw new UncheckedIOException("removing " + createdDirectories.get(i), e);
            }
        }
        createdDirectories.clear();
    }
}
