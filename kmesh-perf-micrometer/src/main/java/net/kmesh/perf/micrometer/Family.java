package net.kmesh.perf.micrometer;

/**
 * One metric family: its name and type in the Prometheus exposition, and the Micrometer meter that
 * stands for it in registries that are not Prometheus'.
 *
 * @param prometheusName the exposition name; a counter's without {@code _total}, which the exposition adds
 * @param exposition     how the Prometheus collector writes it
 * @param help           the HELP text
 * @param meterName      the Micrometer name in other registries
 * @param meter          the Micrometer meter type in other registries
 * @param baseUnit       the Micrometer base unit, or null
 * @param nanosPerUnit   nanoseconds per unit of a histogram (1e9 for seconds, 1 for nanoseconds); 1 otherwise
 */
record Family(String prometheusName, Exposition exposition, String help, String meterName, MeterKind meter,
              String baseUnit, double nanosPerUnit) {

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
        return exposition == Exposition.COUNTER ? prometheusName + "_total" : prometheusName;
    }
}
