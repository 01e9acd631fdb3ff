package net.kmesh.perf.benchmarks.report;

import java.util.List;

/**
 * One figure over all forks × measurement iterations of a benchmark: the median, which the report
 * judges, and the lowest and highest iteration.
 *
 * @param n how many iterations it is made of
 */
record Figure(double median, double min, double max, int n) {

    /** The median (the mean of the middle two for an even count), min and max of {@code values}. */
    static Figure of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no iterations");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Figure(median, sorted[0], sorted[n - 1], n);
    }
}
