package net.kmesh.perf.benchmarks.report;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * One figure of the report: a ratio of benchmarks measured in the same run, how it is computed,
 * the target it should meet, and the bound the quick mode gates on ({@code null}: only
 * informational in that mode), a regression gate set from the spread seen so far.
 *
 * @param step the step of {@code benchmarks/run} that measures its inputs
 */
record Ratio(String id, String step, String title, String definition, Unit unit, Formula formula, Bound target,
             Bound quickBound) {

    /**
     * Computes the value from one figure of each benchmark it reads; {@link Estimate} runs it on
     * the medians, then on each combination of the inputs' lowest and highest iterations.
     */
    interface Formula {
        double apply(Inputs in);
    }

    /**
     * The benchmark figures a formula reads. Each call names one input; which of its figures comes
     * back (median, lowest or highest iteration) is the evaluator's choice. Each throws
     * {@link JmhResults.MissingResult} when the input is not among the results.
     */
    interface Inputs {
        /** The primary score: time per operation. */
        double time(String benchmark, String... params);

        /** A secondary metric, such as {@code gc.alloc.rate.norm}. */
        double metric(String benchmark, String metric, String... params);

        /** The per-iteration quotient of two auxiliary counters measured in the same iteration. */
        double quotient(String benchmark, String numerator, String denominator, String... params);
    }

    /** A condition on the value, possibly relative to another ratio's value. */
    record Bound(String text, Test test) {
        interface Test {
            /** @param values every ratio computed in this run, by id */
            boolean ok(double value, Map<String, Double> values);
        }

        static Bound atLeast(double min, Unit unit) {
            return new Bound("≥ " + unit.plain(min), (v, all) -> v >= min);
        }

        static Bound atMost(double max, Unit unit) {
            return new Bound("≤ " + unit.plain(max), (v, all) -> v <= max);
        }

        static Bound below(double max, Unit unit) {
            return new Bound("< " + unit.plain(max), (v, all) -> v < max);
        }

        /** Below the value of ratio {@code id}, named {@code what} in the text. */
        static Bound belowRatio(String id, String what) {
            return new Bound("< " + what, (v, all) -> all.containsKey(id) && v < all.get(id));
        }

        static Bound atMostRatio(String id, String what) {
            return new Bound("≤ " + what, (v, all) -> all.containsKey(id) && v <= all.get(id));
        }
    }

    enum Unit {
        /** How many times: 1.02×, 15 900×. */
        TIMES,
        /** A plain quotient: 0.434. */
        FRACTION,
        /** A share of one core: 1.25%. */
        PERCENT,
        /** Bytes allocated per record. */
        BYTES_PER_RECORD,
        /** A memory size, given in MiB: 61.3 MiB. */
        MIB;

        String format(double v) {
            return switch (this) {
                case TIMES -> significant(v) + "×";
                case FRACTION -> String.format(Locale.ROOT, "%.3f", v);
                case PERCENT -> String.format(Locale.ROOT, "%.2f%%", v * 100);
                case BYTES_PER_RECORD -> (v == 0 ? "0" : v < 0.01 ? String.format(Locale.ROOT, "%.1e", v)
                        : significant(v)) + " B/record";
                case MIB -> significant(v) + " MiB";
            };
        }

        /** A range with its unit once: "0.880 – 0.950×", "0.81 – 1.08%". */
        String formatRange(double min, double max) {
            String low = format(min);
            String high = format(max);
            String suffix = switch (this) {
                case TIMES -> "×";
                case FRACTION -> "";
                case PERCENT -> "%";
                case BYTES_PER_RECORD -> " B/record";
                case MIB -> " MiB";
            };
            return low.substring(0, low.length() - suffix.length()) + " – " + high;
        }

        /** A bound as written: 0.9×, 1000×, 0.4, 2%. */
        String plain(double v) {
            BigDecimal d = BigDecimal.valueOf(v);
            return switch (this) {
                case TIMES -> plain(d) + "×";
                case FRACTION -> plain(d);
                case PERCENT -> plain(d.movePointRight(2)) + "%";
                case BYTES_PER_RECORD -> plain(d) + " B/record";
                case MIB -> plain(d) + " MiB";
            };
        }

        private static String plain(BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }

        /** Three significant digits, thousands grouped by a space: 0.951, 27.4, 15 900. */
        private static String significant(double v) {
            if (v == 0 || !Double.isFinite(v)) {
                return String.valueOf(v);
            }
            int digits = (int) Math.floor(Math.log10(Math.abs(v))) + 1;
            if (digits >= 3) {
                double scale = Math.pow(10, digits - 3);
                long rounded = Math.round(v / scale) * (long) scale;
                return String.format(Locale.ROOT, "%,d", rounded).replace(',', ' ');
            }
            return String.format(Locale.ROOT, "%." + (3 - digits) + "f", v);
        }
    }
}
