package net.kmesh.perf.bpf.maps;

import com.sun.jna.Memory;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibC;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which map fds a collector keeps between scrapes, and counts them: at most the configured
 * number and never more than a quarter of the process's {@code RLIMIT_NOFILE}, only where the map
 * iterator's reference counts can later tell that nothing else keeps the map, and none at all once
 * the process ran out of file descriptors. Owns the native rlimit buffer.
 */
final class FdBudget implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MapStatsCollector.class);

    private final LibC libc;
    private final int configured;
    private final boolean referenceCount;
    private final Memory rlimit = new Memory(16);
    private int held;
    private boolean stopped;

    /**
     * @param configured     fds that may be held at most (0: none)
     * @param referenceCount the iterator reads maps' reference counts ({@link MapCapabilities#referenceCount})
     */
    FdBudget(LibC libc, int configured, boolean referenceCount) {
        this.libc = libc;
        this.configured = configured;
        this.referenceCount = referenceCount;
    }

    /** The fds that may be held now: the configured limit, at most a quarter of RLIMIT_NOFILE; 0 once out of fds. */
    int limit() {
        if (stopped || configured == 0 || !referenceCount) {
            return 0;
        }
        rlimit.clear();
        if (libc.getrlimit(LibC.RLIMIT_NOFILE, rlimit) != 0) {
            return configured;
        }
        long soft = rlimit.getLong(0);
        return soft < 0 ? configured : (int) Math.min(configured, soft / 4);
    }

    /** The fds held now. */
    int held() {
        return held;
    }

    /** Whether one more fd to {@code rec} may be kept under {@code limit}: its going away must be visible. */
    boolean mayHold(MapRecord rec, int limit) {
        return referenceCount && rec.refcnt() >= 0 && held < limit;
    }

    /** Keeps {@code fd} as {@code t}'s. */
    void hold(Tracked t, Fd fd) {
        t.fd = fd;
        held++;
        ProcessHolds.add(t.id());
    }

    /** Closes the fd {@code t} holds, if any. */
    void release(Tracked t) {
        if (t.fd != null) {
            ProcessHolds.remove(t.id());
            t.fd.close();
            t.fd = null;
            held--;
        }
    }

    /** Releases what is held beyond {@code limit}. */
    void releaseBeyond(Iterable<Tracked> tracked, int limit) {
        for (Tracked t : tracked) {
            if (held <= limit) {
                return;
            }
            release(t);
        }
    }

    /** Releases every held fd and holds none from now on; returns how many were released. */
    int stop(Iterable<Tracked> tracked, Exception cause) {
        int released = held;
        for (Tracked t : tracked) {
            release(t);
        }
        if (!stopped) {
            stopped = true;
            LOG.warn("the process ran out of file descriptors during a map scrape ({}): the {} fds map statistics "
                    + "held are released, and from now on each scrape opens and closes the maps it reads",
                    cause.getMessage(), released);
        }
        return released;
    }

    @Override
    public void close() {
        rlimit.close();
    }
}
