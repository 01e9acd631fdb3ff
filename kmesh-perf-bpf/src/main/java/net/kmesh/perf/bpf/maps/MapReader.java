package net.kmesh.perf.bpf.maps;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.maps.MapSelection.Candidate;

/**
 * Reads the figures of selected maps, remembering each between scrapes ({@link Tracked}: shape,
 * memlock, held fd) so that a map is opened only when a figure needs its fd: when first seen (for
 * its memlock), to count what the map iterator did not, and when its memlock moved in a way no
 * model follows. Lets a held map go as soon as the iterator shows that nothing but this process's
 * collectors keeps it, so a deleted map is never kept in the kernel. Not thread-safe: the collector
 * serializes its use.
 */
final class MapReader {
    private final FdInfoFiles fdinfo;
    private final PinResolver pins;
    private final EntryCounter counter;
    private final FdBudget budget;
    private final Map<Integer, Tracked> tracked = new HashMap<>();
    private final ReadOrder order = new ReadOrder();
    private long generation;
    private long opened;

    MapReader(FdInfoFiles fdinfo, PinResolver pins, EntryCounter counter, FdBudget budget) {
        this.fdinfo = fdinfo;
        this.pins = pins;
        this.counter = counter;
        this.budget = budget;
    }

    /** Starts a scrape. */
    void beginScrape() {
        generation++;
        order.begin();
    }

    /** Reads one selected map; null when it went away meanwhile. */
    MapStats read(Candidate c, int limit) {
        MapRecord rec = c.record();
        Tracked t = order.find(rec.id(), tracked);
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
        boolean byIterator = counter.byIterator(rec);
        long counted = byIterator ? rec.entries() : -1;
        long memlock = t.memlock.known(counted);
        boolean counting = c.countEntries();
        boolean worthHolding = worthHolding(t, counting, byIterator);
        if (t.fd != null && !worthHolding) {
            budget.release(t);
        }
        Fd opened = null;
        if (t.fd == null && (memlock < 0 || (counting && EntryCounter.needsFd(t.kind, byIterator)))) {
            opened = t.pin != null ? pins.reopen(t.pin, t.id()) : MapsById.open(t.id());
            this.opened++;
            if (opened == null) {
                if (!fresh) {
                    forget(t);
                }
                return null; // deleted, or unpinned, since selected
            }
        }
        try {
            Fd fd = t.fd != null ? t.fd : opened;
            if (memlock < 0) {
                memlock = Math.max(0, fdinfo.memlockOf(fd.get()));
                t.memlock.read(memlock, counted);
            }
            if (fresh) {
                tracked.put(t.id(), t);
            } else if (opened != null && worthHolding && budget.mayHold(rec, limit)) {
                // Held from the second collection that reads it: a map read once (a start-up check, a
                // map that came and went between scrapes) is not worth an fd.
                budget.hold(t, opened);
                opened = null;
            }
            EntryCounter.Count n = counting ? counter.count(t.kind, rec, fd, byIterator) : EntryCounter.Count.NONE;
            order.read(t);
            // Its shape is the tracked one: an idle map costs the scrape no allocation.
            return t.figures(rec, n.entries(), memlock, n.method());
        } finally {
            if (opened != null) {
                opened.close();
            }
        }
    }

    /**
     * An fd is worth keeping for a map read through it at every scrape: to count it, or for a
     * memlock that moves other than with the iterator's count.
     */
    private static boolean worthHolding(Tracked t, boolean counting, boolean byIterator) {
        return (counting && EntryCounter.needsFd(t.kind, byIterator)) || (t.memlock.moves() && !(byIterator && t.memlock.followsCount()));
    }

    private void forget(Tracked t) {
        budget.release(t);
        tracked.remove(t.id());
        t.forgotten = true;
    }

    /** Forgets the maps the scrape that ends did not select, releasing their fds. */
    void forgetUnselected() {
        if (order.end() == tracked.size()) {
            return; // every tracked map was read: none is left to forget
        }
        for (Iterator<Tracked> i = tracked.values().iterator(); i.hasNext(); ) {
            Tracked t = i.next();
            if (t.generation != generation) {
                budget.release(t);
                i.remove();
                t.forgotten = true;
            }
        }
    }

    /** Maps opened so far (tests: what a scrape costs in system calls). */
    long opened() {
        return opened;
    }

    /** Releases what is held beyond {@code limit}. */
    void releaseBeyond(int limit) {
        budget.releaseBeyond(tracked.values(), limit);
    }

    /** Releases every held fd and holds none from now on; returns how many were released. */
    int stopHolding(Exception cause) {
        return budget.stop(tracked.values(), cause);
    }

    /** Releases every held fd and forgets every map. */
    void releaseAll() {
        for (Tracked t : tracked.values()) {
            budget.release(t);
        }
        tracked.clear();
        order.clear();
    }
}
