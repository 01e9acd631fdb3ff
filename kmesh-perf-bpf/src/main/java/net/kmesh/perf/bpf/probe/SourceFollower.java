package net.kmesh.perf.bpf.probe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.SourceStatus;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.ops.OperationAggregator;
import net.kmesh.perf.bpf.ringbuf.RingConsumer;
import net.kmesh.perf.bpf.ringbuf.RingCursor;
import net.kmesh.perf.spi.ChangeLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a record source across the data plane's restarts. It attaches to the ring the source
 * names ({@link Probe}); at every wake of the consumer it checks, cheaply, whether the source still
 * names that ring. When it names another (Kmesh restarted and pinned new maps) or none (Kmesh
 * stopped), the ring read so far is kept and drained until it has stayed empty for a grace period,
 * so that records written into it after the switch are counted too; then it is released. Totals of
 * every incarnation are kept: a counter map shared by two incarnations is counted once. While the
 * source names no ring the status is {@link SourceStatus.State#WAITING}.
 *
 * <p>The counter totals across incarnations are kept by {@link CounterTotals}, stale starts are
 * swept by {@link StartSweeper}.
 *
 * <p>The consumer thread calls {@link #tick}, {@link #readers} and {@link #sweep}; any thread may take
 * the status, the counters or set a mode. Only the consumer thread (or the closing thread once the
 * consumer has stopped) releases a ring, so a ring is never unmapped while it is read. Fields marked
 * "consumer thread" are touched by that thread only; every other mutable field is guarded by
 * {@code this}.
 */
public final class SourceFollower implements RingConsumer.Source, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SourceFollower.class);
    /** A ring no longer named is released once it has stayed empty this long. */
    static final long GRACE_NANOS = 1_000_000_000L;
    /** Attaching failed: try again after this long rather than at every wake. */
    private static final long RETRY_NANOS = 250_000_000L;

    private final ProbeLocator locator;
    private final RecordSource.ReadMode mode;
    private final PerfMonitorConfig config;
    private final String description;
    private final ConcurrentSkipListMap<Long, OperationMode> modes;
    private final List<String> notes;

    private final CounterTotals totals = new CounterTotals();
    /** Wakes the consumer when a pin changes; null for a name, or where inotify cannot watch. */
    private final PinWatch pinWatch;
    private final StartSweeper sweeper = new StartSweeper();

    private Probe current;
    private final List<Probe> draining = new ArrayList<>();
    private long attachments;
    private String problem;
    /** What kind of problem {@link #problem} is: the key its log line is given once by. */
    private String problemKind;
    private boolean closed;
    /** Consumer thread. */
    private final ChangeLog log = ChangeLog.of(LOG::warn, LOG::info, "record source");
    /** Consumer thread. */
    private long nextAttempt;

    private SourceFollower(ProbeLocator locator, RecordSource.ReadMode mode, PerfMonitorConfig config,
                           String description, List<String> notes) {
        this.locator = locator;
        this.mode = mode;
        this.config = config;
        this.description = description;
        this.modes = new ConcurrentSkipListMap<>(config.operationModes());
        this.notes = notes;
        this.pinWatch = locator != null && !locator.pins().isEmpty() ? PinWatch.of(locator.pins()) : null;
    }

    /**
     * Follows the maps of a loaded object (the bundled samples), which never change.
     *
     * @param notes receives what the probe lacks
     */
    public static SourceFollower of(ProbeMaps maps, PerfMonitorConfig config, List<String> notes) {
        SourceFollower f = new SourceFollower(null, RecordSource.ReadMode.CONSUME, config, maps.origin(), notes);
        f.adopt(maps);
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
                f.adopt(maps.get());
            } else if (!config.waitForSource()) {
                throw new NotFoundException(locator.problem().orElse(source.describe() + " names no ring buffer"));
            } else {
                synchronized (f) {
                    f.problem = locator.problem().orElse(source.describe() + " names no ring buffer yet");
                    f.problemKind = "waiting";
                }
                f.logOnce();
            }
            return f;
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** Makes {@code maps} the current incarnation; returns how many were attached before it. */
    private long adopt(ProbeMaps maps) {
        Probe probe = Probe.attach(maps, mode, config, modes, notes);
        if (!config.histogramTypes().isEmpty() && !probe.histogramCapable()) {
            probe.close();
            throw new KernelFeatureException("histogram mode was asked for operation types " + config.histogramTypes()
                    + " but " + maps.origin() + " has no " + ProbeLayout.namesOf(ProbeLayout.MODES) + " and "
                    + ProbeLayout.namesOf(ProbeLayout.HISTOGRAMS) + " maps: its programs were built without "
                    + "kmesh_perf.h's histogram mode");
        }
        totals.attached(probe.counters());
        synchronized (this) {
            current = probe;
            problem = null;
            problemKind = null;
            return attachments++;
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
        synchronized (this) {
            if (current == null && draining.isEmpty()) {
                return List.of();
            }
            List<RingCursor> readers = new ArrayList<>(1 + draining.size());
            if (current != null) {
                readers.add(current.reader());
            }
            for (Probe p : draining) {
                readers.add(p.reader());
            }
            return readers;
        }
    }

    @Override
    public synchronized int waitFd() {
        return current != null ? current.ringFd() : -1;
    }

    @Override
    public int noticeFd() {
        return pinWatch != null ? pinWatch.fd() : -1;
    }

    @Override
    public synchronized RingCursor currentReader() {
        return current != null ? current.reader() : null;
    }

    @Override
    public void drained(RingCursor reader, int records, long nowNanos) {
        if (records == 0) {
            return;
        }
        synchronized (this) {
            for (Probe p : draining) {
                if (p.reader() == reader) {
                    p.sawRecords(nowNanos);
                }
            }
        }
    }

    /**
     * Follows the source: notices that it names another ring or none, attaches to a new one, and
     * releases drained rings whose grace period has passed. Cheap when nothing changed.
     */
    @Override
    public void tick(long nowNanos) {
        if (locator == null) {
            return;
        }
        if (pinWatch != null) {
            pinWatch.clear();
        }
        int named = locator.currentId();
        Probe attached;
        synchronized (this) {
            if (closed) {
                return;
            }
            attached = current;
            if (attached != null && named != attached.ringId()) {
                draining.add(attached);
                attached.sawRecords(nowNanos);
                current = null;
                attached = null;
                problem = named == ProbeLocator.NONE
                        ? locator.problem().orElse(description + " names no ring buffer") + "; reading what is left"
                        : null;
                problemKind = named == ProbeLocator.NONE ? "waiting" : null;
            }
        }
        if (attached == null && named != ProbeLocator.NONE && nowNanos - nextAttempt >= 0) {
            attachTo(named, nowNanos);
        } else if (attached == null && named == ProbeLocator.NONE) {
            synchronized (this) {
                problem = locator.problem().orElse(description + " names no ring buffer");
                problemKind = "waiting";
            }
        }
        retireDrained(nowNanos);
        logOnce();
    }

    private void attachTo(int named, long nowNanos) {
        ProbeMaps maps;
        try {
            maps = locator.open().orElse(null);
            if (maps == null) {
                return;
            }
            if (maps.ring().id() != named) {
                LOG.debug("{} changed again while attaching: ring {} instead of {}", description, maps.ring().id(), named);
            }
            long before = adopt(maps);
            LOG.info("{}: attached to ring buffer map {} ({}){}", description, maps.ring().id(), maps,
                    before > 0 ? ", after a restart of the data plane" : "");
        } catch (PerfMonitorException | IllegalArgumentException e) {
            nextAttempt = nowNanos + RETRY_NANOS;
            synchronized (this) {
                problem = description + " names ring buffer map " + named + " but attaching to it failed: "
                        + e.getMessage();
                problemKind = ChangeLog.kindOf(e);
            }
        }
    }

    private void retireDrained(long nowNanos) {
        List<Probe> done = new ArrayList<>();
        synchronized (this) {
            for (Probe p : draining) {
                RingCursor r = p.reader();
                boolean empty = r.pendingBytes() == 0;
                if (empty && nowNanos - p.lastRecordNanos() >= GRACE_NANOS) {
                    done.add(p);
                }
            }
            draining.removeAll(done);
            for (Probe p : done) {
                fold(p);
            }
        }
        for (Probe p : done) {
            LOG.debug("{}: released ring buffer map {} after it stayed empty", description, p.ringId());
            p.close();
        }
    }

    /** Keeps what an incarnation counted, its counters read one last time; under the lock, so no total misses it. */
    private void fold(Probe p) {
        if (p.counters() != null) {
            try {
                totals.update(p.counters());
            } catch (RuntimeException e) {
                LOG.debug("reading the counters of ring {} a last time failed: {}", p.ringId(), e.getMessage());
            }
        }
        if (p.staleStarts() != null) {
            sweeper.released(p.staleStarts());
        }
    }

    private void logOnce() {
        String p;
        String kind;
        synchronized (this) {
            p = problem;
            kind = problemKind;
        }
        if (p != null) {
            log.report(description, kind, true, () -> p);
        } else {
            log.cleared(description, () -> description + ": reading the ring buffer again");
        }
    }

    /** Deletes stale starts, at most every two seconds; on the consumer thread, never holding the lock. */
    @Override
    public void sweep(long nowNanos) {
        StaleStarts s;
        synchronized (this) {
            s = current != null ? current.staleStarts() : null;
        }
        sweeper.sweep(nowNanos, s);
    }

    // ---- any thread ----

    /** Merges the kernel's histograms of the rings read into {@code aggregator}. */
    public synchronized void mergeHistograms(OperationAggregator aggregator) {
        if (current != null) {
            current.mergeHistograms(aggregator);
        }
        for (Probe p : draining) {
            p.mergeHistograms(aggregator);
        }
    }

    /** Records dropped in the kernel, over every incarnation; empty while unknown (no counter map). */
    public synchronized OptionalLong dropped() {
        Optional<ProbeCounts> t = totals.total(live(Probe::counters));
        return t.isPresent() ? OptionalLong.of(t.get().dropped()) : OptionalLong.empty();
    }

    /** Ends without a start, over every incarnation; empty while unknown. */
    public synchronized OptionalLong endsWithoutStart() {
        Optional<ProbeCounts> t = totals.total(live(Probe::counters));
        return t.isPresent() ? OptionalLong.of(t.get().endsWithoutStart()) : OptionalLong.empty();
    }

    /** Stale starts deleted, over every incarnation. */
    public synchronized long staleStartsReaped() {
        return sweeper.reaped(live(Probe::staleStarts));
    }

    /** {@code part} of every probe still held (current and draining), where it has one; under the lock. */
    private <T> List<T> live(Function<Probe, T> part) {
        List<T> parts = new ArrayList<>(1 + draining.size());
        for (Probe p : draining) {
            T t = part.apply(p);
            if (t != null) {
                parts.add(t);
            }
        }
        T t = current != null ? part.apply(current) : null;
        if (t != null) {
            parts.add(t);
        }
        return parts;
    }

    /** Whether the attached probe has a mode map. */
    public synchronized boolean hasModes() {
        return current != null && current.modes() != null;
    }

    /** Whether the attached probe has a counter map. */
    public boolean countersKnown() {
        return totals.known();
    }

    /** Whether the attached probe keeps histograms in the kernel. */
    public synchronized boolean histogramCapable() {
        return current != null && current.histogramCapable();
    }

    /**
     * A copy of the current incarnation's start-map fd, the caller's to close (a walk of it then
     * holds no lock); empty while there is none.
     */
    public synchronized Optional<Fd> startMapCopy() {
        return current == null ? Optional.empty() : current.maps().starts().map(h -> Fd.copyOf(h.fd()));
    }

    /** The status of the source now. */
    public synchronized SourceStatus status() {
        boolean up = current != null;
        return new SourceStatus(description, up ? SourceStatus.State.ATTACHED : SourceStatus.State.WAITING, mode,
                up ? OptionalInt.of(current.ringId()) : OptionalInt.empty(), Math.max(0, attachments - 1),
                Optional.ofNullable(problem));
    }

    /**
     * Sets {@code type}'s mode in the attached probe, and in every probe attached later.
     *
     * @throws PerfMonitorException when the attached probe has no mode map
     */
    public void setOperationMode(long type, OperationMode operationMode) {
        if (type < 0 || type >= ProbeLayout.MODE_TYPES) {
            throw new IllegalArgumentException("operation type " + type + " has no mode: the probe has modes for types 0 to "
                    + (ProbeLayout.MODE_TYPES - 1));
        }
        synchronized (this) {
            if (current != null && current.modes() == null) {
                throw new PerfMonitorException(current.maps().origin() + " has no mode map ("
                        + ProbeLayout.namesOf(ProbeLayout.MODES) + "): its programs were built without kmesh_perf.h's "
                        + "modes");
            }
            modes.put(type, operationMode);
            if (current != null) {
                current.modes().set(type, operationMode);
            }
        }
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
            all = new ArrayList<>(draining);
            if (current != null) {
                all.add(0, current);
            }
            for (Probe p : all) {
                fold(p);
            }
            current = null;
            draining.clear();
        }
        Collections.reverse(all);
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
