package net.kmesh.perf.bpf.maps;

import java.nio.file.Path;
import net.kmesh.perf.bpf.libbpf.Fd;

/**
 * A selected map as the collector remembers it between scrapes: what cannot change (its shape, and
 * its memlock where that is fixed at creation), and the fds it holds to read the rest cheaply.
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
    /** The fdinfo of {@link #fd}, held beside it when memlock moves, or null. */
    Fd info;
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

    /** The fds held for this map: 0, 1 (the map) or 2 (the map and its fdinfo). */
    int heldFds() {
        return (fd != null ? 1 : 0) + (info != null ? 1 : 0);
    }

    /** Closes what is held, the fdinfo first; returns how many fds that released. */
    int release() {
        int n = heldFds();
        if (info != null) {
            info.close();
            info = null;
        }
        if (fd != null) {
            fd.close();
            fd = null;
        }
        return n;
    }
}
