package net.kmesh.perf.examples.view;

import java.util.List;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.SourceStatus;

/** Where records come from and whether that ring is read now: attached, or waiting and why. */
public final class SourceSection implements Section {

    @Override
    public List<String> lines(Interval interval) {
        return List.of("SOURCE   " + interval.current().source().description() + "   " + state(interval.current().source()));
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
