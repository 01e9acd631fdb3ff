package net.kmesh.perf.bpf.maps;

import com.sun.jna.Memory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.MapStats.CountMethod;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.libbpf.BpfIds;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.Pins;
import net.kmesh.perf.bpf.libbpf.FdInfo;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.Resources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Statistics of the eBPF maps a {@link MapSelector} picks: shape, entries, capacity, memlock.
 *
 * <p>One pass of a bundled map iterator lists every map of the system with its shape and, where the
 * kernel keeps an element counter (the hash family, Linux 6.6), its entry count: the cost of a
 * scrape grows with the number of maps, not with their entries. Per map, only where needed, entries
 * are counted by batch lookup, then by a key walk; arrays hold {@code max_entries} entries, ring
 * buffers report the bytes pending; other types are reported {@link CountMethod#UNKNOWN}. Memlock is
 * the kernel's own figure (fdinfo), which needs each selected map opened: by id, that takes
 * CAP_SYS_ADMIN; maps selected by pin path need no more than the CAP_BPF + CAP_PERFMON of the iterator.
 *
 * <p>Owns the iterator (program and link) and native scratch memory, released by {@link #close()};
 * maps are opened only during {@link #collect}, so the collector never keeps a map alive.
 * Thread-safe: scrapes are serialized.
 */
public final class MapStatsCollector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MapStatsCollector.class);
    private static final String PROBE_MAP = "kp_probe";

    private final LibbpfLoader.Natives natives;
    private final Resources resources;
    private final MapIterator iterator;
    private final Scratch scratch;
    private final MapCapabilities capabilities;
    private final CountMethod start;
    /** Types whose batch lookup the kernel refused; they are walked instead from then on. */
    private final Set<Integer> noBatch = new HashSet<>();
    private boolean closed;

    private MapStatsCollector(LibbpfLoader.Natives natives, Resources resources, MapIterator iterator,
                              Scratch scratch, MapCapabilities capabilities, CountMethod start) {
        this.natives = natives;
        this.resources = resources;
        this.iterator = iterator;
        this.scratch = scratch;
        this.capabilities = capabilities;
        this.start = start;
    }

    /**
     * Loads the map iterator and probes what this kernel offers; entries are then counted by the
     * cheapest method that works for each map.
     *
     * @throws PrivilegeException without CAP_BPF + CAP_PERFMON
     */
    public static MapStatsCollector open() {
        return open(CountMethod.ITERATOR, false, MapIterator.RESOURCE);
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
        if (method != CountMethod.ITERATOR && method != CountMethod.BATCH && method != CountMethod.KEY_WALK) {
            throw new IllegalArgumentException("counting can start at ITERATOR, BATCH or KEY_WALK, not " + method);
        }
        return open(method, true, MapIterator.RESOURCE);
    }

    /** Opens with the iterator of class-path resource {@code iterator}: tests load a build without the kfunc. */
    static MapStatsCollector open(CountMethod start, boolean forced, String iteratorResource) {
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
            MapCapabilities caps = probe(n, iterator, scratch, notes);
            if (forced) {
                require(start, caps);
            }
            return new MapStatsCollector(n, resources, iterator, scratch, caps, start);
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
     * The statistics of the maps {@code selector} picks, ascending by id. Maps selected by name
     * that disappear meanwhile are left out.
     *
     * @throws NotFoundException  when a map named by id or pin path does not exist or is not a map
     * @throws PrivilegeException without CAP_SYS_ADMIN, for maps selected by name or id (opened by id)
     */
    public synchronized List<MapStats> collect(MapSelector selector) {
        return read(list(selector));
    }

    /** Maps chosen by a selector, some already open, and the iterator's pass if one was made. */
    record Listing(List<Target> targets, Map<Integer, MapRecord> pass) {
    }

    /** A selected map: its shape, and its fd when the listing opened it. */
    record Target(MapRecord shape, Fd fd) {
    }

    /** First half of {@link #collect}: which maps are selected. */
    synchronized Listing list(MapSelector selector) {
        requireOpen();
        List<Target> targets = new ArrayList<>();
        try {
            if (selector instanceof MapSelector.NamePrefix p) {
                if (iterator != null) {
                    Map<Integer, MapRecord> pass = index(iterator.read());
                    for (MapRecord r : pass.values()) {
                        if (p.matches(r.name())) {
                            targets.add(new Target(r, null));
                        }
                    }
                    return new Listing(targets, pass);
                }
                for (int id : listIds()) {
                    Fd fd = openById(id);
                    if (fd == null) {
                        continue; // vanished since listed
                    }
                    MapRecord shape = shape(fd.get());
                    if (p.matches(shape.name())) {
                        targets.add(new Target(shape, fd));
                    } else {
                        fd.close();
                    }
                }
            } else if (selector instanceof MapSelector.Ids ids) {
                for (int id : ids.ids()) {
                    Fd fd = openById(id);
                    if (fd == null) {
                        throw new NotFoundException("no BPF map has id " + id + " (list maps with: bpftool map show)");
                    }
                    targets.add(new Target(shape(fd.get()), fd));
                }
            } else if (selector instanceof MapSelector.Pinned pinned) {
                for (var path : pinned.paths()) {
                    Fd fd = Pins.openMap(path);
                    targets.add(new Target(shape(fd.get()), fd));
                }
            }
            return new Listing(targets, null);
        } catch (RuntimeException e) {
            targets.forEach(t -> closeQuietly(t.fd()));
            throw e;
        }
    }

    /** Second half of {@link #collect}: reads each listed map, closing every fd the listing opened. */
    synchronized List<MapStats> read(Listing listing) {
        try {
            requireOpen();
            Map<Integer, MapRecord> pass = listing.pass();
            if (pass == null && needsPass(listing.targets())) {
                pass = index(iterator.read());
            }
            List<MapStats> stats = new ArrayList<>(listing.targets().size());
            for (Target t : listing.targets()) {
                Fd fd = t.fd() != null ? t.fd() : openById(t.shape().id());
                if (fd == null) {
                    continue; // vanished since listed
                }
                try {
                    stats.add(measure(t.shape(), fd.get(), pass));
                } finally {
                    if (t.fd() == null) {
                        fd.close();
                    }
                }
            }
            stats.sort(Comparator.comparingInt(MapStats::id));
            return stats;
        } finally {
            listing.targets().forEach(t -> closeQuietly(t.fd()));
        }
    }

    private boolean needsPass(List<Target> targets) {
        if (iterator == null || start != CountMethod.ITERATOR || !capabilities.elemCountKfunc()) {
            return false;
        }
        for (Target t : targets) {
            MapKind kind = MapKind.of(t.shape().type());
            if (kind != MapKind.ARRAY && kind != MapKind.RING) {
                return true;
            }
        }
        return false;
    }

    private MapStats measure(MapRecord shape, int fd, Map<Integer, MapRecord> pass) {
        long memlock = FdInfo.of(fd).getLong("memlock").orElse(0L);
        long max = shape.maxEntries();
        MapKind kind = MapKind.of(shape.type());
        CountMethod method;
        long entries;
        MapRecord counted = pass == null ? null : pass.get(shape.id());
        if (kind == MapKind.ARRAY) {
            method = CountMethod.ARRAY_CAPACITY;
            entries = max;
        } else if (kind == MapKind.RING) {
            method = CountMethod.RING_FILL;
            entries = RingFill.pendingBytes(natives.libc(), natives.pageSize(), fd, max);
        } else if (start == CountMethod.ITERATOR && capabilities.elemCountKfunc() && counted != null
                && counted.counted()) {
            method = CountMethod.ITERATOR;
            entries = Math.max(0, Math.min(max, counted.entries()));
        } else if (kind == MapKind.UNCOUNTABLE) {
            method = CountMethod.UNKNOWN;
            entries = -1;
        } else {
            OptionalLong batched = OptionalLong.empty();
            if (start != CountMethod.KEY_WALK && capabilities.batchLookup() && !noBatch.contains(shape.type())) {
                batched = EntryWalks.batch(natives.libbpf(), fd, shape.keySize(), valueBytes(shape), max, scratch);
                if (batched.isEmpty()) {
                    noBatch.add(shape.type());
                }
            }
            if (batched.isPresent()) {
                method = CountMethod.BATCH;
                entries = batched.getAsLong();
            } else {
                method = CountMethod.KEY_WALK;
                entries = EntryWalks.keyWalk(fd, shape.keySize(), max, scratch);
            }
        }
        return new MapStats(shape.id(), shape.name(), shape.typeName(), shape.keySize(), shape.valueSize(), max,
                entries, memlock, method);
    }

    private long valueBytes(MapRecord shape) {
        if (MapKind.isPerCpu(shape.type())) {
            return ((shape.valueSize() + 7L) & ~7L) * natives.possibleCpus();
        }
        return shape.valueSize();
    }

    private static Map<Integer, MapRecord> index(List<MapRecord> records) {
        Map<Integer, MapRecord> byId = new LinkedHashMap<>();
        for (MapRecord r : records) {
            byId.put(r.id(), r);
        }
        return byId;
    }

    private static MapRecord shape(int fd) {
        MapInfo i = MapInfo.of(fd);
        return new MapRecord(i.id(), i.type(), i.name(), i.keySize(), i.valueSize(),
                Integer.toUnsignedLong(i.maxEntries()), i.flags(), false, false, -1);
    }

    private static List<Integer> listIds() {
        try {
            return BpfIds.maps();
        } catch (PrivilegeException e) {
            throw new PrivilegeException("listing BPF map ids was refused (EPERM): it needs CAP_SYS_ADMIN");
        }
    }

    /** The map with this id opened, or null when it does not exist (any more). */
    private static Fd openById(int id) {
        int fd;
        try {
            fd = BpfIds.openMap(id);
        } catch (PrivilegeException e) {
            throw new PrivilegeException("opening BPF map id " + id + " was refused (EPERM): opening maps by id, "
                    + "which reading their memlock needs, requires CAP_SYS_ADMIN");
        }
        return fd < 0 ? null : Fd.own(fd);
    }

    private static void closeQuietly(Fd fd) {
        if (fd != null) {
            fd.close();
        }
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

    /** Releases the scratch memory, then the iterator's link and program. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            resources.close();
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
                        + "CAP_BPF + CAP_PERFMON (or root), and CAP_SYS_ADMIN to open maps by id");
            }
            throw Errno.failure("creating the probe map " + PROBE_MAP, -ret);
        }
        try (Fd probe = Fd.own(ret); Memory key = new Memory(4); Memory value = new Memory(8)) {
            key.setInt(0, 1);
            value.setLong(0, 0);
            Errno.check("filling the probe map", l.bpf_map_update_elem(probe.get(), key, value, 0));
            int id = MapInfo.of(probe.get()).id();
            boolean kfunc = false;
            if (iterator != null) {
                MapRecord r = index(iterator.read()).get(id);
                if (r == null) {
                    notes.add("the map iterator did not list the probe map: hash maps are counted by batch lookup "
                            + "or key walk");
                } else if (!r.kfunc()) {
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
            }
            OptionalLong batched = EntryWalks.batch(l, probe.get(), 4, 8, 4, scratch);
            boolean batch = batched.isPresent() && batched.getAsLong() == 1;
            if (!batch) {
                notes.add("BPF_MAP_LOOKUP_BATCH " + (batched.isPresent() ? "miscounts (" + batched.getAsLong()
                        + " for 1 entry)" : "is unavailable (Linux 5.6)") + ": maps are counted by key walk");
            }
            return new MapCapabilities(iterator != null, kfunc, batch, notes);
        }
    }
}
