package net.kmesh.perf.bpf.ringbuf;

/**
 * How long the consumer thread waits between reads, from how fast its current ring fills. After a
 * read that found records it waits at most the batch delay, no longer than the ring takes to fill
 * at 10,000 records/s ({@link #JUMP_BYTES_PER_NANO}), and leaves free 12 ms of the ring's fill
 * time at the recent peak rate, or three quarters of it where that is more (an observer: always
 * three quarters), so a small ring (Kmesh's is 4 KiB) does not overflow because of the wait; rates are
 * taken over spans of at least 5 ms, so a producer's bursts do not pass for its rate. A consumer whose ring fills fast waits for the kernel's wake-up instead;
 * an observer, whose wake-ups the real consumer takes, keeps reading on the timer while records
 * come. Holds the rate seen so far; used on the consumer thread only.
 */
final class WaitPlan {
    /** The first pauses while data is pending but unreadable, before they lengthen to the batch delay. */
    private static final long BUSY_HEAD_PAUSE_NANOS = 20_000;
    private static final int SHORT_PAUSES = 50;
    /** The wait after records arrive on an idle ring, before their rate is known. */
    private static final long FIRST_DELAY_NANOS = 1_000_000;
    static final long PEAK_HALF_LIFE_NANOS = 1_000_000_000L;
    /**
     * The shortest span a rate is measured over. A producer writes in bursts (Kmesh's in softirqs
     * and syscalls, a test's every millisecond): bytes over the time since the last read would take
     * a burst that just arrived for a rate, and plan waits so short that most reads find nothing.
     */
    static final long RATE_WINDOW_NANOS = 5_000_000L;
    /**
     * A consumer whose ring fills faster than this at the recent mean rate (Kmesh's 4 KiB ring above
     * about 6,400 records a second) waits for the kernel's wake-up after each read instead of a
     * timer: the wake-up comes with the first record written after the read, so the ring is nearly
     * empty whenever the consumer is woken, and a neighbour that holds the CPU for a few
     * milliseconds finds it with most of its room still free. A slower ring is read on a timer that
     * leaves at least {@link #TIMER_ROOM_NANOS} of room. At 10 ms a timer at 10,000 records/s
     * (a quarter's wait) dropped records under CI's load.
     */
    static final long NOTIFIED_RING_NANOS = 16_000_000L;
    /**
     * The fill time a consumer's timer leaves free at least, at the peak rate. Kmesh's 4 KiB ring at
     * 5,000 records/s fills in 20.5 ms, and the timer waits up to 8.5 ms; written every millisecond,
     * its 5 ms spans peak at 6,000-7,000 records/s, and the agent read it 172-186 times a second
     * where a quarter of the fill at the peak (the wait until then, 15 ms free) read it 237 times and
     * the kernel's wake-ups a thousand. Each read is a wake-up, 50-80 µs of the agent's CPU on a VM
     * (a bare timer's wake-up of an idle JVM thread cost 78 µs here, of a C thread 47 µs). A
     * producer in bursts raises the peak and shortens the wait: at 8,000 records/s the ring fills
     * in 12.8 ms, and the wait is the quarter of {@link #delayFor}.
     */
    static final long TIMER_ROOM_NANOS = 12_000_000L;
    /**
     * The fastest rate a ring read on a timer is sure to hold from one read to the next, whatever
     * it held before: 10,000 of Kmesh's records a second (32 bytes and the 8-byte header each). A
     * timer planned at a slow rate lasts up to the batch delay, and a producer that speeds up
     * meanwhile fills the ring before the next read; this caps the timer of a small ring at the
     * time that rate takes to fill it (Kmesh's 4 KiB ring: 10.24 ms, what the batch delay's former
     * default of 10 ms gave it), so a longer batch delay lengthens only the waits of larger rings.
     */
    static final double JUMP_BYTES_PER_NANO = 10_000 * 40 / 1e9;
    /** The time constant of the mean rate that chooses between the timer and the kernel's wake-ups. */
    static final long MEAN_TAU_NANOS = 100_000_000L;

    private final long batchDelayNanos;
    private final long idleWaitNanos;
    private long lastDrainNanos;
    /** The time since the read before this turn's. */
    private long elapsedNanos;
    /** When the last turn began to wait in epoll for records; -1 when it did not. */
    private long idleSinceNanos = -1;
    /** Whether this turn's records came after a wait in epoll longer than a rate window: at a pace not known yet. */
    private boolean fromIdle;
    /** Bytes the current ring filled with since {@link #windowStartNanos}, for the next rate taken. */
    private long windowBytes;
    private long windowStartNanos;
    /** Turns in a row that found data pending but nothing to read. */
    private int pendingPauses;
    /** Bytes per nanosecond the current ring was seen to fill at recently (decaying peak). */
    private double peakRate;
    /**
     * Bytes per nanosecond the current ring filled at on average lately (time constant
     * {@link #MEAN_TAU_NANOS}): what decides whether a consumer waits for the kernel's wake-up. The
     * peak, which plans how long a wait may be, is a burst's rate: a producer at 5,000 records/s that
     * writes as connects come, or catches up after being descheduled, has 5 ms spans at 8,000–10,000,
     * and by its peak the consumer waited for the kernel's wake-up at nearly every record.
     */
    private double meanRate;

    WaitPlan(long batchDelayNanos, long idleWaitNanos, long startNanos) {
        this.batchDelayNanos = batchDelayNanos;
        this.idleWaitNanos = idleWaitNanos;
        this.lastDrainNanos = startNanos;
        this.windowStartNanos = startNanos;
    }

    /** A turn read the rings at {@code now}. */
    void read(long now) {
        elapsedNanos = now - lastDrainNanos;
        lastDrainNanos = now;
        fromIdle = idleSinceNanos >= 0 && now - idleSinceNanos >= RATE_WINDOW_NANOS;
        idleSinceNanos = -1;
    }

    /**
     * The wait after a read that found records, or found an observer lapped: {@code bytes} moved
     * {@code current}'s position (null when the source names no ring). 0 reads again at once.
     */
    long afterRecords(RingCursor current, long bytes, long now) {
        pendingPauses = 0;
        if (current == null) {
            return batchDelayNanos;
        }
        if (bytes >= current.size() / 2) {
            // Half the ring filled during one wait planned for a quarter: the rate jumped; read again at once.
            peakRate = plannedRate(peakRate, bytes, elapsedNanos);
            measure(bytes, now);
            return 0;
        }
        if (fromIdle || peakRate == 0) {
            // The first records after a while, or no rate taken yet: their pace is unknown, and
            // after a while they came in a span not known either: the window starts again.
            if (fromIdle) {
                windowBytes = 0;
                windowStartNanos = now;
            } else {
                measure(bytes, now);
            }
            return Math.min(delayFor(current.size(), peakRate, batchDelayNanos), FIRST_DELAY_NANOS);
        }
        measure(bytes, now);
        if (!current.consumes()) {
            // An observer plans on the rate since its last read too: a burst shortens its next
            // wait, since no wake-up of the kernel's can hurry it and what it is late for is lost.
            peakRate = plannedRate(peakRate, bytes, elapsedNanos);
            return delayFor(current.size(), peakRate, timerCap(current.size(), batchDelayNanos));
        }
        return consumerDelay(current.size(), peakRate, batchDelayNanos);
    }

    /**
     * A consumer's wait on the timer: as long as leaves {@link #TIMER_ROOM_NANOS} of the ring's fill
     * at {@code bytesPerNano} free, up to {@link #timerCap}, and never shorter than a quarter of the
     * fill ({@link #delayFor}): a wake-up costs the agent 25–80 µs of CPU on a VM.
     */
    static long consumerDelay(int ringSize, double bytesPerNano, long batchDelayNanos) {
        long cap = timerCap(ringSize, batchDelayNanos);
        long quarter = delayFor(ringSize, bytesPerNano, cap);
        if (!(bytesPerNano > 0)) {
            return quarter;
        }
        long fill = (long) (ringSize / bytesPerNano);
        return Math.max(quarter, Math.min(cap, fill - TIMER_ROOM_NANOS));
    }

    /**
     * The longest timer after records for a ring of {@code ringSize} bytes: the batch delay, or
     * less for a ring that {@link #JUMP_BYTES_PER_NANO} fills sooner.
     */
    static long timerCap(int ringSize, long batchDelayNanos) {
        return Math.min(batchDelayNanos, (long) (ringSize / JUMP_BYTES_PER_NANO));
    }

    /** Whether a consumer of {@code current} waits for the kernel's wake-up after a read rather than a timer. */
    boolean waitsForKernel(RingCursor current) {
        return current.consumes() && waitsForKernel(current.size(), meanRate);
    }

    /** Whether a ring of {@code ringSize} bytes filling at {@code bytesPerNano} is read at the kernel's wake-ups. */
    static boolean waitsForKernel(int ringSize, double bytesPerNano) {
        return bytesPerNano * NOTIFIED_RING_NANOS > ringSize;
    }

    /**
     * The pause while data is pending but unreadable (a record reserved but not committed, another
     * reader's unfreed records): epoll would return at once.
     */
    long pendingPause(int ringSize) {
        return pendingPauses++ < SHORT_PAUSES ? BUSY_HEAD_PAUSE_NANOS : timerWait(ringSize);
    }

    /**
     * A timer's wait where no rate plans it (behind a busy record, an observer between records):
     * the batch delay as {@link #timerCap} caps it for a ring of {@code ringSize} bytes, and never
     * longer than the idle wait.
     */
    long timerWait(int ringSize) {
        return Math.min(timerCap(ringSize, batchDelayNanos), idleWaitNanos);
    }

    /**
     * An observer between records: the timer's wait while records came recently, at their pace, or
     * -1 once that pace is slower than the batch delay.
     */
    long observerGap(RingCursor current, long now) {
        pendingPauses = 0;
        measure(0, now);
        long cap = timerCap(current.size(), batchDelayNanos);
        long delay = delayFor(current.size(), peakRate, cap);
        return delay < cap ? delay : -1;
    }

    /** The turn found nothing and waits in epoll from {@code now}. */
    void idle(long now) {
        pendingPauses = 0;
        idleSinceNanos = now;
    }

    /**
     * Adds {@code bytes} read at {@code now} to the rate window, and takes the window's rate into the
     * planned peak once the window spans {@link #RATE_WINDOW_NANOS}.
     */
    private void measure(long bytes, long now) {
        windowBytes += bytes;
        long span = now - windowStartNanos;
        if (span >= RATE_WINDOW_NANOS) {
            peakRate = plannedRate(peakRate, windowBytes, span);
            meanRate = meanRate(meanRate, windowBytes, span);
            windowBytes = 0;
            windowStartNanos = now;
        }
    }

    /** The mean rate after a span of {@code spanNanos} that filled {@code bytes}, from {@code previous}. */
    static double meanRate(double previous, long bytes, long spanNanos) {
        double seen = (double) bytes / spanNanos;
        return previous + (1 - Math.exp(-(double) spanNanos / MEAN_TAU_NANOS)) * (seen - previous);
    }

    /**
     * How long to wait after a read, for a ring of {@code ringSize} bytes filling at
     * {@code bytesPerNano}: the batch delay, but never longer than a quarter of the ring takes to
     * fill at that rate.
     */
    static long delayFor(int ringSize, double bytesPerNano, long batchDelayNanos) {
        if (!(bytesPerNano > 0)) {
            return batchDelayNanos;
        }
        return (long) Math.min(batchDelayNanos, (ringSize / 4) / bytesPerNano);
    }

    /**
     * The rate to plan the next wait for: the rate just seen, or the recent peak decaying with a
     * half-life of {@link #PEAK_HALF_LIFE_NANOS}, whichever is higher. A producer that pauses for a
     * moment (or is descheduled) does not stretch the wait a burst right after it would overflow.
     */
    static double plannedRate(double previousPeak, long bytes, long elapsedNanos) {
        double seen = elapsedNanos > 0 ? (double) bytes / elapsedNanos : 0;
        double decayed = previousPeak * Math.pow(0.5, (double) Math.max(0, elapsedNanos) / PEAK_HALF_LIFE_NANOS);
        return Math.max(seen, decayed);
    }
}
