package net.kmesh.perf.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

/** The estimators: medians split the iterations, and ranges hold every pairing of iterations. */
class EstimateProperties {

    @Property
    void theMedianHasHalfTheIterationsOnEachSide(
            @ForAll @Size(min = 1, max = 40) List<@DoubleRange(min = -1e9, max = 1e9) Double> iterations) {
        Figure f = Figure.of(iterations);
        long atOrBelow = iterations.stream().filter(v -> v <= f.median()).count();
        long atOrAbove = iterations.stream().filter(v -> v >= f.median()).count();
        assertTrue(2 * atOrBelow >= iterations.size() && 2 * atOrAbove >= iterations.size(), f::toString);
        assertEquals(iterations.stream().mapToDouble(Double::doubleValue).min().orElseThrow(), f.min());
        assertEquals(iterations.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), f.max());
        assertEquals(iterations.size(), f.n());
    }

    @Property
    void theRangeOfTwoBenchmarksMeasuredApartHoldsEveryPairingOfTheirIterations(
            @ForAll @Size(min = 1, max = 12) List<@DoubleRange(min = 0.1, max = 1e6) Double> a,
            @ForAll @Size(min = 1, max = 12) List<@DoubleRange(min = 0.1, max = 1e6) Double> b) {
        JmhResults results = JmhResults.of(List.of(timed("A.a", a), timed("B.b", b)));

        Estimate e = Estimate.of(x -> x.time("A.a") / x.time("B.b"), results);

        assertEquals(Figure.of(a).median() / Figure.of(b).median(), e.value());
        assertWithin(e, e.value());
        for (double x : a) {
            for (double y : b) {
                assertWithin(e, x / y);
            }
        }
    }

    /** Baseline 0–10, probe 20–140 and seed 150–300 ns per operation, from fractions of those spans. */
    @Property
    void theRangeOfAProbeRatioHoldsEveryTripleOfIterations(
            @ForAll @Size(min = 1, max = 6) List<@DoubleRange(min = 0, max = 1) Double> baselineFractions,
            @ForAll @Size(min = 1, max = 6) List<@DoubleRange(min = 0, max = 1) Double> probeFractions,
            @ForAll @Size(min = 1, max = 6) List<@DoubleRange(min = 0, max = 1) Double> seedFractions) {
        List<Double> baseline = baselineFractions.stream().map(f -> 10 * f).toList();
        List<Double> probe = probeFractions.stream().map(f -> 20 + 120 * f).toList();
        List<Double> seed = seedFractions.stream().map(f -> 150 + 150 * f).toList();
        JmhResults results = JmhResults.of(List.of(timed("P.baseline", baseline), timed("P.scoped", probe),
                timed("P.seedMap", seed)));

        Estimate e = Estimate.of(x -> (x.time("P.scoped") - x.time("P.baseline"))
                / (x.time("P.seedMap") - x.time("P.baseline")), results);

        assertEquals(3, e.inputs().size());
        for (double b : baseline) {
            for (double p : probe) {
                for (double s : seed) {
                    assertWithin(e, (p - b) / (s - b));
                }
            }
        }
    }

    @Property
    void aSideBySidePairsRangeIsItsOwnIterationsQuotients(
            @ForAll @Size(min = 1, max = 12) List<@DoubleRange(min = 1, max = 1e9) Double> c,
            @ForAll @DoubleRange(min = 0.5, max = 2) double slower) {
        List<Double> java = c.stream().map(v -> v * slower).toList();
        JmhResults.Entry pair = new JmhResults.Entry("R.interleaved", Map.of(), "ns/op", List.of(c),
                Map.of("cNanos", List.of(c), "javaNanos", List.of(java)), false);

        Estimate e = Estimate.of(x -> x.quotient("R.interleaved", "cNanos", "javaNanos"), JmhResults.of(List.of(pair)));

        // Every iteration's quotient is 1 / slower, however much the machine slowed both sides.
        assertTrue(e.paired());
        assertEquals(1 / slower, e.min(), 1e-12);
        assertEquals(1 / slower, e.max(), 1e-12);
    }

    private static JmhResults.Entry timed(String name, List<Double> iterations) {
        return new JmhResults.Entry(name, Map.of(), "ns/op", List.of(iterations), Map.of(), false);
    }

    private static void assertWithin(Estimate e, double v) {
        double slack = 1e-9 * Math.max(1, Math.abs(v));
        assertTrue(e.min() - slack <= v && v <= e.max() + slack, () -> v + " outside " + e.min() + " – " + e.max());
    }
}
