package net.kmesh.perf.micrometer;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what fails while publishing once per change of state: the first failure of a thing (with
 * its cause), a different failure after it, and its recovery; a failure that repeats scrape after
 * scrape is not logged again.
 */
final class StateLog {
    private final Logger log;
    private final Map<String, String> failing = new HashMap<>();

    StateLog() {
        this(LoggerFactory.getLogger(KmeshPerfMetrics.class));
    }

    StateLog(Logger log) {
        this.log = log;
    }

    /** {@code what} failed with {@code e}: logged unless it failed the same way last time. */
    synchronized void failed(String what, Throwable e) {
        String problem = e.getClass().getName() + ": " + e.getMessage();
        String before = failing.put(what, problem);
        if (!Objects.equals(before, problem)) {
            log.warn("kmesh-perf metrics: {} failed, and is left out of scrapes until it works again", what, e);
        }
    }

    /** {@code what} is anomalous in a way that is not an exception: logged once per distinct message. */
    synchronized void problem(String what, String message) {
        String before = failing.put(what, message);
        if (!Objects.equals(before, message)) {
            log.warn("kmesh-perf metrics: {}: {}", what, message);
        }
    }

    /** {@code what} worked: logged when it had failed. */
    synchronized void ok(String what) {
        if (!failing.isEmpty() && failing.remove(what) != null) {
            log.info("kmesh-perf metrics: {} works again", what);
        }
    }
}
