package net.kmesh.perf.bpf.probe;

import java.util.Objects;
import java.util.Optional;
import net.kmesh.perf.spi.ChangeLog;
import org.slf4j.Logger;

/**
 * What keeps a record source from being read now, if anything, logged once per change of its
 * kind (waiting for a ring, or a failure's kind) and once when it clears. Set from any thread;
 * {@link #log()} runs on the consumer thread.
 */
final class SourceProblem {
    /** The kind of problem while the source names no ring. */
    static final String WAITING = "waiting";

    private final String description;
    /** Consumer thread. */
    private final ChangeLog log;
    private String problem;
    private String kind;
    /** Set or cleared since the last {@link #log()}. */
    private boolean changed = true;

    SourceProblem(String description, Logger logger) {
        this.description = description;
        this.log = ChangeLog.of(logger::warn, logger::info, "record source");
    }

    synchronized void set(String problem, String kind) {
        if (!Objects.equals(problem, this.problem) || !Objects.equals(kind, this.kind)) {
            changed = true;
        }
        this.problem = problem;
        this.kind = kind;
    }

    synchronized void clear() {
        set(null, null);
    }

    synchronized Optional<String> now() {
        return Optional.ofNullable(problem);
    }

    /** Logs the problem if its kind changed, or that it cleared. */
    void log() {
        String p;
        String k;
        synchronized (this) {
            if (!changed) {
                return;
            }
            changed = false;
            p = problem;
            k = kind;
        }
        if (p != null) {
            log.report(description, k, true, () -> p);
        } else {
            log.cleared(description, () -> description + ": reading the ring buffer again");
        }
    }
}
