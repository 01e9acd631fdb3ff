package net.kmesh.perf.bpf.probe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the rings a data plane pinned at the source's pin paths that the monitor never attached
 * to: a ring pinned and replaced (or removed) before the follower could open it. Each pin made
 * there stands for one ring; a pin is settled when the follower attaches to a new ring (the pins
 * made before it, but the last, were rings it never saw), when the pin is gone again (every pin
 * made was such a ring), or when the pin names the ring already attached (it was pinned again, or
 * the follower opened it before the event was read).
 *
 * <p>Written on the consumer thread; {@link #missed()} may be read from any thread.
 */
final class UnseenRings {
    private static final Logger LOG = LoggerFactory.getLogger(UnseenRings.class);

    /** Pins made and not settled yet; consumer thread. */
    private long pending;
    private volatile long missed;

    /** {@code made} pins were made at the source's paths since the last call. */
    void pinsMade(int made) {
        pending += made;
    }

    /**
     * Settles the pins made so far, after a tick of the follower.
     *
     * @param attachedNew whether the follower attached to a new ring in this tick
     * @param named       the ring the source names now, or {@link ProbeLocator#NONE}
     * @param attached    the ring attached now, or {@link ProbeLocator#NONE}
     * @param source      the source, for the log
     */
    void settle(boolean attachedNew, int named, int attached, String source) {
        if (pending == 0) {
            return;
        }
        long unseen;
        if (attachedNew) {
            unseen = pending - 1;
        } else if (named == ProbeLocator.NONE) {
            unseen = pending;
        } else if (named == attached) {
            unseen = 0;
        } else {
            // The pin names a ring not attached yet (attaching failed and is retried): wait.
            return;
        }
        pending = 0;
        if (unseen > 0) {
            missed += unseen;
            LOG.warn("{}: {} ring buffer(s) were pinned and replaced before the monitor could open them; their records "
                    + "are counted nowhere ({} such rings so far)", source, unseen, missed);
        }
    }

    /** Whether pins were made that are not settled yet. */
    boolean pending() {
        return pending > 0;
    }

    /** Rings pinned at the source's paths that the monitor never read. */
    long missed() {
        return missed;
    }
}
