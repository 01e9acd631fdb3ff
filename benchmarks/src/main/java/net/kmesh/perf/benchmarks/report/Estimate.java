package net.kmesh.perf.benchmarks.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A ratio's value in one run, with its range.
 *
 * <p>The value is the formula on the median of each input (over all forks × measurement
 * iterations). The range depends on how many inputs the ratio reads:
 * <ul>
 *   <li>one: a per-iteration quotient of two sides measured side by side in the same iteration
 *       (the ring's {@code interleaved} pair; a consumer's CPU and wall time), or one benchmark's
 *       figure; the range is that quotient's lowest and highest iteration;</li>
 *   <li>several, measured apart (other methods, other forks): the lowest and highest value of the
 *       formula over every combination of each input's lowest and highest iteration. Every formula
 *       here is monotonic in each input, so this bounds the ratio of any pairing of iterations,
 *       and is wider than the spread of any one pairing would be.</li>
 * </ul>
 *
 * @param value the formula on the medians: what targets and bounds judge
 */
record Estimate(double value, double min, double max, List<Input> inputs) {
    /** At most 2^this combinations of extremes are evaluated. */
    private static final int MAX_INPUTS = 12;

    /** One benchmark figure a ratio reads. */
    record Input(String description, JmhResults.Entry entry, Figure figure) {
    }

    /** Whether the range is one input's own iterations (a side-by-side pair or one benchmark). */
    boolean paired() {
        return inputs.size() == 1;
    }

    /** Whether an input comes from a step measured again. */
    boolean remeasured() {
        return inputs.stream().anyMatch(i -> i.entry().retried());
    }

    /** Evaluates {@code formula}; throws {@link JmhResults.MissingResult} when an input is absent. */
    static Estimate of(Ratio.Formula formula, JmhResults results) {
        Resolver r = new Resolver(results);
        double value = formula.apply(r);
        int k = r.inputs.size();
        if (k > MAX_INPUTS) {
            throw new IllegalStateException("a formula of " + k + " inputs; at most " + MAX_INPUTS);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int corner = 0; corner < 1 << k; corner++) {
            r.corner = corner;
            double v = formula.apply(r);
            if (!Double.isFinite(v)) {
                min = Double.NaN;
                max = Double.NaN;
                break;
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new Estimate(value, min, max, List.copyOf(r.inputs.values()));
    }

    /** Hands out medians, then, for {@code corner} ≥ 0, input j's highest iteration if bit j is set, else its lowest. */
    private static final class Resolver implements Ratio.Inputs {
        private final JmhResults results;
        private final Map<String, Input> inputs = new LinkedHashMap<>();
        private int corner = -1;

        Resolver(JmhResults results) {
            this.results = results;
        }

        @Override
        public double time(String benchmark, String... params) {
            return pick(benchmark, params, "time per operation", JmhResults.Entry::score);
        }

        @Override
        public double metric(String benchmark, String metric, String... params) {
            return pick(benchmark, params, metric, e -> e.metric(metric));
        }

        @Override
        public double quotient(String benchmark, String numerator, String denominator, String... params) {
            return pick(benchmark, params, numerator + " ÷ " + denominator + " per iteration",
                    e -> e.quotient(numerator, denominator));
        }

        private double pick(String benchmark, String[] params, String what, Function<JmhResults.Entry, Figure> figure) {
            String key = benchmark + " " + Arrays.toString(params) + " " + what;
            Input in = inputs.get(key);
            if (in == null) {
                if (corner >= 0) {
                    throw new IllegalStateException("the formula read " + key + " only at some extremes");
                }
                JmhResults.Entry e = results.find(benchmark, params);
                in = new Input(e + ": " + what, e, figure.apply(e));
                inputs.put(key, in);
            }
            if (corner < 0) {
                return in.figure().median();
            }
            int j = new ArrayList<>(inputs.keySet()).indexOf(key);
            return (corner >> j & 1) == 1 ? in.figure().max() : in.figure().min();
        }
    }
}
