package net.kmesh.perf.bpf.maps;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.kmesh.perf.spi.ChangeLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the last collection left out of its selection and why: an id no map has, a pin that is
 * gone or is not a map, a pin directory that does not exist yet. Each is logged when it starts and
 * when it ends, not at every scrape ({@link ChangeLog}).
 */
final class Omissions {
    private static final Logger LOG = LoggerFactory.getLogger(MapStatsCollector.class);
    private final ChangeLog log = ChangeLog.of(LOG::warn, LOG::info, "map statistics");

    private Map<String, Entry> current = new LinkedHashMap<>();
    private Map<String, Entry> next = new LinkedHashMap<>();

    private record Entry(String message, boolean warn) {
    }

    /** Starts a collection; what a collection that failed half way left out is forgotten. */
    void begin() {
        for (String key : next.keySet()) {
            if (!current.containsKey(key)) {
                log.forget(key);
            }
        }
        next = new LinkedHashMap<>();
    }

    /**
     * Records that something is left out of this collection. The message is built and logged only
     * when {@code key} was not left out by the last collection.
     *
     * @param key  what is left out and why, e.g. "missing pin /sys/fs/bpf/x": one key, one message
     * @param warn log at WARN (something named explicitly is missing), else at INFO
     */
    void add(String key, Supplier<String> message, boolean warn) {
        Entry e = current.get(key);
        if (e == null) {
            e = next.get(key);
        }
        if (e == null) {
            e = new Entry(message.get(), warn);
        }
        Entry logged = e;
        log.report(key, "left out", warn, () -> logged.message() + " (left out until that changes)");
        next.put(key, e);
    }

    /** Ends a collection that succeeded: what is no longer left out is said so. */
    void end() {
        for (Map.Entry<String, Entry> e : current.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                log.cleared(e.getKey(),
                        () -> "no longer left out: " + e.getKey() + " (was: " + e.getValue().message() + ")");
            }
        }
        current = next;
        next = new LinkedHashMap<>();
    }

    /** What the last successful collection left out, one line each. */
    List<String> messages() {
        return current.values().stream().map(Entry::message).toList();
    }
}
