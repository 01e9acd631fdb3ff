package net.kmesh.perf.bpf.kmesh;

import java.nio.file.Path;
import net.kmesh.perf.bpf.libbpf.MapInfo;

/** The maps of a stand-in Kmesh, pinned where Kmesh pins them: their directory, pins, fds and ids. */
public interface PinnedKmeshMaps {
    /** The directory of the pins, e.g. {@code <bpffs>/bpf_kmesh_workload/map}. */
    Path mapDirectory();

    /** The fd of {@code map}, owned by the stand-in: a new one after a restart. */
    int mapFd(String map);

    /** The pin of {@code map}. */
    default Path pinOf(String map) {
        return mapDirectory().resolve(map);
    }

    /** The kernel's id of {@code map}: a new one after a restart. */
    default int mapId(String map) {
        return MapInfo.of(mapFd(map)).id();
    }
}
