package net.kmesh.perf.examples.view;

import java.util.ArrayList;
import java.util.List;
import net.kmesh.perf.OperationsProblem;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.SourceStatus;

/**
 * Where records come from and whether that ring is read now: attached, or waiting and why; why there
 * are no durations when a ring is attached but unwritten (or there is none, in ads mode); and the
 * starts waiting in the source's start map.
 */
public final class SourceSection implements Section {

    @Override
    public List<String> lines(Interval interval) {
        PerfSnapshot now = interval.current();
        List<String> lines = new ArrayList<>();
        lines.add("SOURCE   " + now.source().description() + "   " + state(now.source()));
        now.operationsProblem().filter(p -> p.reason() != OperationsProblem.Reason.WAITING)
                .ifPresent(p -> lines.add((p.reason().disablesOperations() ? "NO DURATIONS   " : "UNCHECKED   ")
                        + p.message()));
        now.starts().ifPresent(st -> lines.add("STARTS   " + st.pending() + " pending of " + st.capacity() + ", "
                + st.stale() + " older than " + st.staleAge().toSeconds() + " s (ends that never came)"));
        return lines;
    }

    @Override
    public String summary(Interval interval) {
        SourceStatus s = interval.current().source();
        return "source " + (s.up() ? "attached" : "waiting") + reattachments(s);
    }

    /** The state in words: attached to which ring, read how; or waiting, and why. */
    public static String state(SourceStatus s) {
        if (!s.up()) {
            return "WAITING: " + s.problem().orElse("the source names no ring buffer yet");
        }
        String ring = s.ringMapId().isPresent() ? "ring map " + s.ringMapId().getAsInt() : "its ring";
        return "attached to " + ring + (s.mode() == RecordSource.ReadMode.OBSERVE ? ", observed (not consumed)" : "")
                + reattachments(s);
    }

    private static String reattachments(SourceStatus s) {
        return s.reattachments() == 0 ? "" : ", reattached " + s.reattachments() + (s.reattachments() == 1 ? " time" : " times");
    }
}
