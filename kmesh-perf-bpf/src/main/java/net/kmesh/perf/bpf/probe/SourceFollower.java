package net.kmesh.perf.bpf.probe;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.SourceStatus;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.ringbuf.RecordSizes;
import net.kmesh.perf.bpf.ringbuf.RingConsumer;
import net.kmesh.perf.bpf.ringbuf.RingCursor;
import net.kmesh.perf.spi.ChangeLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a record source's incarnations: attaches to the ring the source names ({@link Probe}),
 * and at every wake of the consumer checks, cheaply, whether the source still names that ring.
 * When it names another (Kmesh restarted and pinned new maps) or none (Kmesh stopped), the ring
 * read so far is kept and drained until it has stayed empty for a grace period, so that records
 * written into it after the switch are counted too; then it is released. While the source names
 * no ring the status is {@link SourceStatus.State#WAITING}.
 *
 * <p>The rings held and the figures summed over every incarnation (a counter map shared by two is
 * counted once) are kept by {@link Incarnations}, the modes asked for by {@code ModeSettings}, what
 * keeps the source from being read by {@code SourceProblem}.
 *
 * <p>The consumer thread calls {@link #tick}, {@link #readers} and {@link #sweep}; any thread may take
 * the status, the counters or set a mode. Only the consumer thread (or the closing thread once the
 * consumer has stopped) releases a ring, so a ring is never unmapped while it is read. Fields marked
 * "consumer thread" are touched by that thread only; {@code this} guards {@code closed} and makes
 * a switch of ring and its problem one step for {@link #status()}.
 */
public final class SourceFollower implements RingConsumer.Source, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SourceFollower.class);
    /** Attaching failed: try again after this long rather than at every wake. */
    private static final long RETRY_NANOS = 250_000_000L;
    /**
     * With the pin directories watched, the pins are read again only when a watched directory
     * changed, or after this long: what inotify cannot see (a directory not watched yet) is found
     * this late at most.
     */
    private static final long PIN_RECHECK_NANOS = 100_000_000L;
    /**
     * With every pin directory watched ({@link PinWatch#watchesEveryDirectory()}), no pin changes
     * without an event: the pins are read again after this long only as a safeguard. Read every
     * 100 ms, they cost the agent at 5,000 records/s a thirtieth of its consumer thread's CPU.
     */
    private static final long WATCHED_RECHECK_NANOS = 1_000_000_000L;

    private final ProbeLocator locator;
    private final RecordSource.ReadMode mode;
    private final PerfMonitorConfig config;
    private final String description;
    private final ModeSettings modes;
    private final List<String> notes;
    private final Incarnations held = new Incarnations();
    private final SourceProblem problem;
    /** Wakes the consumer when a pin changes; null for a name, or where inotify cannot watch. */
    private final PinWatch pinWatch;
    private final UnseenRings unseen = new UnseenRings();
    /** What the observers of this source's rings read, to size what they skip; consumer thread. */
    private final RecordSizes observedSizes = new RecordSizes();
    private boolean closed;
    /** Consumer thread. */
    private long nextAttempt;
    /** The ring the source named at the last check, and when that was; consumer thread. */
    private int lastNamed = ProbeLocator.NONE;
    private long lastCheckNanos;
    /** Whether {@code lastNamed} was read at all yet; consumer thread. */
    private boolean checked;
    /**
     * Whether the last tick left nothing to do until a watched pin changes or the pins are due to be
     * read again (without a pin watch they are read at every tick): the ring named is attached, none
     * drains, no pin waits to be settled, no problem to log. A tick then returns at once; a turn of the agent's consumer took a sixth of its CPU in
     * this method's locks and checks. Consumer thread.
     */
    private boolean steady;
    /** Whether every pin directory was watched at the last reading of the pins; consumer thread. */
    private boolean everyDirectoryWatched;

    private SourceFollower(ProbeLocator locator, RecordSource.ReadMode mode, PerfMonitorConfig config,
                           String description, List<String> notes) {
        this.locator = locator;
        this.mode = mode;
        this.config = config;
        this.description = description;
        this.modes = new ModeSettings(config.operationModes());
        this.notes = notes;
        this.problem = new SourceProblem(description, LOG);
        this.pinWatch = locator != null && !locator.pins().isEmpty() ? PinWatch.of(locator.pins()) : null;
    }

    /**
     * Follows the maps of a loaded object (the bundled samples), which never change.
     *
     * @param notes receives what the probe lacks
     */
    public static SourceFollower of(ProbeMaps maps, PerfMonitorConfig config, List<String> notes) {
        SourceFollower f = new SourceFollower(null, RecordSource.ReadMode.CONSUME, config, maps.origin(), notes);
        f.adopt(maps, false);
        return f;
    }

    /**
     * Follows a data plane's source: attaches now if it names a ring, or waits for one.
     *
     * @param notes receives what the probe lacks
     * @throws NotFoundException when the source can never name a ring, or names none now and
     *                           {@link PerfMonitorConfig#waitForSource()} is off
     */
    public static SourceFollower open(RecordSource source, PerfMonitorConfig config, List<String> notes) {
        ProbeLocator locator = ProbeLocator.of(source, new ProgramIndex());
        locator.checkPossible();
        if (locator.scans()) {
            locator.scan();
        }
        SourceFollower f = new SourceFollower(locator, source.mode(), config, locator.describe(), notes);
        try {
            Optional<ProbeMaps> maps = locator.currentId() == ProbeLocator.NONE ? Optional.empty() : locator.open();
            if (maps.isPresent()) {
                // Its records before now are not the monitor's to count: an observer starts where Kmesh's reader is.
                f.adopt(maps.get(), false);
            } else if (!config.waitForSource()) {
                throw new NotFoundException(locator.problem().orElse(source.describe() + " names no ring buffer"));
            } else {
                f.problem.set(locator.problem().orElse(source.describe() + " names no ring buffer yet"),
                        SourceProblem.WAITING);
                f.problem.log();
            }
            return f;
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /**
     * Makes {@code maps} the current incarnation; returns how many were attached before it.
     *
     * @param fromFirstRecord the ring was made while the monitor watched: an observer reads it from its first record
     */
    private long adopt(ProbeMaps maps, boolean fromFirstRecord) {
        Probe probe = Probe.attach(maps, mode, config, modes.asked(), notes, fromFirstRecord, observedSizes);
        if (!config.histogramTypes().isEmpty() && !probe.histogramCapable()) {
            probe.close();
            throw new KernelFeatureException("histogram mode was asked for operation types " + config.histogramTypes()
                    + " but " + maps.origin() + " has no " + ProbeLayout.namesOf(ProbeLayout.MODES) + " and "
                    + ProbeLayout.namesOf(ProbeLayout.HISTOGRAMS) + " maps: its programs were built without "
                    + "kmesh_perf.h's histogram mode");
        }
        synchronized (this) {
            problem.clear();
            if (fromFirstRecord) {
                // In the same step as the new ring, so that a status naming it counts the rings before it.
                unseen.settle(true, maps.ring().id(), maps.ring().id(), description);
            }
            return held.adopt(probe);
        }
    }

    /** Whether the source is found by scanning ({@link #scan()} must then run on a thread of its own). */
    public boolean scans() {
        return locator != null && locator.scans();
    }

    /** Looks for the source's ring off the consumer thread (map names). */
    public void scan() {
        if (locator != null) {
            locator.scan();
        }
    }

    // ---- consumer thread ----

    @Override
    public List<RingCursor> readers() {
        return held.readers();
    }

    @Override
    public int waitFd() {
        return held.withCurrent(p -> p != null ? p.ringFd() : -1);
    }

    @Override
    public int noticeFd() {
        return pinWatch != null ? pinWatch.fd() : -1;
    }

    @Override
    public boolean noticesEveryChange() {
        return pinWatch != null && pinWatch.watchesEveryDirectory();
    }

    @Override
    public RingCursor currentReader() {
        return held.currentReader();
    }

    @Override
    public void drained(RingCursor reader, int records, long nowNanos) {
        if (records != 0) {
            held.sawRecords(reader, nowNanos);
        }
    }

    /**
     * Follows the source: notices that it names another ring or none, attaches to a new one, and
     * releases drained rings whose grace period has passed. Cheap when nothing changed.
     */
    @Override
    public void tick(long nowNanos, boolean noticed) {
        if (locator == null) {
            return;
        }
        boolean recheck = true;
        if (pinWatch != null) {
            boolean changed = false;
            if (noticed) {
                unseen.pinsMade(pinWatch.clear());
                changed = pinWatch.changed();
            }
            long every = everyDirectoryWatched ? WATCHED_RECHECK_NANOS : PIN_RECHECK_NANOS;
            recheck = changed || !checked || nowNanos - lastCheckNanos >= every;
        }
        if (!recheck && steady) {
            return;
        }
        int named = lastNamed;
        if (recheck) {
            named = locator.currentId();
            lastNamed = named;
            lastCheckNanos = nowNanos;
            checked = true;
            everyDirectoryWatched = pinWatch != null && pinWatch.watchesEveryDirectory();
        }
        boolean attached;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (held.leave(named, nowNanos)) {
                if (named == ProbeLocator.NONE) {
                    problem.set(waiting() + "; reading what is left", SourceProblem.WAITING);
                } else {
                    problem.clear();
                }
            }
            attached = held.withCurrent(p -> p != null);
        }
        boolean attachedNew = false;
        if (!attached && named != ProbeLocator.NONE && nowNanos - nextAttempt >= 0) {
            attachedNew = attachTo(named, nowNanos);
        } else if (!attached && named == ProbeLocator.NONE) {
            problem.set(waiting(), SourceProblem.WAITING);
        }
        if (unseen.pending()) {
            unseen.settle(attachedNew, named, held.withCurrent(p -> p != null ? p.ringId() : ProbeLocator.NONE), description);
        }
        List<Probe> retired = held.retire(nowNanos);
        for (int i = 0; i < retired.size(); i++) {
            Probe p = retired.get(i);
            LOG.debug("{}: released ring buffer map {} after it stayed empty", description, p.ringId());
            p.close();
        }
        problem.log();
        steady = !unseen.pending() && held.steadyOn(named);
    }

    private String waiting() {
        return locator.problem().orElse(description + " names no ring buffer");
    }

    /** Attaches to the ring the source names now; returns whether it did. */
    private boolean attachTo(int named, long nowNanos) {
        ProbeMaps maps;
        try {
            maps = locator.open().orElse(null);
            if (maps == null) {
                return false;
            }
            if (maps.ring().id() != named) {
                LOG.debug("{} changed again while attaching: ring {} instead of {}", description, maps.ring().id(), named);
            }
            long before = adopt(maps, true);
            LOG.info("{}: attached to ring buffer map {} ({}){}", description, maps.ring().id(), maps,
                    before > 0 ? ", after a restart of the data plane" : "");
            return true;
        } catch (PerfMonitorException | IllegalArgumentException e) {
            nextAttempt = nowNanos + RETRY_NANOS;
            problem.set(description + " names ring buffer map " + named + " but attaching to it failed: "
                    + e.getMessage(), ChangeLog.kindOf(e));
            return false;
        }
    }

    /** Deletes stale starts, at most every two seconds; on the consumer thread, never holding a lock. */
    @Override
    public void sweep(long nowNanos) {
        held.sweep(nowNanos);
    }

    // ---- any thread ----

    /** The rings held and the figures over every incarnation: counters, histograms, stale starts. */
    public Incarnations incarnations() {
        return held;
    }

    /** The status of the source now. */
    public synchronized SourceStatus status() {
        OptionalInt ring = held.withCurrent(p -> p != null ? OptionalInt.of(p.ringId()) : OptionalInt.empty());
        return new SourceStatus(description, ring.isPresent() ? SourceStatus.State.ATTACHED : SourceStatus.State.WAITING,
                mode, ring, held.restarts(), unseen.missed(), problem.now());
    }

    /**
     * Sets {@code type}'s mode in the attached probe, and in every probe attached later.
     *
     * @throws PerfMonitorException when the attached probe has no mode map
     */
    public void setOperationMode(long type, OperationMode operationMode) {
        held.withCurrent(p -> {
            modes.set(p, type, operationMode);
            return null;
        });
    }

    /** Releases every ring; only once the consumer no longer reads them. Idempotent. */
    @Override
    public void close() {
        List<Probe> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = held.releaseAll();
        }
        for (Probe p : all) {
            p.close();
        }
        if (pinWatch != null) {
            pinWatch.close();
        }
    }

    @Override
    public String toString() {
        return "SourceFollower[" + description + "]";
    }
}
