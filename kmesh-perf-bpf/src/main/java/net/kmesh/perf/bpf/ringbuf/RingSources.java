package net.kmesh.perf.bpf.ringbuf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.libbpf.BpfIds;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.FdInfo;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.Pins;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the maps of a ring buffer that somebody else (a running Kmesh) created. */
public final class RingSources {
    /** Name of the probe's per-CPU counter map, looked for beside the ring buffer. */
    public static final String COUNTER_MAP = "kmesh_perf_cnt";
    private static final Logger LOG = LoggerFactory.getLogger(RingSources.class);

    private RingSources() {
    }

    /** Name of the probe's mode map (histogram mode per operation type). */
    public static final String MODE_MAP = "kmesh_perf_mode";
    /** Name of the probe's per-CPU histogram map. */
    public static final String HISTOGRAM_MAP = "kmesh_perf_hist";
    /** Name of the probe's map of pending starts. */
    public static final String START_MAP = "kmesh_perf_map";

    /**
     * An opened ring buffer and, where the source has them, the probe's other maps.
     *
     * @param ring       the ring buffer map
     * @param counters   the per-CPU counter map
     * @param modes      the histogram-mode map
     * @param histograms the per-CPU histogram map
     * @param starts     the map of pending starts
     */
    public record Opened(Fd ring, Optional<Fd> counters, Optional<Fd> modes, Optional<Fd> histograms,
                         Optional<Fd> starts) implements AutoCloseable {
        @Override
        public void close() {
            starts.ifPresent(Fd::close);
            histograms.ifPresent(Fd::close);
            modes.ifPresent(Fd::close);
            counters.ifPresent(Fd::close);
            ring.close();
        }
    }

    /** Opens the ring buffer pinned at {@code path}, and {@code kmesh_perf_cnt} beside it if pinned. */
    public static Opened pinned(Path path) {
        List<Fd> opened = new ArrayList<>();
        try {
            Fd ring = add(opened, Pins.openMap(path, MapType.RINGBUF));
            return new Opened(ring, pinnedSibling(path, COUNTER_MAP, opened, MapType.PERCPU_ARRAY),
                    pinnedSibling(path, MODE_MAP, opened, MapType.ARRAY),
                    pinnedSibling(path, HISTOGRAM_MAP, opened, MapType.PERCPU_ARRAY),
                    pinnedSibling(path, START_MAP, opened, MapType.LRU_HASH, MapType.HASH));
        } catch (RuntimeException e) {
            opened.forEach(Fd::close);
            throw e;
        }
    }

    private static Fd add(List<Fd> opened, Fd fd) {
        opened.add(fd);
        return fd;
    }

    private static Optional<Fd> pinnedSibling(Path ring, String name, List<Fd> opened, int... types) {
        Path sibling = ring.resolveSibling(name);
        return Files.exists(sibling) ? Optional.of(add(opened, Pins.openMap(sibling, types))) : Optional.empty();
    }

    /** Opens the newest ring buffer named {@code name}, and the newest {@code kmesh_perf_cnt}, by id walk. */
    public static Opened named(String name) {
        Fd ring = newestMap(name, MapType.RINGBUF).orElseThrow(() -> new NotFoundException(
                "no ring buffer map named '" + name + "' is loaded: is Kmesh running? "
                        + "(list maps with: bpftool map show)"));
        List<Fd> opened = new ArrayList<>(List.of(ring));
        try {
            Optional<Fd> counters = newestMap(COUNTER_MAP, MapType.PERCPU_ARRAY);
            counters.ifPresent(opened::add);
            Optional<Fd> modes = newestMap(MODE_MAP, MapType.ARRAY);
            modes.ifPresent(opened::add);
            Optional<Fd> histograms = newestMap(HISTOGRAM_MAP, MapType.PERCPU_ARRAY);
            histograms.ifPresent(opened::add);
            Optional<Fd> starts = newestMap(START_MAP, MapType.LRU_HASH).or(() -> newestMap(START_MAP, MapType.HASH));
            return new Opened(ring, counters, modes, histograms, starts);
        } catch (RuntimeException e) {
            opened.forEach(Fd::close);
            throw e;
        }
    }

    /**
     * The id of the map the source names now: what is pinned at {@code pin}, or the newest ring
     * buffer named {@code name}; -1 when there is none.
     */
    public static int currentRingId(Path pin, String name) {
        if (pin != null) {
            int fd = LibbpfLoader.natives().libbpf().bpf_obj_get(pin.toString());
            if (fd < 0) {
                return -1;
            }
            try (Fd owned = Fd.own(fd)) {
                return MapInfo.of(owned.get()).id();
            }
        }
        return newestMap(name, MapType.RINGBUF).map(f -> {
            try (f) {
                return MapInfo.of(f.get()).id();
            }
        }).orElse(-1);
    }

    /** The map with this name and type and the highest id, opened. */
    public static Optional<Fd> newestMap(String name, int type) {
        Fd best = null;
        int bestId = -1;
        int matches = 0;
        for (int id : BpfIds.maps()) {
            int fd;
            try {
                fd = BpfIds.openMap(id);
            } catch (PerfMonitorException e) {
                if (e instanceof PrivilegeException) {
                    throw new PrivilegeException("finding map '" + name + "' by id needs CAP_SYS_ADMIN: "
                            + e.getMessage());
                }
                throw e;
            }
            if (fd < 0) {
                continue; // vanished since listed
            }
            Fd candidate = Fd.own(fd);
            MapInfo info;
            try {
                info = MapInfo.of(fd);
            } catch (RuntimeException e) {
                candidate.close();
                continue;
            }
            if (info.name().equals(name) && info.type() == type) {
                matches++;
                if (info.id() > bestId) {
                    if (best != null) {
                        best.close();
                    }
                    best = candidate;
                    bestId = info.id();
                    continue;
                }
            }
            candidate.close();
        }
        if (matches > 1) {
            LOG.warn("{} {} maps are named '{}'; using the newest, id {}", matches, MapType.name(type), name, bestId);
        }
        return Optional.ofNullable(best);
    }
}
