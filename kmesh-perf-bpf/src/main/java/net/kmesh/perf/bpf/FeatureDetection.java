package net.kmesh.perf.bpf;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.kmesh.perf.Capabilities;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.OperationsProblem;
import net.kmesh.perf.OperationsProblem.Reason;
import net.kmesh.perf.SourceStatus;
import net.kmesh.perf.bpf.probe.LogRingDrops;
import net.kmesh.perf.bpf.probe.OperationsCheck;
import net.kmesh.perf.bpf.probe.Incarnations;
import net.kmesh.perf.bpf.probe.SourceFollower;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works out which features a monitor has: at open, from what each part found, and at every
 * snapshot, from what the source is now and which families could be read. Operations count only
 * when a ring is attached and a loaded program writes it; why not is said once per change in the
 * log, and at every snapshot in {@link net.kmesh.perf.PerfSnapshot#operationsProblem()}.
 */
final class FeatureDetection {
    private static final Logger LOG = LoggerFactory.getLogger(BpfPerfMonitor.class);
    /** Features that depend on the source or on a family's last read, worked out again at every snapshot. */
    private static final Set<Feature> CHANGING = EnumSet.of(Feature.OPERATIONS, Feature.DROPPED_COUNTER,
            Feature.KERNEL_HISTOGRAM, Feature.OPERATION_MODES, Feature.MAP_STATISTICS, Feature.BPF_STATS, Feature.DAEMON);

    /** What the source gives now, and why operations are off if they are. */
    record SourceFeatures(Set<Feature> features, Optional<OperationsProblem> problem) {
    }

    /** Which families a snapshot could read. */
    record Reads(boolean histograms, boolean dropped, boolean maps, boolean programs, boolean daemon) {
    }

    private final OperationsCheck check;
    private Reason logged;

    /** @param check the check of a data plane's ring, or null for the bundled samples (written by their own programs) */
    FeatureDetection(OperationsCheck check) {
        this.check = check;
    }

    /**
     * Adds the source's features at open to {@code features}, and what it lacks to {@code notes};
     * {@code dropsLogged}: the data plane logs its failed reserves into a log ring that is observed.
     */
    Optional<OperationsProblem> atOpen(SourceFollower source, boolean dropsLogged, Set<Feature> features,
                                       List<String> notes) {
        SourceFeatures now = source(source);
        features.addAll(now.features());
        if (source.status().up() && !source.incarnations().countersKnown()) {
            if (dropsLogged) {
                features.add(Feature.DROPPED_COUNTER);
                notes.add(source.status().description() + " has no counter map: dropped records are counted from "
                        + "the failed reserves the data plane logs into its log ring (" + LogRingDrops.LOG_RING + ")");
            } else {
                notes.add(source.status().description() + " has no counter map (kmesh_perf_cnt or km_perf_cnt) and "
                        + "no log ring (" + LogRingDrops.LOG_RING + ") beside it: dropped records are unknown");
            }
        }
        now.problem().ifPresent(p -> notes.add(p.message()));
        return now.problem();
    }

    /** The features at a snapshot: those probed at open that never change, the source's now, and the families read. */
    Set<Feature> atSnapshot(Capabilities opened, SourceFeatures source, Reads reads) {
        Set<Feature> features = EnumSet.noneOf(Feature.class);
        features.addAll(opened.features());
        features.removeAll(CHANGING);
        features.addAll(source.features());
        features.removeAll(EnumSet.of(Feature.DROPPED_COUNTER, Feature.KERNEL_HISTOGRAM));
        add(features, reads.histograms(), Feature.KERNEL_HISTOGRAM);
        add(features, reads.dropped(), Feature.DROPPED_COUNTER);
        add(features, reads.maps(), Feature.MAP_STATISTICS);
        add(features, reads.programs(), Feature.BPF_STATS);
        add(features, reads.daemon(), Feature.DAEMON);
        return features;
    }

    private static void add(Set<Feature> features, boolean present, Feature feature) {
        if (present) {
            features.add(feature);
        }
    }

    /** The source's features now: operations (and what goes with them) only while a written ring is attached. */
    SourceFeatures source(SourceFollower source) {
        return source(source, source.status());
    }

    /** {@link #source(SourceFollower)} with the source's {@code status} just read. */
    SourceFeatures source(SourceFollower source, SourceStatus status) {
        Optional<OperationsProblem> problem = check != null ? check.check(status) : status.up() ? Optional.empty()
                : Optional.of(new OperationsProblem(Reason.WAITING, status.problem().orElse("no ring")));
        log(problem);
        Set<Feature> features = EnumSet.noneOf(Feature.class);
        if (status.up() && problem.map(p -> !p.reason().disablesOperations()).orElse(true)) {
            features.add(Feature.OPERATIONS);
            Incarnations held = source.incarnations();
            add(features, held.hasModes(), Feature.OPERATION_MODES);
            add(features, held.histogramCapable(), Feature.KERNEL_HISTOGRAM);
            add(features, held.countersKnown(), Feature.DROPPED_COUNTER);
        }
        return new SourceFeatures(features, problem);
    }

    /** One line per change of reason; WAITING is the follower's to log. */
    private synchronized void log(Optional<OperationsProblem> problem) {
        Reason reason = problem.map(OperationsProblem::reason).orElse(null);
        if (reason == logged) {
            return;
        }
        if (reason != null && reason != Reason.WAITING) {
            LOG.warn("{}{}", reason.disablesOperations() ? "no operation durations: " : "", problem.get().message());
        } else if (reason == null && logged != null && logged != Reason.WAITING) {
            LOG.info("a loaded program writes the ring: operation durations are read");
        }
        logged = reason;
    }
}
