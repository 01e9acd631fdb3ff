package net.kmesh.perf.bpf.resources;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Finds the process with a given name ({@code /proc/PID/comm}, matched exactly); when several have
 * it, the one started first (then the lowest pid). Thread-safe.
 */
final class ProcessFinder {
    /** The process found last is checked through these, at every reading. */
    private final ProcFs proc;
    /** Every process is looked at through these when the one found last is gone: opened at each read, never held. */
    private final ProcFs plain;
    private final String comm;
    private final AtomicReference<Found> last = new AtomicReference<>();

    /** A live process with the name, and its stat as just read. */
    record Found(long pid, ProcStat stat) {
    }

    ProcessFinder(ProcFs proc, String name) {
        this.proc = proc;
        this.plain = proc.openingEachRead();
        // ProcFs reads names as ISO-8859-1 chars of their bytes; compare with the same view of the UTF-8 name.
        this.comm = new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /**
     * The oldest live process with the name, looked up again unless the one found last is still
     * alive and named so: any process that takes the name later started later, except one that
     * renames itself, which is found once the current one exits.
     */
    Optional<Found> find() {
        Found previous = last.get();
        if (previous != null) {
            Optional<ProcStat> now = proc.stat(previous.pid()).filter(s -> isAlive(s)
                    && s.startTicks() == previous.stat().startTicks());
            if (now.isPresent()) {
                return Optional.of(new Found(previous.pid(), now.get()));
            }
        }
        Optional<Found> found = scan();
        last.set(found.orElse(null));
        return found;
    }

    private Optional<Found> scan() {
        return plain.pids().stream()
                .filter(pid -> plain.comm(pid).filter(comm::equals).isPresent())
                .flatMap(pid -> plain.stat(pid).filter(this::isAlive).map(s -> new Found(pid, s)).stream())
                .min(Comparator.comparingLong((Found f) -> f.stat().startTicks()).thenComparingLong(Found::pid));
    }

    private boolean isAlive(ProcStat stat) {
        return !stat.exited() && stat.comm().equals(comm);
    }
}
