package net.kmesh.perf.bpf.probe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.BpfIds;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.Pins;

/**
 * The maps of one incarnation of a probe: its ring buffer and, where the data plane has them, the
 * probe's counters, modes, histograms and starts. The probe's maps are those that belong to the
 * ring: used by the programs that write it, or (when those cannot be listed) pinned beside it;
 * never another object's maps of the same name. Fds opened here are owned and closed by
 * {@link #close()}; those of a loaded object are borrowed from it.
 */
public final class ProbeMaps implements AutoCloseable {
    /**
     * One map of the probe.
     *
     * @param fd   the map fd (owned by the {@link ProbeMaps} or borrowed, see there)
     * @param info what the kernel says of it
     */
    public record MapHandle(int fd, MapInfo info) {
        /** The map id. */
        public int id() {
            return info.id();
        }
    }

    private final MapHandle ring;
    private final Map<String, MapHandle> others;
    private final List<Fd> owned;
    private final String origin;

    private ProbeMaps(MapHandle ring, Map<String, MapHandle> others, List<Fd> owned, String origin) {
        this.ring = ring;
        this.others = others;
        this.owned = owned;
        this.origin = origin;
    }

    /**
     * The probe maps of a loaded object (the bundled samples): fds borrowed from {@code object}.
     *
     * @param object a loaded object that defines the probe's maps under their own names
     * @return the maps, owning nothing
     */
    public static ProbeMaps of(BpfObject object) {
        int ringFd = object.mapFd(ProbeLayout.RING);
        Map<String, MapHandle> others = new LinkedHashMap<>();
        for (String name : List.of(ProbeLayout.COUNTERS, ProbeLayout.MODES, ProbeLayout.HISTOGRAMS, ProbeLayout.STARTS)) {
            int fd = object.mapFd(name);
            others.put(name, new MapHandle(fd, MapInfo.of(fd)));
        }
        return new ProbeMaps(new MapHandle(ringFd, MapInfo.of(ringFd)), others, List.of(), "the bundled samples");
    }

    /**
     * Takes ownership of an opened ring and finds its probe maps: each one among the maps of the
     * programs that use the ring, or else pinned beside it in {@code pinDirectory}, unless programs
     * that do not use the ring use it (another object's map of the same name).
     *
     * @param ring         the ring buffer, owned from now on (closed here on failure too)
     * @param programs     which programs use which maps
     * @param pinDirectory the directory the ring is pinned in, or null
     * @param origin       where the ring came from, for messages
     * @return the maps
     */
    static ProbeMaps adopt(Fd ring, ProgramIndex programs, Path pinDirectory, String origin) {
        List<Fd> owned = new ArrayList<>(List.of(ring));
        try {
            MapInfo ringInfo = MapInfo.of(ring.get());
            if (ringInfo.type() != MapType.RINGBUF) {
                throw new NotFoundException(origin + " is a " + ringInfo.typeName() + " map ('" + ringInfo.name()
                        + "'), not a ring buffer");
            }
            Map<String, MapHandle> others = new LinkedHashMap<>();
            int ringId = ringInfo.id();
            Optional<Set<Integer>> programMaps = programs.mapsBesides(ringId).filter(ids -> !ids.isEmpty());
            for (String map : List.of(ProbeLayout.COUNTERS, ProbeLayout.MODES, ProbeLayout.HISTOGRAMS, ProbeLayout.STARTS)) {
                Optional<Fd> fd = programMaps.flatMap(ids -> byProgramMaps(map, ids, ringId));
                if (fd.isEmpty() && pinDirectory != null) {
                    fd = pinnedBeside(map, pinDirectory, id -> programs.mapsBesides(id)
                            .map(ids -> ids.isEmpty() || ids.contains(ringId)).orElse(true));
                }
                if (fd.isPresent()) {
                    owned.add(fd.get());
                    others.put(map, new MapHandle(fd.get().get(), MapInfo.of(fd.get().get())));
                }
            }
            return new ProbeMaps(new MapHandle(ring.get(), ringInfo), others, owned, origin);
        } catch (RuntimeException e) {
            closeAll(owned);
            throw e;
        }
    }

    /** The map named like {@code map} (the probe's name or Kmesh's renaming) among {@code ids}. */
    private static Optional<Fd> byProgramMaps(String map, Set<Integer> ids, int ringId) {
        List<String> names = ProbeLayout.namesOf(map);
        Fd found = null;
        for (int id : ids) {
            if (id == ringId) {
                continue;
            }
            int fd = BpfIds.openMap(id);
            if (fd < 0) {
                continue;
            }
            Fd candidate = Fd.own(fd);
            MapInfo info;
            try {
                info = MapInfo.of(fd);
            } catch (RuntimeException e) {
                candidate.close();
                continue;
            }
            if (found == null && names.contains(info.name()) && expectedType(map, info.type())) {
                found = candidate;
            } else {
                candidate.close();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The map pinned beside the ring under one of {@code map}'s names, if {@code belongs} accepts its id. */
    private static Optional<Fd> pinnedBeside(String map, Path directory, java.util.function.IntPredicate belongs) {
        for (String name : ProbeLayout.namesOf(map)) {
            Path pin = directory.resolve(name);
            if (Files.exists(pin)) {
                try {
                    Fd fd = Pins.openMap(pin);
                    MapInfo info = MapInfo.of(fd.get());
                    if (expectedType(map, info.type()) && belongs.test(info.id())) {
                        return Optional.of(fd);
                    }
                    fd.close();
                } catch (NotFoundException e) {
                    // Unpinned since listed, or not a map: not this probe's.
                }
            }
        }
        return Optional.empty();
    }

    private static boolean expectedType(String map, int type) {
        return switch (map) {
            case ProbeLayout.COUNTERS, ProbeLayout.HISTOGRAMS -> type == MapType.PERCPU_ARRAY;
            case ProbeLayout.MODES -> type == MapType.ARRAY;
            case ProbeLayout.STARTS -> type == MapType.HASH || type == MapType.LRU_HASH;
            default -> false;
        };
    }

    /** The ring buffer. */
    public MapHandle ring() {
        return ring;
    }

    /** The per-CPU counters, if the data plane has them. */
    public Optional<MapHandle> counters() {
        return Optional.ofNullable(others.get(ProbeLayout.COUNTERS));
    }

    /** The mode map, if the data plane has it. */
    public Optional<MapHandle> modes() {
        return Optional.ofNullable(others.get(ProbeLayout.MODES));
    }

    /** The in-kernel histograms, if the data plane has them. */
    public Optional<MapHandle> histograms() {
        return Optional.ofNullable(others.get(ProbeLayout.HISTOGRAMS));
    }

    /** The map of pending starts, if the data plane has it. */
    public Optional<MapHandle> starts() {
        return Optional.ofNullable(others.get(ProbeLayout.STARTS));
    }

    /** Where the maps came from, e.g. {@code pinned /sys/fs/bpf/x/km_perf_info}. */
    public String origin() {
        return origin;
    }

    /** Closes the fds opened here, in reverse order; borrowed ones stay with their owner. */
    @Override
    public void close() {
        closeAll(owned);
    }

    private static void closeAll(List<Fd> fds) {
        for (int i = fds.size() - 1; i >= 0; i--) {
            fds.get(i).close();
        }
    }

    @Override
    public String toString() {
        return "ProbeMaps[ring " + ring.id() + " from " + origin + ", " + others.keySet() + "]";
    }
}
