package net.kmesh.perf.examples.view;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.time.Duration;
import net.kmesh.perf.ProgramRates;

/** The programs that ran most in the interval: runs per second, time per run, share of one CPU. */
public final class ProgramsSection implements Section {
    static final int SHOWN = 8;
    private static final String ROW = "%-18s %-16s %10s %10s %8s";

    @Override
    public List<String> lines(Interval interval) {
        List<ProgramRates> rates = byRunTime(interval);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, ROW, "PROGRAM (" + rates.size() + ")", "TYPE", "RUNS/S", "PER RUN", "CPU"));
        if (rates.isEmpty()) {
            lines.add("  (no program selected, or program statistics are off)");
        }
        for (ProgramRates r : rates.subList(0, Math.min(SHOWN, rates.size()))) {
            lines.add(String.format(Locale.ROOT, ROW, r.program().name(), r.program().type(),
                    Format.rate(r.runsPerSecond()), r.runs() == 0 ? "-" : Format.nanos(Math.round(r.averageRunNanos())),
                    Format.percent(r.cpuShare())));
        }
        return lines;
    }

    @Override
    public String summary(Interval interval) {
        List<ProgramRates> rates = byRunTime(interval);
        if (rates.isEmpty()) {
            return "programs 0";
        }
        ProgramRates top = rates.get(0);
        return "programs " + rates.size() + ", busiest " + top.program().name() + " " + Format.percent(top.cpuShare());
    }

    static List<ProgramRates> byRunTime(Interval interval) {
        List<ProgramRates> rates = new ArrayList<>(ProgramRates.between(interval.previous().programs(),
                interval.current().programs(), Duration.ofNanos(Math.round(interval.seconds() * 1e9))));
        rates.sort(Comparator.comparingLong(ProgramRates::runTimeNanos).reversed()
                .thenComparing(r -> r.program().name()));
        return rates;
    }
}
