package net.kmesh.perf.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.kmesh.perf.PerfMonitorException;

/**
 * Logs a condition once per change of state: when a subject enters it, when the kind of condition
 * changes, and when the subject leaves it. A condition that holds scrape after scrape is logged
 * once. For the implementation and the binder, not for applications.
 *
 * <p>The key is the condition's <em>kind</em> (an exception's class and errno, say), never its
 * message: a message that names a pid, a map id or a count would differ every time and log every
 * time. The message is built only when it is logged.
 *
 * <p>Subjects may come from what a data plane names (pins, map ids); the table keeps at most
 * {@link #MAX_SUBJECTS}. Past that a new subject is logged once with a note that further ones are
 * not tracked, and then not again until the table has room.
 */
public final class ChangeLog {
    /** The most subjects tracked at once. */
    public static final int MAX_SUBJECTS = 1024;

    private final Sink sink;
    private final String prefix;
    private final Map<String, String> kinds = new LinkedHashMap<>();
    private boolean saidFull;

    /** Where lines go: a logger's WARN and INFO, in the caller's logging framework. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param warn a line at WARN, else at INFO
         * @param line the whole line
         */
        void line(boolean warn, String line);
    }

    /**
     * @param sink   where lines go, e.g. {@code (warn, line) -> { if (warn) LOG.warn(line); else LOG.info(line); }}
     * @param prefix the start of every line, e.g. {@code "map statistics"}
     */
    public ChangeLog(Sink sink, String prefix) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    /**
     * A log whose WARN and INFO lines go to {@code warn} and {@code info}, e.g. an SLF4J logger's
     * {@code LOG::warn} and {@code LOG::info}.
     *
     * @param warn   takes a line at WARN
     * @param info   takes a line at INFO
     * @param prefix the start of every line
     * @return the log
     */
    public static ChangeLog of(Consumer<String> warn, Consumer<String> info, String prefix) {
        Objects.requireNonNull(warn, "warn");
        Objects.requireNonNull(info, "info");
        return new ChangeLog((isWarn, line) -> (isWarn ? warn : info).accept(line), prefix);
    }

    /**
     * The kind of a failure: its class, and the errno of a failed system call where there is one.
     *
     * @param e a failure
     * @return a key that stays the same while the same thing keeps failing the same way
     */
    public static String kindOf(Throwable e) {
        StringBuilder kind = new StringBuilder(e.getClass().getName());
        if (e instanceof PerfMonitorException p) {
            p.errno().ifPresent(n -> kind.append(" errno ").append(n));
        }
        return kind.toString();
    }

    /**
     * {@code subject} is in a condition of {@code kind}: logged at WARN (or INFO) unless it was in
     * a condition of the same kind at the last report.
     *
     * @param subject what the condition is about, e.g. {@code "operations"} or a pin path
     * @param kind    the kind of condition; see {@link #kindOf}
     * @param warn    log at WARN, else at INFO
     * @param message the line to log, built only when it is logged
     * @return true when a line was logged
     */
    public synchronized boolean report(String subject, String kind, boolean warn, Supplier<String> message) {
        String before = kinds.get(subject);
        if (kind.equals(before)) {
            return false;
        }
        if (before == null && kinds.size() >= MAX_SUBJECTS) {
            if (saidFull) {
                return false;
            }
            saidFull = true;
            emit(warn, message.get() + " (" + MAX_SUBJECTS
                    + " conditions are already tracked: further ones are not logged until some end)");
            return true;
        }
        kinds.put(subject, kind);
        emit(warn, message.get());
        return true;
    }

    /**
     * {@code subject} failed with {@code e}: logged at WARN once per kind of failure.
     *
     * @param subject what failed
     * @param e       the failure; its kind is {@link #kindOf}
     * @param message the line to log, built only when it is logged
     * @return true when a line was logged
     */
    public boolean failed(String subject, Throwable e, Supplier<String> message) {
        return report(subject, kindOf(e), true, message);
    }

    /**
     * {@code subject} is no longer in any condition: logged at INFO when it was.
     *
     * @param subject what recovered
     * @param message the line to log, built only when it is logged
     * @return true when a line was logged
     */
    public synchronized boolean cleared(String subject, Supplier<String> message) {
        if (kinds.remove(subject) == null) {
            return false;
        }
        saidFull = false;
        sink.line(false, prefix + ": " + message.get());
        return true;
    }

    /**
     * Forgets {@code subject} without a line: its next report is logged as new. For a condition
     * whose end was never seen (a collection that failed half way), not for a recovery.
     *
     * @param subject what to forget
     */
    public synchronized void forget(String subject) {
        if (kinds.remove(subject) != null) {
            saidFull = false;
        }
    }

    /**
     * Whether {@code subject} is in a condition now.
     *
     * @param subject what to ask about
     * @return true while it is
     */
    public synchronized boolean holds(String subject) {
        return kinds.containsKey(subject);
    }

    private void emit(boolean warn, String line) {
        sink.line(warn, prefix + ": " + line);
    }
}
