package net.kmesh.perf.bpf;

import java.util.Optional;
import java.util.function.Supplier;
import net.kmesh.perf.spi.ChangeLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One family of a snapshot (operations, counters, maps, programs, daemon), read on its own so that
 * its failure leaves the others intact. A failure is logged when it starts or changes kind, and its
 * recovery once ({@link ChangeLog}).
 */
final class Family {
    private static final Logger LOG = LoggerFactory.getLogger(BpfPerfMonitor.class);
    private final String name;
    private final ChangeLog log;

    Family(String name) {
        this.name = name;
        this.log = ChangeLog.of(LOG::warn, LOG::info, name);
    }

    <T> Optional<T> run(Supplier<T> read) {
        try {
            T value = read.get();
            if (log.holds(name)) {
                log.cleared(name, () -> "can be read again");
            }
            return Optional.of(value);
        } catch (RuntimeException e) {
            if (log.failed(name, e, () -> "missing from snapshots until this is fixed: " + e.getMessage())) {
                LOG.debug("{} failed", name, e);
            }
            return Optional.empty();
        }
    }
}
