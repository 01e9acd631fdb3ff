package net.kmesh.perf.micrometer;

import java.util.function.Supplier;
import net.kmesh.perf.spi.ChangeLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what fails while publishing once per change of state, through the project's one
 * {@link ChangeLog}: the first failure of a thing, a failure of another kind after it, and its
 * recovery. A failure that repeats scrape after scrape, whatever its message says, is logged once.
 */
final class StateLog {
    private final Logger log;
    private final ChangeLog changes;

    StateLog() {
        this(LoggerFactory.getLogger(KmeshPerfMetrics.class));
    }

    StateLog(Logger log) {
        this.log = log;
        this.changes = ChangeLog.of(log::warn, log::info, "kmesh-perf metrics");
    }

    /** {@code what} failed with {@code e}: logged unless it failed the same way last time. */
    void failed(String what, Throwable e) {
        if (changes.failed(what, e, () -> what + " failed, and is left out of scrapes until it works again: " + e)) {
            log.debug("{} failed", what, e);
        }
    }

    /** {@code what} is anomalous in a way that is not an exception: logged once per kind of anomaly. */
    void problem(String what, String kind, Supplier<String> message) {
        changes.report(what, kind, true, () -> what + ": " + message.get());
    }

    /** {@code what} worked: logged when it had failed. */
    void ok(String what) {
        // Asked first: called for every part and family at every scrape, almost always of something
        // that never failed, where making the message's lambda would be most of the cost.
        if (changes.holds(what)) {
            changes.cleared(what, () -> what + " works again");
        }
    }
}
