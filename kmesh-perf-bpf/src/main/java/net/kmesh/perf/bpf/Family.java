package net.kmesh.perf.bpf;

import java.util.Optional;
import java.util.function.Supplier;
import net.kmesh.perf.PerfMonitorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One family of a snapshot (operations, counters, maps, programs, daemon), read on its own so that
 * its failure leaves the others intact. A failure is logged when it starts or changes kind, and its
 * recovery once.
 */
final class Family {
    private static final Logger LOG = LoggerFactory.getLogger(BpfPerfMonitor.class);
    private final String name;
    /** What kind of failure is going on (exception class and errno), or null. */
    private String failing;

    Family(String name) {
        this.name = name;
    }

    <T> Optional<T> run(Supplier<T> read) {
        try {
            T value = read.get();
            recovered();
            return Optional.of(value);
        } catch (RuntimeException e) {
            failed(e);
            return Optional.empty();
        }
    }

    private synchronized void recovered() {
        if (failing != null) {
            LOG.info("{} can be read again", name);
            failing = null;
        }
    }

    private synchronized void failed(RuntimeException e) {
        // Keyed by kind, not text: messages that name a map or a pid would log every snapshot.
        String kind = e.getClass().getName() + (e instanceof PerfMonitorException p
                ? p.errno().stream().mapToObj(n -> " errno " + n).findFirst().orElse("") : "");
        if (!kind.equals(failing)) {
            LOG.warn("{} are missing from snapshots until this is fixed: {}", name, e.getMessage());
            LOG.debug("{} failed", name, e);
        }
        failing = kind;
    }
}
