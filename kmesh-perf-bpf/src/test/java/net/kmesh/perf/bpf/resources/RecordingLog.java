package net.kmesh.perf.bpf.resources;

import java.util.ArrayList;
import java.util.List;

/** Keeps what a reader logs, each line prefixed with its level. */
final class RecordingLog implements DaemonUsageReader.StateLog {
    private final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void warn(String message) {
        lines.add("WARN " + message);
    }

    @Override
    public synchronized void info(String message) {
        lines.add("INFO " + message);
    }

    /** Everything logged so far, and forgets it. */
    synchronized List<String> take() {
        List<String> taken = List.copyOf(lines);
        lines.clear();
        return taken;
    }
}
