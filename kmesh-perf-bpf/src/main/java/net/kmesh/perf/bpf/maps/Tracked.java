package net.kmesh.perf.bpf.maps;

import java.nio.file.Path;
import net.kmesh.perf.bpf.libbpf.Fd;

/**
 * A selected map as the collector remembers it between scrapes: what cannot change (its shape, and
 * its memlock where that is fixed at creation), and the fd it holds to read the rest cheaply.
 */
final class Tracked {
    final MapRecord shape;
    final MapKind kind;
    /** The pin it was selected by, reopened when an fd is needed; null when it is opened by id. */
    final Path pin;
    /** Its fdinfo memlock moves with its entries ({@link Memlock#followsEntries}). */
    final boolean memlockMoves;
    /** Memlock read when first seen: the figure for good when it does not move. */
    long memlock;
    /** Held between scrapes, or null. */
    Fd fd;
    /** The last collection that selected it. */
    long generation;

    Tracked(MapRecord shape, Path pin) {
        this.shape = shape;
        this.kind = MapKind.of(shape.type());
        this.pin = pin;
        this.memlockMoves = Memlock.followsEntries(shape.type(), shape.mapFlags());
    }

    int id() {
        return shape.id();
    }

    /** Closes the fd held, if any; returns how many fds that released (0 or 1). */
    int release() {
        if (fd == null) {
            return 0;
        }
        fd.close();
        fd = null;
        return 1;
    }
}
