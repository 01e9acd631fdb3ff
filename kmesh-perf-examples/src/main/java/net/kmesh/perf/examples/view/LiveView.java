package net.kmesh.perf.examples.view;

import java.io.PrintStream;
import java.time.Clock;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Shows each interval: on a terminal as a screen redrawn in place (like bpftop), one section under
 * the other; otherwise as one summary line per interval, fit for a log.
 */
public final class LiveView {
    /** ANSI: cursor home, clear the screen. */
    static final String CLEAR = "\033[H\033[2J";

    private final PrintStream out;
    private final boolean terminal;
    private final String header;
    /**
     * Made with the view: the system's time zone is read from a file (tzdb.dat) the first time it is
     * needed, which must not be the first summary line of a process that has run out of fds.
     */
    private final Clock clock = Clock.systemDefaultZone();
    private final List<Section> sections = List.of(
            new SourceSection(),
            new OperationsSection(),
            new RecordsSection(),
            new MapsSection(),
            new ProgramsSection(),
            new DaemonSection());

    /**
     * @param terminal whether {@code out} is a terminal (redraw) or not (one line per interval)
     * @param header   shown above the sections on a terminal, e.g. the URL and the source
     */
    public LiveView(PrintStream out, boolean terminal, String header) {
        this.out = out;
        this.terminal = terminal;
        this.header = header;
    }

    public void show(Interval interval) {
        out.print(terminal ? screen(interval) : summaryLine(interval) + System.lineSeparator());
        out.flush();
    }

    /** The full-screen view of {@code interval}. */
    String screen(Interval interval) {
        List<String> lines = new ArrayList<>();
        lines.add(header);
        for (Section s : sections) {
            lines.add("");
            lines.addAll(s.lines(interval));
        }
        return CLEAR + String.join(System.lineSeparator(), lines) + System.lineSeparator();
    }

    /** The one-line summary of {@code interval}, starting with the local time. */
    String summaryLine(Interval interval) {
        List<String> parts = new ArrayList<>();
        for (Section s : sections) {
            parts.add(s.summary(interval));
        }
        return LocalTime.now(clock).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_LOCAL_TIME) + " "
                + String.join(" | ", parts);
    }
}
