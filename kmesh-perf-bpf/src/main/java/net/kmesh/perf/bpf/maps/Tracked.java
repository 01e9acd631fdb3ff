package net.kmesh.perf.bpf.maps;

import java.nio.file.Path;
import net.kmesh.perf.BpfMapType;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.bpf.libbpf.Fd;

/**
 * A selected map as the collector remembers it between scrapes: what cannot change (its shape),
 * what it knows of its memlock, and the fd it holds to read the rest cheaply.
 */
final class Tracked {
    final MapRecord shape;
    final BpfMapType.EntryCount kind;
    /** The pin it was selected by, reopened when an fd is needed; null when it is opened by id. */
    final Path pin;
    final MemlockTrack memlock;
    /** Held between scrapes ({@link FdBudget}), or null. */
    Fd fd;
    /** The figures the last scrape gave, given again while none has moved. */
    private MapStats last;
    /** No longer tracked: a new {@code Tracked} stands for its id, if any. */
    boolean forgotten;
    /** The last collection that selected it. */
    long generation;

    Tracked(MapRecord shape, Path pin) {
        this.shape = shape;
        this.kind = BpfMapType.of(shape.type()).map(BpfMapType::entryCount).orElse(BpfMapType.EntryCount.NONE);
        this.pin = pin;
        this.memlock = MemlockTrack.of(shape.type(), shape.mapFlags());
    }

    int id() {
        return shape.id();
    }

    /** The statistics of this map, {@code rec}, now: the last ones while they hold. */
    MapStats figures(MapRecord rec, long entries, long memlock, MapStats.CountMethod method) {
        if (last == null || entries != last.entries() || memlock != last.memlockBytes() || method != last.method()) {
            last = new MapStats(rec.id(), rec.name(), rec.typeName(), rec.keySize(), rec.valueSize(), rec.maxEntries(),
                    entries, memlock, method);
        }
        return last;
    }
}
