package net.kmesh.perf.bpf.maps;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.Resources;
import net.kmesh.perf.bpf.maps.MapSelection.Candidate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Statistics of the eBPF maps a {@link MapSelector} picks: shape, entries, capacity, memlock.
 *
 * <p>A scrape is one pass of a bundled map iterator ({@link MapIterator}), which lists every map of
 * the system with its shape, reference counts and, where the kernel keeps an element counter (the
 * hash family, Linux 6.6), its entry count; then {@link MapSelection} picks the maps,
 * {@link EntryCounter} counts what the pass did not, {@link MemlockTrack} knows each map's memlock
 * from as few fdinfo reads as its type allows, and {@link FdBudget} decides which fds are kept
 * between scrapes. A map is opened only when a figure needs its fd: when first seen (its memlock),
 * to count a map the pass did not count, and when a memlock moved in a way no model follows.
 *
 * <p>A collection never fails because a selected map went away: what is left out is logged once
 * per change and listed by {@link #omissions()}. It fails, with a {@link PerfMonitorException}
 * keeping the errno, only when the whole family cannot be read: a missing privilege (EPERM), no
 * file descriptor left even after releasing its own (EMFILE, ENFILE), no memory (ENOMEM).
 *
 * <p>Opening maps by id, which selection by name or id needs, takes CAP_SYS_ADMIN; maps selected by
 * pin need no more than the CAP_BPF + CAP_PERFMON of the iterator. Owns the iterator (program and
 * link), the held fds and native scratch memory, all released by {@link #close()}. Thread-safe:
 * scrapes are serialized.
 */
public final class MapStatsCollector implements AutoCloseable {
    /** File descriptors a collector holds between scrapes at most, unless told otherwise. */
    public static final int DEFAULT_HELD_FDS = MapStatsOptions.DEFAULT_HELD_FDS;
    private static final Logger LOG = LoggerFactory.getLogger(MapStatsCollector.class);

    private final Resources resources;
    private final MapIterator iterator;
    private final FdInfoFiles fdinfo;
    private final PinResolver pins;
    private final MapCapabilities capabilities;
    private final EntryCounter counter;
    private final FdBudget budget;
    private final Omissions omissions = new Omissions();
    private final MapSelection selection;
    private final MapReader reader;
    private boolean closed;

    private MapStatsCollector(Resources resources, MapIterator iterator, FdInfoFiles fdinfo, PinResolver pins,
                              MapCapabilities capabilities, EntryCounter counter, FdBudget budget) {
        this.resources = resources;
        this.iterator = iterator;
        this.fdinfo = fdinfo;
        this.pins = pins;
        this.capabilities = capabilities;
        this.counter = counter;
        this.budget = budget;
        this.selection = new MapSelection(pins, omissions);
        this.reader = new MapReader(fdinfo, pins, counter, budget);
    }

    /**
     * A collector with {@link MapStatsOptions#defaults()}.
     *
     * @throws PrivilegeException without CAP_BPF + CAP_PERFMON
     */
    public static MapStatsCollector open() {
        return open(MapStatsOptions.defaults());
    }

    /**
     * Loads the map iterator and probes what this kernel offers.
     *
     * @throws KernelFeatureException when {@link MapStatsOptions#required()} and this kernel lacks its method
     * @throws PrivilegeException     without CAP_BPF + CAP_PERFMON
     */
    public static MapStatsCollector open(MapStatsOptions options) {
        return open(options, MapIterator.RESOURCE);
    }

    /** Opens with the iterator of class-path resource {@code iteratorResource}: tests load a build without the kfunc. */
    static MapStatsCollector open(MapStatsOptions options, String iteratorResource) {
        LibbpfLoader.Natives n = LibbpfLoader.natives();
        Resources resources = new Resources();
        try {
            List<String> notes = new ArrayList<>();
            MapIterator iterator = null;
            try {
                iterator = resources.add(MapIterator.open(iteratorResource));
            } catch (PrivilegeException e) {
                throw e;
            } catch (PerfMonitorException e) {
                notes.add("the map iterator cannot be loaded (" + e.getMessage() + "): maps are listed by walking "
                        + "their ids, a few system calls each, and counted by batch lookup or key walk");
                LOG.info("map iterator unavailable: {}", e.getMessage());
            }
            Scratch scratch = resources.add(new Scratch());
            FdInfoFiles fdinfo = resources.add(new FdInfoFiles());
            PinResolver pins = resources.add(new PinResolver(fdinfo));
            MapCapabilities caps = CapabilityProbe.probe(n.libbpf(), iterator, scratch, notes);
            if (options.required()) {
                require(options.countFrom(), caps);
            }
            FdBudget budget = resources.add(new FdBudget(n.libc(), options.heldFds(), caps.referenceCount()));
            EntryCounter counter = new EntryCounter(n, scratch, caps, options.countFrom());
            return new MapStatsCollector(resources, iterator, fdinfo, pins, caps, counter, budget);
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    private static void require(MapStats.CountMethod method, MapCapabilities caps) {
        boolean available = switch (method) {
            case ITERATOR -> caps.elemCountKfunc();
            case BATCH -> caps.batchLookup();
            default -> true;
        };
        if (!available) {
            throw new KernelFeatureException("counting map entries by " + method + " is unavailable on this kernel: "
                    + String.join("; ", caps.notes()));
        }
    }

    /** What this collector found it can use. */
    public MapCapabilities capabilities() {
        return capabilities;
    }

    /**
     * The statistics of the maps {@code selector} picks now, ascending by id. What is selected but
     * cannot be read (an id no map has, a removed pin, a pin that is not a map, a missing pin
     * directory, a map deleted during the scrape) is left out: see {@link #omissions()}.
     *
     * @throws PrivilegeException   when opening maps by id is refused (EPERM: CAP_SYS_ADMIN is missing)
     * @throws PerfMonitorException when the maps cannot be read at all this time: no file descriptor
     *                              left (EMFILE, ENFILE), no memory (ENOMEM); {@link PerfMonitorException#errno()} says which
     * @throws IllegalStateException once closed
     */
    public List<MapStats> collect(MapSelector selector) {
        return collect(selector, null);
    }

    /** {@link #collect(MapSelector)}, running {@code midScrape} between selecting the maps and reading them (tests). */
    synchronized List<MapStats> collect(MapSelector selector, Runnable midScrape) {
        Objects.requireNonNull(selector, "selector");
        if (closed) {
            throw new IllegalStateException("map statistics collector is closed");
        }
        try {
            return attempt(selector, midScrape);
        } catch (OutOfFds e) {
            int released = reader.stopHolding(e);
            try {
                return attempt(selector, null);
            } catch (OutOfFds again) {
                int errno = again.errno().orElse(Errno.EMFILE);
                throw new PerfMonitorException("map statistics skipped this scrape: the process has no file descriptor "
                        + "left (" + Errno.name(errno) + ") even after map statistics released the " + released
                        + " they held; raise its limit (ulimit -n, LimitNOFILE=) or select fewer maps", errno, again);
            }
        }
    }

    /**
     * What the last successful collection left out of its selection and why, one line each (also
     * logged once when it starts and once when it ends).
     */
    public synchronized List<String> omissions() {
        return omissions.messages();
    }

    /** The map fds held between scrapes now. */
    public synchronized int heldFds() {
        return budget.held();
    }

    /**
     * One collection. Besides the fds it holds (and the fdinfo slot), it has at most the iterator's
     * fd or one map open at a time: a scrape never needs an fd per selected map at once.
     */
    private List<MapStats> attempt(MapSelector selector, Runnable midScrape) {
        try {
            reader.beginScrape();
            omissions.begin();
            Collection<Candidate> chosen = selection.select(selector, iterator == null ? null : iterator.read());
            if (midScrape != null) {
                midScrape.run();
            }
            int limit = budget.limit();
            reader.releaseBeyond(limit);
            List<MapStats> stats = new ArrayList<>(chosen.size());
            int lastId = Integer.MIN_VALUE;
            boolean ascending = true;
            for (Candidate c : chosen) {
                MapStats s = reader.read(c, limit);
                if (s != null) {
                    stats.add(s);
                    ascending &= c.record().id() > lastId;
                    lastId = c.record().id();
                } else if (c.named()) {
                    selection.omitGone(c);
                }
            }
            reader.forgetUnselected();
            selection.endScrape();
            omissions.end();
            if (!ascending) {
                // Selected by pin or as listed; a pass's order is ascending already.
                stats.sort(Comparator.comparingInt(MapStats::id));
            }
            return stats;
        } finally {
            fdinfo.clearSlot();
        }
    }

    /** Maps opened so far by this collector's scrapes, for tests. */
    synchronized long mapsOpened() {
        return reader.opened();
    }

    /** The ids of the iterator program and link this collector holds, for tests; empty without iterator. */
    synchronized int[] kernelObjectIds() {
        if (closed) {
            throw new IllegalStateException("map statistics collector is closed");
        }
        return iterator == null ? new int[0] : new int[] {iterator.programId(), iterator.linkId()};
    }

    /** Releases the held fds, then the scratch memory and the iterator's link and program. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                reader.releaseAll();
            } finally {
                resources.close();
            }
        }
    }
}
