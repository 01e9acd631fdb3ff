package net.kmesh.perf.bpf.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import net.kmesh.perf.OperationsProblem;
import net.kmesh.perf.OperationsProblem.Reason;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.SourceStatus;

/**
 * Tells whether a data plane's source can give operation records now: a ring is attached and a
 * loaded program writes it (the ring's id is in some program's map ids). Asked at every snapshot
 * (for one ring at most once a second: a snapshot may come every few milliseconds), so programs that
 * come and go (Kmesh restarting into a build with its probe) are seen without a restart of the
 * monitor. Kmesh in ads mode, which pins maps but has no probe ring, is told apart from a Kmesh
 * that is not running.
 */
public final class OperationsCheck {
    /** The line of Kmesh's source that compiles its probe out, and what to do about it. */
    static final String KMESH_PROBE_FIX = "Kmesh compiles its probe out by default: set the line "
            + "'#define PERF_MONITOR 0' of bpf/kmesh/probes/performance_probe.h to 1 and rebuild Kmesh "
            + "(kmesh-daemon's --profiling only starts Kmesh's own reader of the ring, it does not write records)";

    /** How long an answer for one ring stands: listing every program is a system call per program. */
    static final long RECHECK_NANOS = 1_000_000_000L;

    private final RecordSource source;
    private final ProgramIndex programs;
    private int checkedRing = -1;
    private Optional<Boolean> written = Optional.empty();
    private long checkedAt;

    private OperationsCheck(RecordSource source, ProgramIndex programs) {
        this.source = source;
        this.programs = programs;
    }

    /** A check of {@code source}, a data plane's (the bundled samples are written by their own programs). */
    public static OperationsCheck of(RecordSource source) {
        return new OperationsCheck(source, new ProgramIndex());
    }

    /**
     * Why {@code status}'s source gives no operation records now, or why that cannot be vouched for;
     * empty when the attached ring is written by a loaded program.
     */
    public Optional<OperationsProblem> check(SourceStatus status) {
        if (!status.up()) {
            Optional<Path> ads = adsModeDirectory();
            if (ads.isPresent()) {
                return Optional.of(new OperationsProblem(Reason.ADS_MODE, "Kmesh runs in ads mode (its maps are "
                        + "pinned under " + ads.get() + "): ads mode has no performance probe ring, so there are no "
                        + "operation durations to read; map, program and daemon statistics are reported as usual. "
                        + "Kmesh's probe exists only in workload mode."));
            }
            return Optional.of(new OperationsProblem(Reason.WAITING,
                    status.problem().orElse(status.description() + " names no ring buffer") + ": waiting for it"));
        }
        int ring = status.ringMapId().orElseThrow();
        Optional<Boolean> writer = writtenNow(ring);
        if (writer.isEmpty()) {
            return Optional.of(new OperationsProblem(Reason.WRITER_UNKNOWN, "whether a loaded program writes ring "
                    + "buffer map " + ring + " (" + status.description() + ") cannot be checked: listing BPF programs "
                    + "needs CAP_SYS_ADMIN. If no duration ever appears, the data plane's programs may not write it"
                    + (isKmesh(status) ? "; " + KMESH_PROBE_FIX : "")));
        }
        if (!writer.get()) {
            return Optional.of(new OperationsProblem(Reason.NOT_WRITTEN, "the data plane's programs do not write "
                    + "ring buffer map " + ring + " (" + status.description() + "): no loaded program uses it, so "
                    + "there are no operation durations. "
                    + (isKmesh(status) ? KMESH_PROBE_FIX
                    : "Load programs built with the probe (kmesh_perf.h) that write this ring")
                    + ". Durations appear once they load; the monitor need not restart."));
        }
        return Optional.empty();
    }

    /** Whether a loaded program writes {@code ring}, asked again at most every {@link #RECHECK_NANOS}. */
    private synchronized Optional<Boolean> writtenNow(int ring) {
        long now = System.nanoTime();
        if (ring != checkedRing || now - checkedAt >= RECHECK_NANOS) {
            written = programs.used(ring);
            checkedRing = ring;
            checkedAt = now;
        }
        return written;
    }

    private boolean isKmesh(SourceStatus status) {
        return source instanceof RecordSource.Kmesh || status.description().contains("km_perf_info");
    }

    /** Kmesh's ads-mode directory when Kmesh runs in ads mode: maps pinned there, none of them a ring of ours. */
    private Optional<Path> adsModeDirectory() {
        if (!(source instanceof RecordSource.Kmesh k)) {
            return Optional.empty();
        }
        Path ads = k.bpffs().resolve(RecordSource.Kmesh.ADS_MAP_DIR);
        try (Stream<Path> pins = Files.list(ads)) {
            return pins.findAny().isPresent() ? Optional.of(ads) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // absent, or not readable: not known to be ads mode
        }
    }
}
