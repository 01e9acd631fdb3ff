package net.kmesh.perf.bpf.probe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.layout.ProbeLayout;

/**
 * Finds the ring a data-plane source names now. A pin path (or Kmesh's pin directories) is checked
 * with one {@code stat} while the file stays the same, and opened only when it changes: cheap enough
 * for every wake of the consumer. A map name is looked up by scanning only the map ids created
 * since the last scan, on the monitor's locator thread.
 */
abstract sealed class ProbeLocator permits PinLocator, NameLocator {
    /** No ring. */
    static final int NONE = -1;

    /** What the source names, for status and messages. */
    abstract String describe();

    /**
     * The id of the ring buffer the source names now, or {@link #NONE}; {@link #problem()} says why
     * when none. Never throws for a missing or changing pin.
     */
    abstract int currentId();

    /** Why {@link #currentId()} found no ring, if it did not. */
    abstract Optional<String> problem();

    /**
     * Opens the ring the source names now, with its probe maps; empty when it names none now.
     *
     * @throws PerfMonitorException when it names something that cannot be read (a privilege refused)
     */
    abstract Optional<ProbeMaps> open();

    /** Throws when the source can never name a ring (a pin path naming a directory or a hash map...). */
    abstract void checkPossible();

    /** Looks for changes off the consumer thread; pins need none. */
    void scan() {
    }

    /** Whether {@link #scan()} must run on a thread of its own. */
    boolean scans() {
        return false;
    }

    /** The pin paths the source is found at, whose directories a {@link PinWatch} can watch; none for a name. */
    List<Path> pins() {
        return List.of();
    }

    static ProbeLocator of(RecordSource source, ProgramIndex programs) {
        if (source instanceof RecordSource.Pinned p) {
            return new PinLocator(List.of(p.path()), p.describe(), programs, true);
        }
        if (source instanceof RecordSource.Kmesh k) {
            List<Path> candidates = new ArrayList<>();
            for (Path dir : k.mapDirectories()) {
                List<String> names = ProbeLayout.namesOf(ProbeLayout.RING);
                // Kmesh's own name first: its config.h renames kmesh_perf_info to km_perf_info.
                for (String name : List.of(names.get(1), names.get(0))) {
                    candidates.add(dir.resolve(name));
                }
            }
            return new PinLocator(candidates, k.describe(), programs, false);
        }
        if (source instanceof RecordSource.Named n) {
            return new NameLocator(n.mapName(), n.describe(), programs);
        }
        throw new IllegalArgumentException("no locator for " + source);
    }
}
