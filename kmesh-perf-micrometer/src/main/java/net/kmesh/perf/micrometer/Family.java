package net.kmesh.perf.micrometer;

import java.util.Objects;

/**
 * One metric family: its name and type in the Prometheus exposition, and the Micrometer meter that
 * stands for it in registries that are not Prometheus'. The families are the constants of
 * {@link Families}; two are the same family only when they are the same object. A class, not a
 * record: a scrape asks each series' family for its exposed name and looks families up by hash,
 * and a record would build the name anew and hash every component through method handles, which
 * a scrape's code (interpreted for its first couple of hundred scrapes) is slow at.
 */
final class Family {
    private final String prometheusName;
    private final Exposition exposition;
    private final String help;
    private final String meterName;
    private final MeterKind meter;
    private final String baseUnit;
    private final double nanosPerUnit;
    private final String exposedName;
    private final String logSubject;

    /**
     * @param prometheusName the exposition name; a counter's without {@code _total}, which the exposition adds
     * @param exposition     how the Prometheus collector writes it
     * @param help           the HELP text
     * @param meterName      the Micrometer name in other registries
     * @param meter          the Micrometer meter type in other registries
     * @param baseUnit       the Micrometer base unit, or null
     * @param nanosPerUnit   nanoseconds per unit of a histogram (1e9 for seconds, 1 for nanoseconds); 1 otherwise
     */
    Family(String prometheusName, Exposition exposition, String help, String meterName, MeterKind meter,
            String baseUnit, double nanosPerUnit) {
        this.prometheusName = Objects.requireNonNull(prometheusName, "prometheusName");
        this.exposition = Objects.requireNonNull(exposition, "exposition");
        this.help = Objects.requireNonNull(help, "help");
        this.meterName = Objects.requireNonNull(meterName, "meterName");
        this.meter = Objects.requireNonNull(meter, "meter");
        this.baseUnit = baseUnit;
        this.nanosPerUnit = nanosPerUnit;
        this.exposedName = exposition == Exposition.COUNTER ? prometheusName + "_total" : prometheusName;
        this.logSubject = "series of " + exposedName;
    }

    String prometheusName() {
        return prometheusName;
    }

    Exposition exposition() {
        return exposition;
    }

    String help() {
        return help;
    }

    String meterName() {
        return meterName;
    }

    MeterKind meter() {
        return meter;
    }

    String baseUnit() {
        return baseUnit;
    }

    double nanosPerUnit() {
        return nanosPerUnit;
    }

    /** How a family appears in the Prometheus text. */
    enum Exposition {
        COUNTER,
        GAUGE,
        /** Untyped: a count Kmesh exposes as a counter without {@code _total}, which a Java counter cannot be. */
        UNTYPED,
        HISTOGRAM,
        /**
         * A gauge whose name ends in {@code _total}: prometheus-metrics 1.3 to 1.5 reject such a name, so
         * there it is written as a counter (which adds {@code _total} back), elsewhere as a gauge.
         */
        GAUGE_NAMED_TOTAL,
    }

    /** The Micrometer meter in registries other than Prometheus'. */
    enum MeterKind {
        GAUGE,
        COUNTER,
        /** A {@code FunctionTimer}: count and total time, read from the monitor's snapshot. */
        TIMER,
    }

    static Family counter(String prometheusName, String help, String meterName, String baseUnit) {
        return new Family(prometheusName, Exposition.COUNTER, help, meterName, MeterKind.COUNTER, baseUnit, 1);
    }

    static Family gauge(String prometheusName, String help, String meterName, String baseUnit) {
        return new Family(prometheusName, Exposition.GAUGE, help, meterName, MeterKind.GAUGE, baseUnit, 1);
    }

    /** The exposition's family name: the counter's own with {@code _total}. */
    String exposedName() {
        return exposedName;
    }

    /** What the change log calls the family's series: {@code series of NAME}. */
    String logSubject() {
        return logSubject;
    }

    @Override
    public String toString() {
        return "Family[" + exposedName + ", " + exposition + "]";
    }
}
