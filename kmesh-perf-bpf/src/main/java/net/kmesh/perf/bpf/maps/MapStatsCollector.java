package net.kmesh.perf.bpf.maps;

import com.sun.jna.Memory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.MapStats.CountMethod;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.libbpf.BpfIds;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfDirect;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.Resources;
import net.kmesh.perf.bpf.resources.Mounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Statistics of the eBPF maps a {@link MapSelector} picks: shape, entries, capacity, memlock.
 *
 * <p>One pass of a bundled map iterator lists every map of the system with its shape, its
 * reference count and, where the kernel keeps an element counter (the hash family, Linux 6.6), its
 * entry count: the cost of a scrape grows with the number of maps, not with their entries. Per map,
 * only where needed, entries are counted by batch lookup, then by a key walk; arrays hold
 * {@code max_entries} entries, ring buffers report the bytes pending, program arrays and arrays of
 * maps their filled slots; other types are reported {@link CountMethod#UNKNOWN}. Memlock is the
 * kernel's own figure (fdinfo), read once for the maps where it is fixed at creation and at every
 * scrape where it moves with the entries ({@link Memlock#followsEntries}).
 *
 * <p>What a scrape reads again is kept cheap by holding, between scrapes, an fd to each selected map
 * that needs one (from the second collection that reads it), at most {@link #DEFAULT_HELD_FDS} fds (or the number given to {@link #open(int)})
 * and never more than a quarter of the process's {@code RLIMIT_NOFILE}; beyond that, maps are opened
 * and closed at each scrape. A fdinfo is read through one held procfs file ({@link FdInfoFiles}). A held map is let
 * go as soon as the iterator shows that nothing but this process's collectors keeps it alive, so the
 * collector never keeps a deleted map in the kernel. If the process runs out of file descriptors
 * during a scrape, everything held is released at once and nothing is held again.
 *
 * <p>A collection never fails because a selected map went away: an id no map has, a pin that was
 * removed or names no map, a pin directory that does not exist (yet) are left out, logged once per
 * change and listed by {@link #omissions()}. It fails, with a {@link PerfMonitorException} keeping
 * the errno, only when the whole family cannot be read: a missing privilege (EPERM), no file
 * descriptor left even after releasing its own (EMFILE, ENFILE), no memory (ENOMEM).
 *
 * <p>Opening maps by id, which selection by name or id needs, takes CAP_SYS_ADMIN; maps selected by
 * pin need no more than the CAP_BPF + CAP_PERFMON of the iterator. Owns the iterator (program and
 * link), the held fds and native scratch memory, all released by {@link #close()}. Thread-safe:
 * scrapes are serialized.
 */
public final class MapStatsCollector implements AutoCloseable {
    /** File descriptors a collector holds between scrapes at most, unless told otherwise. */
    public static final int DEFAULT_HELD_FDS = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(MapStatsCollector.class);
    private static final String PROBE_MAP = "kp_probe";

    private final LibbpfLoader.Natives natives;
    private final Resources resources;
    private final MapIterator iterator;
    private final Scratch scratch;
    private final FdInfoFiles fdinfo;
    private final PinResolver pins;
    private final Memory rlimit;
    private final MapCapabilities capabilities;
    private final CountMethod start;
    private final int heldFdLimit;
    /** Types whose batch lookup the kernel refused; they are walked instead from then on. */
    private final Set<Integer> noBatch = new HashSet<>();
    private final Map<Integer, Tracked> tracked = new HashMap<>();
    private final Omissions omissions = new Omissions();
    private int held;
    private boolean holdingStopped;
    private long generation;
    private boolean closed;

    private MapStatsCollector(LibbpfLoader.Natives natives, Resources resources, MapIterator iterator,
                              Scratch scratch, FdInfoFiles fdinfo, PinResolver pins, Memory rlimit,
                              MapCapabilities capabilities, CountMethod start, int heldFdLimit) {
        this.natives = natives;
        this.resources = resources;
        this.iterator = iterator;
        this.scratch = scratch;
        this.fdinfo = fdinfo;
        this.pins = pins;
        this.rlimit = rlimit;
        this.capabilities = capabilities;
        this.start = start;
        this.heldFdLimit = heldFdLimit;
    }

    /**
     * Loads the map iterator and probes what this kernel offers; entries are then counted by the
     * cheapest method that works for each map. Holds at most {@link #DEFAULT_HELD_FDS} fds.
     *
     * @throws PrivilegeException without CAP_BPF + CAP_PERFMON
     */
    public static MapStatsCollector open() {
        return open(CountMethod.ITERATOR, false, MapIterator.RESOURCE, DEFAULT_HELD_FDS);
    }

    /**
     * Like {@link #open()}, holding at most {@code heldFds} file descriptors between scrapes (0: open
     * and close every map a scrape reads).
     *
     * @param heldFds at least 0
     * @throws PrivilegeException without CAP_BPF + CAP_PERFMON
     */
    public static MapStatsCollector open(int heldFds) {
        return open(CountMethod.ITERATOR, false, MapIterator.RESOURCE, requireHeldFds(heldFds));
    }

    /**
     * Like {@link #open()}, but counting starts at {@code method} (for tests and benchmarks): with
     * {@link CountMethod#BATCH} no map is counted by the iterator, with {@link CountMethod#KEY_WALK}
     * every map that is not an array or ring buffer is walked. Maps that {@code method} cannot count
     * fall back to the next method.
     *
     * @param method {@link CountMethod#ITERATOR}, {@link CountMethod#BATCH} or {@link CountMethod#KEY_WALK}
     * @throws KernelFeatureException when this kernel lacks {@code method}
     * @throws PrivilegeException     without CAP_BPF + CAP_PERFMON
     */
    public static MapStatsCollector open(CountMethod method) {
        return open(method, DEFAULT_HELD_FDS);
    }

    /**
     * {@link #open(CountMethod)} holding at most {@code heldFds} file descriptors between scrapes.
     *
     * @param method  {@link CountMethod#ITERATOR}, {@link CountMethod#BATCH} or {@link CountMethod#KEY_WALK}
     * @param heldFds at least 0
     */
    public static MapStatsCollector open(CountMethod method, int heldFds) {
        if (method != CountMethod.ITERATOR && method != CountMethod.BATCH && method != CountMethod.KEY_WALK) {
            throw new IllegalArgumentException("counting can start at ITERATOR, BATCH or KEY_WALK, not " + method);
        }
        return open(method, true, MapIterator.RESOURCE, requireHeldFds(heldFds));
    }

    private static int requireHeldFds(int heldFds) {
        if (heldFds < 0) {
            throw new IllegalArgumentException("the number of fds held between scrapes must be at least 0, got " + heldFds);
        }
        return heldFds;
    }

    /** Opens with the iterator of class-path resource {@code iterator}: tests load a build without the kfunc. */
    static MapStatsCollector open(CountMethod start, boolean forced, String iteratorResource) {
        return open(start, forced, iteratorResource, DEFAULT_HELD_FDS);
    }

    private static MapStatsCollector open(CountMethod start, boolean forced, String iteratorResource, int heldFds) {
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
            Memory rlimit = resources.add(new Memory(16));
            MapCapabilities caps = probe(n, iterator, scratch, notes);
            if (forced) {
                require(start, caps);
            }
            return new MapStatsCollector(n, resources, iterator, scratch, fdinfo, pins, rlimit, caps, start, heldFds);
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    private static void require(CountMethod method, MapCapabilities caps) {
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
        requireOpen();
        try {
            return attempt(selector, midScrape);
        } catch (OutOfFds e) {
            int released = stopHolding(e);
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
        return held;
    }

    /**
     * A selected map: its record (from the iterator's pass when there was one), the pin it was
     * found by, and whether it was named explicitly (by id or pin path), so that its going away is said.
     */
    private record Candidate(MapRecord record, Path pin, boolean named) {
    }

    /**
     * One collection. Besides the fds it holds (and the fdinfo slot), it has at most the iterator's
     * fd or one map open at a time: a scrape never needs an fd per selected map at once.
     */
    private List<MapStats> attempt(MapSelector selector, Runnable midScrape) {
        try {
            return attemptHoldingTheSlot(selector, midScrape);
        } finally {
            fdinfo.clearSlot();
        }
    }

    private List<MapStats> attemptHoldingTheSlot(MapSelector selector, Runnable midScrape) {
        generation++;
        omissions.begin();
        Map<Integer, MapRecord> pass = iterator == null ? null : index(iterator.read());
        Collection<Candidate> chosen = select(selector, pass);
        if (midScrape != null) {
            midScrape.run();
        }
        int limit = heldLimit();
        releaseBeyond(limit);
        List<MapStats> stats = new ArrayList<>(chosen.size());
        for (Candidate c : chosen) {
            MapStats s = measure(c, limit);
            if (s != null) {
                stats.add(s);
            } else if (c.named() && c.pin() != null) {
                omitMissingPin(c.pin());
            } else if (c.named()) {
                omitMissingId(c.record().id());
            }
        }
        forgetUnselected();
        pins.endScrape();
        omissions.end();
        stats.sort(Comparator.comparingInt(MapStats::id));
        return stats;
    }

    // ---- selection ----

    private Collection<Candidate> select(MapSelector selector, Map<Integer, MapRecord> pass) {
        Map<Integer, Candidate> chosen = new LinkedHashMap<>();
        if (selector instanceof MapSelector.NamePrefix p) {
            if (pass != null) {
                for (MapRecord r : pass.values()) {
                    if (p.matches(r.name())) {
                        chosen.put(r.id(), new Candidate(r, null, false));
                    }
                }
            } else {
                for (int id : listIds()) {
                    MapRecord shape = shapeById(id);
                    if (shape != null && p.matches(shape.name())) {
                        chosen.put(id, new Candidate(shape, null, false));
                    }
                }
            }
        } else if (selector instanceof MapSelector.Ids ids) {
            for (int id : ids.ids()) {
                MapRecord r = pass != null ? pass.get(id) : shapeById(id);
                if (r == null) {
                    omitMissingId(id);
                } else {
                    chosen.put(id, new Candidate(r, null, true));
                }
            }
        } else if (selector instanceof MapSelector.Pinned pinned) {
            for (Path path : pinned.paths()) {
                selectPin(path, null, true, pass, chosen);
            }
        } else if (selector instanceof MapSelector.PinDirectories d) {
            for (Path directory : d.directories()) {
                PinResolver.Listing listing = pins.list(directory);
                PinResolver.Skipped s = listing.skipped();
                if (s != null) {
                    omissions.add(s.reason() + " " + directory, s::why, s.reason() == PinResolver.Reason.REFUSED);
                }
                for (Path path : listing.entries()) {
                    selectPin(path, d.names(), false, pass, chosen);
                }
            }
        }
        return chosen.values();
    }

    /**
     * Selects the map pinned at {@code path}, if it is one and its name is among {@code names}.
     *
     * @param named the path was named explicitly: anything but a map there is worth a warning
     */
    private void selectPin(Path path, MapSelector.NamePrefix names, boolean named, Map<Integer, MapRecord> pass,
                           Map<Integer, Candidate> chosen) {
        PinResolver.Result result = pins.resolve(path);
        if (result instanceof PinResolver.Skipped s) {
            if (!named && (s.reason() == PinResolver.Reason.MISSING || s.reason() == PinResolver.Reason.DIRECTORY)) {
                return; // unpinned while the directory was listed; subdirectories are not searched
            }
            if (s.reason() == PinResolver.Reason.MISSING) {
                omitMissingPin(path);
            } else {
                omissions.add(s.reason() + " " + path, s::why, named || s.reason() == PinResolver.Reason.REFUSED);
            }
            return;
        }
        PinResolver.Pinned p = (PinResolver.Pinned) result;
        if (names != null && !names.matches(p.shape().name())) {
            return;
        }
        MapRecord counted = pass == null ? null : pass.get(p.shape().id());
        // A map created and pinned after the pass is read without the iterator's figures this once.
        MapRecord record = counted != null && counted.sameMap(p.shape()) ? counted : p.shape();
        chosen.putIfAbsent(record.id(), new Candidate(record, path, named));
    }

    private void omitMissingId(int id) {
        omissions.add("missing id " + id, () -> "map id " + id + ": no BPF map has that id now "
                + "(list maps with: bpftool map show)", true);
    }

    private void omitMissingPin(Path path) {
        omissions.add(PinResolver.Reason.MISSING + " " + path, () -> "no pinned BPF object at " + path + ": "
                + Mounts.bpffs().map(m -> "list what is pinned with: ls -R " + m)
                        .orElse("no bpffs is mounted (mount one with: mount -t bpf bpf /sys/fs/bpf)"), true);
    }

    // ---- reading ----

    /** Reads one selected map; null when it went away meanwhile. */
    private MapStats measure(Candidate c, int limit) {
        MapRecord rec = c.record();
        Tracked t = tracked.get(rec.id());
        if (t != null && (!t.shape.sameMap(rec) || !Objects.equals(t.pin, c.pin()))) {
            forget(t);
            t = null;
        }
        if (t != null && t.fd != null && rec.refcnt() >= 0 && rec.refcnt() - 1 <= ProcessHolds.of(rec.id())) {
            // Besides the walk's own reference, only fds of this process's collectors keep the map: it is gone.
            forget(t);
            return null;
        }
        if (rec.type() == MapType.PROG_ARRAY && rec.usercnt() == 0) {
            // No fd or pin holds it: the kernel is emptying it (prog_array_map_clear, deferred to a
            // work item) on its way out. Opening it by id now and closing it again schedules a second
            // clear, which on Linux 6.18 takes a reference that is never put back when the first is
            // still pending: the map would stay in the kernel for good. So it is not touched.
            if (t != null) {
                forget(t);
            }
            return null;
        }
        boolean fresh = t == null;
        if (fresh) {
            t = new Tracked(rec, c.pin());
        }
        t.generation = generation;
        boolean byIterator = countedByIterator(rec);
        boolean everyScrape = needsFdEveryScrape(t, byIterator);
        Fd opened = null;
        if (t.fd == null && (fresh || everyScrape)) {
            opened = t.pin != null ? pins.reopen(t.pin, t.id()) : openById(t.id());
            if (opened == null) {
                if (!fresh) {
                    forget(t);
                }
                return null; // deleted, or unpinned, since selected
            }
        }
        try {
            Fd fd = t.fd != null ? t.fd : opened;
            long memlock;
            if (fresh) {
                t.memlock = Math.max(0, fdinfo.memlockOf(fd.get()));
                tracked.put(t.id(), t);
                memlock = t.memlock;
            } else if (t.memlockMoves) {
                memlock = Math.max(0, fdinfo.memlockOf(fd.get()));
            } else {
                memlock = t.memlock;
            }
            // Held from the second collection that reads it: a map read once (a start-up check, a map
            // that came and went between scrapes) is not worth an fd.
            if (opened != null && everyScrape && !fresh && mayHold(rec, limit)) {
                hold(t, opened);
                opened = null;
            }
            return read(t, rec, fd, byIterator, memlock);
        } finally {
            if (opened != null) {
                opened.close();
            }
        }
    }

    private MapStats read(Tracked t, MapRecord rec, Fd fd, boolean byIterator, long memlock) {
        long max = rec.maxEntries();
        CountMethod method;
        long entries;
        if (t.kind == MapKind.ARRAY) {
            method = CountMethod.ARRAY_CAPACITY;
            entries = max;
        } else if (t.kind == MapKind.RING) {
            method = CountMethod.RING_FILL;
            entries = RingFill.pendingBytes(natives.libc(), natives.pageSize(), fd.get(), max);
        } else if (byIterator) {
            method = CountMethod.ITERATOR;
            entries = Math.max(0, Math.min(max, rec.entries()));
        } else if (t.kind == MapKind.SLOTS) {
            OptionalLong batched = rec.type() == MapType.ARRAY_OF_MAPS ? batch(rec, fd) : OptionalLong.empty();
            method = batched.isPresent() ? CountMethod.BATCH : CountMethod.SLOT_LOOKUP;
            entries = batched.isPresent() ? batched.getAsLong() : EntryWalks.slots(fd.get(), max, scratch);
        } else if (t.kind == MapKind.UNCOUNTABLE) {
            method = CountMethod.UNKNOWN;
            entries = -1;
        } else {
            OptionalLong batched = batch(rec, fd);
            method = batched.isPresent() ? CountMethod.BATCH : CountMethod.KEY_WALK;
            entries = batched.isPresent() ? batched.getAsLong() : EntryWalks.keyWalk(fd.get(), rec.keySize(), max, scratch);
        }
        return new MapStats(rec.id(), rec.name(), rec.typeName(), rec.keySize(), rec.valueSize(), max, entries,
                memlock, method);
    }

    /** Counted by batch lookup, when that is allowed and works for this type; empty otherwise. */
    private OptionalLong batch(MapRecord rec, Fd fd) {
        if (start == CountMethod.KEY_WALK || !capabilities.batchLookup() || noBatch.contains(rec.type())) {
            return OptionalLong.empty();
        }
        OptionalLong batched = EntryWalks.batch(natives.libbpf(), fd.get(), rec.keySize(), valueBytes(rec),
                rec.maxEntries(), scratch);
        if (batched.isEmpty()) {
            noBatch.add(rec.type());
        }
        return batched;
    }

    private boolean countedByIterator(MapRecord rec) {
        return start == CountMethod.ITERATOR && capabilities.elemCountKfunc() && rec.counted();
    }

    /** True when reading this map at a scrape needs an fd: for its memlock, a ring's positions, or counting. */
    private static boolean needsFdEveryScrape(Tracked t, boolean byIterator) {
        return t.memlockMoves || t.kind == MapKind.RING || t.kind == MapKind.SLOTS
                || (t.kind == MapKind.KEYED && !byIterator);
    }

    private long valueBytes(MapRecord shape) {
        if (MapKind.isPerCpu(shape.type())) {
            return ((shape.valueSize() + 7L) & ~7L) * natives.possibleCpus();
        }
        return shape.valueSize();
    }

    // ---- held fds ----

    /**
     * Whether {@code t}'s fd may be kept: only when the pass can later tell that the map is gone but
     * for this process (its reference count), and within the limit.
     */
    private boolean mayHold(MapRecord rec, int limit) {
        return capabilities.referenceCount() && rec.refcnt() >= 0 && held < limit;
    }

    private void hold(Tracked t, Fd fd) {
        t.fd = fd;
        held++;
        ProcessHolds.add(t.id());
    }

    /** The fds that may be held now: the configured limit, at most a quarter of RLIMIT_NOFILE; 0 once out of fds. */
    private int heldLimit() {
        if (holdingStopped || heldFdLimit == 0 || !capabilities.referenceCount()) {
            return 0;
        }
        rlimit.clear();
        if (natives.libc().getrlimit(LibC.RLIMIT_NOFILE, rlimit) != 0) {
            return heldFdLimit;
        }
        long soft = rlimit.getLong(0);
        return soft < 0 ? heldFdLimit : (int) Math.min(heldFdLimit, soft / 4);
    }

    private void releaseBeyond(int limit) {
        for (Iterator<Tracked> i = tracked.values().iterator(); i.hasNext() && held > limit; ) {
            Tracked t = i.next();
            if (t.fd != null) {
                ProcessHolds.remove(t.id());
                held -= t.release();
            }
        }
    }

    private void forget(Tracked t) {
        if (t.fd != null) {
            ProcessHolds.remove(t.id());
        }
        held -= t.release();
        tracked.remove(t.id());
    }

    private void forgetUnselected() {
        for (Iterator<Tracked> i = tracked.values().iterator(); i.hasNext(); ) {
            Tracked t = i.next();
            if (t.generation != generation) {
                if (t.fd != null) {
                    ProcessHolds.remove(t.id());
                }
                held -= t.release();
                i.remove();
            }
        }
    }

    private void releaseAll() {
        for (Tracked t : tracked.values()) {
            if (t.fd != null) {
                ProcessHolds.remove(t.id());
            }
            held -= t.release();
        }
    }

    /** Releases every held fd and holds none from now on; returns how many were released. */
    private int stopHolding(OutOfFds e) {
        int released = held;
        releaseAll();
        if (!holdingStopped) {
            holdingStopped = true;
            LOG.warn("the process ran out of file descriptors during a map scrape ({}): the {} fds map statistics "
                    + "held are released, and from now on each scrape opens and closes the maps it reads",
                    e.getMessage(), released);
        }
        return released;
    }

    // ---- kernel helpers ----

    private static Map<Integer, MapRecord> index(List<MapRecord> records) {
        Map<Integer, MapRecord> byId = new LinkedHashMap<>(records.size() * 2);
        for (MapRecord r : records) {
            byId.put(r.id(), r);
        }
        return byId;
    }

    /** The shape of the map with this id, or null when there is none (any more); opened and closed at once. */
    private static MapRecord shapeById(int id) {
        try (Fd fd = openById(id)) {
            if (fd == null) {
                return null;
            }
            MapInfo i = MapInfo.of(fd.get());
            return MapRecord.shape(i.id(), i.type(), i.name(), i.keySize(), i.valueSize(),
                    Integer.toUnsignedLong(i.maxEntries()), i.flags());
        }
    }

    private static List<Integer> listIds() {
        try {
            return BpfIds.maps();
        } catch (PrivilegeException e) {
            throw new PrivilegeException("listing BPF map ids was refused (EPERM): it needs CAP_SYS_ADMIN",
                    Errno.EPERM, e);
        }
    }

    /** The map with this id opened, or null when it does not exist (any more). */
    private static Fd openById(int id) {
        int ret = LibbpfDirect.bpf_map_get_fd_by_id(id);
        if (ret >= 0) {
            return Fd.own(ret);
        }
        if (-ret == Errno.ENOENT) {
            return null;
        }
        if (-ret == Errno.EPERM) {
            throw new PrivilegeException("opening BPF map id " + id + " was refused (EPERM): opening maps by id, "
                    + "which reading their memlock needs, requires CAP_SYS_ADMIN", Errno.EPERM, null);
        }
        throw OutOfFds.failure("opening map id " + id, -ret);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("map statistics collector is closed");
        }
    }

    /** The ids of the iterator program and link this collector holds, for tests; empty without iterator. */
    synchronized int[] kernelObjectIds() {
        requireOpen();
        return iterator == null ? new int[0] : new int[] {iterator.programId(), iterator.linkId()};
    }

    /** Releases the held fds, then the scratch memory and the iterator's link and program. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                releaseAll();
                tracked.clear();
            } finally {
                resources.close();
            }
        }
    }

    // ---- probing ----

    private static MapCapabilities probe(LibbpfLoader.Natives n, MapIterator iterator, Scratch scratch,
                                         List<String> notes) {
        Libbpf l = n.libbpf();
        // A hash map holding one entry: whatever counts it right can be trusted with the system's maps.
        int ret = l.bpf_map_create(MapType.HASH, PROBE_MAP, 4, 8, 4, null);
        if (ret < 0) {
            if (-ret == Errno.EPERM) {
                throw new PrivilegeException("creating a BPF map was refused (EPERM): map statistics need "
                        + "CAP_BPF + CAP_PERFMON (or root), and CAP_SYS_ADMIN to open maps by id", Errno.EPERM, null);
            }
            throw Errno.failure("creating the probe map " + PROBE_MAP, -ret);
        }
        try (Fd probe = Fd.own(ret); Memory key = new Memory(4); Memory value = new Memory(8)) {
            key.setInt(0, 1);
            value.setLong(0, 0);
            Errno.check("filling the probe map", l.bpf_map_update_elem(probe.get(), key, value, 0));
            int id = MapInfo.of(probe.get()).id();
            boolean kfunc = false;
            boolean refcnt = false;
            if (iterator != null) {
                MapRecord r = index(iterator.read()).get(id);
                if (r == null) {
                    notes.add("the map iterator did not list the probe map: hash maps are counted by batch lookup "
                            + "or key walk");
                } else {
                    if (!r.kfunc()) {
                        notes.add("this kernel lacks the kfunc bpf_map_sum_elem_count (Linux 6.6): hash maps are "
                                + "counted by batch lookup or key walk");
                    } else if (!r.counter()) {
                        notes.add("hash maps keep no element counter on this kernel: they are counted by batch lookup "
                                + "or key walk");
                    } else if (r.entries() != 1) {
                        notes.add("the kernel's element counter said " + r.entries() + " for a map holding 1 entry: "
                                + "hash maps are counted by batch lookup or key walk");
                    } else {
                        kfunc = true;
                    }
                    // Our fd and the walk itself: anything else means the count cannot be read as expected.
                    refcnt = r.refcnt() == 2;
                    if (!refcnt) {
                        notes.add("the map iterator read a reference count of " + r.refcnt() + " for a map held by "
                                + "one fd: no map fd is held between scrapes, each scrape opens what it reads");
                    }
                }
            }
            OptionalLong batched = EntryWalks.batch(l, probe.get(), 4, 8, 4, scratch);
            boolean batch = batched.isPresent() && batched.getAsLong() == 1;
            if (!batch) {
                notes.add("BPF_MAP_LOOKUP_BATCH " + (batched.isPresent() ? "miscounts (" + batched.getAsLong()
                        + " for 1 entry)" : "is unavailable (Linux 5.6)") + ": maps are counted by key walk");
            }
            return new MapCapabilities(iterator != null, kfunc, batch, refcnt, notes);
        }
    }
}
