package net.kmesh.perf.bpf.probe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.Pins;
import net.kmesh.perf.bpf.ringbuf.RecordHandler;
import net.kmesh.perf.bpf.ringbuf.RingBuffer;
import net.kmesh.perf.bpf.ringbuf.RingCursor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the records a data plane without a counter map failed to reserve, from the events it logs
 * about them: Kmesh writes one {@code {u32 ret; char msg[255]}} event into its log ring
 * {@code km_log_event} (pinned beside its probe ring) per failed reserve of its probe. The log ring
 * is observed, never consumed, so Kmesh's daemon still prints every event. The pin is checked at
 * every poll (while none is pinned, once a second); a log ring pinned after the first poll (Kmesh
 * restarted) is observed from its first event, the old one's count kept, and counted at once.
 * Events the observer could not read before they were overwritten are counted in
 * {@link #missed()}: the count is exact while that is 0.
 */
public final class LogRingDrops implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogRingDrops.class);
    /** Kmesh's log ring, by its pinned name (map_config.h renames kmesh_log_events). */
    public static final String LOG_RING = "km_log_event";
    /** The text of the event Kmesh's probe logs when its ring has no room (BPF_LOG(ERR, PROBE, ...)). */
    static final byte[] RESERVE_FAILED = "[PROBE] ERR: bpf_ringbuf_reserve map proformance info failed"
            .getBytes(StandardCharsets.US_ASCII);
    /** The event's message follows its u32 return value. */
    private static final int MESSAGE_OFFSET = 4;

    private final Path pin;
    private Object fileKey;
    private RingBuffer ring;
    private Fd fd;
    private long counted;
    private long missedBefore;
    private boolean missedLogged;
    private boolean seen;
    /** While no log ring is pinned, the pin is looked at again only after this long. */
    static final long ABSENT_RECHECK_NANOS = 1_000_000_000L;
    private long absentSince = Long.MIN_VALUE;
    private boolean polled;

    private LogRingDrops(Path pin) {
        this.pin = pin;
    }

    /**
     * Drops counted from the log ring pinned beside {@code source}'s ring, or empty when the source
     * has no such place (a map name, the bundled samples).
     */
    public static Optional<LogRingDrops> of(RecordSource source) {
        if (source instanceof RecordSource.Kmesh k) {
            return Optional.of(new LogRingDrops(k.bpffs().resolve(RecordSource.Kmesh.WORKLOAD_MAP_DIR).resolve(LOG_RING)));
        }
        if (source instanceof RecordSource.Pinned p && p.path().getParent() != null) {
            return Optional.of(new LogRingDrops(p.path().getParent().resolve(LOG_RING)));
        }
        return Optional.empty();
    }

    /** Whether a log ring was ever observed: from then on its count is known. */
    public synchronized boolean seen() {
        return seen;
    }

    /** Reads the events logged since the last poll; follows a new pin. Never throws for a missing pin. */
    public synchronized void poll() {
        long now = System.nanoTime();
        if (ring == null && absentSince != Long.MIN_VALUE && now - absentSince < ABSENT_RECHECK_NANOS) {
            return;
        }
        Object key;
        try {
            key = Files.readAttributes(pin, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            key = null;
        }
        if (ring != null) {
            drain();
        }
        absentSince = key == null ? now : Long.MIN_VALUE;
        boolean first = !polled;
        polled = true;
        if (key == null ? ring == null : key.equals(fileKey)) {
            return;
        }
        release();
        fileKey = key;
        if (key != null) {
            try {
                fd = Pins.openMap(pin, MapType.RINGBUF);
                ring = RingBuffer.map(fd.get(), true);
                if (!first) {
                    // Made while the monitor watched: every event in it is the monitor's to count.
                    ring.readFromFirstRecord();
                }
                seen = true;
                // Counted now, not at the next poll: from here on a snapshot says drops are known.
                drain();
            } catch (PerfMonitorException e) {
                LOG.debug("observing the log ring {} failed: {}", pin, e.getMessage());
                release();
            }
        }
    }

    private void drain() {
        RingCursor r = ring.reader();
        r.drain(this::onEvent);
    }

    private void onEvent(ByteBuffer data, long position, int length, int mask) {
        if (length < MESSAGE_OFFSET + RESERVE_FAILED.length) {
            return;
        }
        for (int k = 0; k < RESERVE_FAILED.length; k++) {
            if (data.get((int) ((position + MESSAGE_OFFSET + k) & mask)) != RESERVE_FAILED[k]) {
                return;
            }
        }
        counted++;
    }

    /** Failed reserves counted over every log ring observed. */
    public synchronized long dropped() {
        return counted;
    }

    /** Log events overwritten before they were observed: the drops among them are not counted. */
    public synchronized long missed() {
        long m = missedBefore + (ring != null ? ring.reader().missed() : 0);
        if (m > 0 && !missedLogged) {
            LOG.warn("{} log events of {} were overwritten before kmesh-perf read them: dropped records are "
                    + "undercounted", m, pin);
            missedLogged = true;
        }
        return m;
    }

    private void release() {
        if (ring != null) {
            missedBefore += ring.reader().missed();
            ring.close();
            ring = null;
        }
        if (fd != null) {
            fd.close();
            fd = null;
        }
        fileKey = null;
    }

    @Override
    public synchronized void close() {
        release();
    }
}
