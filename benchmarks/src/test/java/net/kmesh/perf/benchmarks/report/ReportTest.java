package net.kmesh.perf.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report over small synthetic JMH result files shaped like JMH 1.37's {@code -rf json}. Every
 * benchmark has iterations whose best, mean and median differ, so that each test tells which of
 * them the report used.
 */
class ReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PKG = "net.kmesh.perf.benchmarks.";

    @TempDir
    Path dir;

    /** A report's exit status and what it wrote on stderr. */
    private record Exit(int status, String err) {
    }

    /**
     * One JMH result: primary scores of each fork (one array per fork), and per-iteration
     * secondary metrics shaped like the primary.
     */
    private static ObjectNode run(String benchmark, Map<String, String> params, List<double[]> primary,
                                  Map<String, List<double[]>> secondary) {
        ObjectNode run = JSON.createObjectNode();
        run.put("jmhVersion", "1.37");
        run.put("benchmark", PKG + benchmark);
        run.put("mode", "avgt");
        run.put("jdkVersion", "17.0.15");
        run.put("vmName", "OpenJDK 64-Bit Server VM");
        run.put("vmVersion", "17.0.15+6");
        if (!params.isEmpty()) {
            ObjectNode p = run.putObject("params");
            params.forEach(p::put);
        }
        metric(run.putObject("primaryMetric"), primary, "ns/op");
        ObjectNode sec = run.putObject("secondaryMetrics");
        secondary.forEach((k, v) -> metric(sec.putObject(k), v, "#"));
        return run;
    }

    private static void metric(ObjectNode m, List<double[]> forks, String unit) {
        double sum = 0;
        int n = 0;
        ArrayNode raw = m.putArray("rawData");
        for (double[] fork : forks) {
            ArrayNode f = raw.addArray();
            for (double v : fork) {
                f.add(v);
                sum += v;
                n++;
            }
        }
        // JMH's own score is the mean; the report must not use it.
        m.put("score", sum / n);
        m.put("scoreUnit", unit);
    }

    private static ObjectNode timed(String benchmark, Map<String, String> params, double... ns) {
        return run(benchmark, params, List.of(ns), Map.of());
    }

    /** {@code interleaved} whose C ÷ Java quotient per iteration is as given, the machine slowing both sides alike. */
    private static ObjectNode interleaved(double... quotients) {
        double[] java = new double[quotients.length];
        double[] c = new double[quotients.length];
        for (int i = 0; i < quotients.length; i++) {
            java[i] = 3e9 * (1 + i);
            c[i] = quotients[i] * java[i];
        }
        return run("RingBufferDrainBenchmark.interleaved", Map.of(), List.of(java.clone()),
                Map.of("cNanos", List.of(c), "javaNanos", List.of(java)));
    }

    /** Kernel ns per operation of each iteration; wall-clock scores that would give other ratios. */
    private static ObjectNode probe(String method, double... ns) {
        double[] nanos = Arrays.stream(ns).map(v -> v * 1000).toArray();
        double[] ops = Arrays.stream(ns).map(v -> 1000).toArray();
        double[] wall = Arrays.stream(ns).map(v -> v + 9).toArray();
        return run("ProbeOverheadBenchmark." + method, Map.of(), List.of(wall),
                Map.of("kernelNanos", List.of(nanos), "kernelOps", List.of(ops)));
    }

    /** Consumer CPU share of each iteration, in 3-second iterations of slightly different lengths. */
    private static ObjectNode cpu(String binder, String rate, double... shares) {
        double[] wall = new double[shares.length];
        double[] cpu = new double[shares.length];
        for (int i = 0; i < shares.length; i++) {
            wall[i] = 3e9 + i * 1e6;
            cpu[i] = shares[i] * wall[i];
        }
        return run("ConsumerCpuBenchmark.paced",
                Map.of("binder", binder, "rate", rate, "batchesPerSecond", "100", "batchDelayMillis", String.valueOf(Ratios.DEFAULT_DELAY_MILLIS)),
                List.of(Arrays.stream(wall).map(w -> w / 1e6).toArray()),
                Map.of("consumerCpuNanos", List.of(cpu), "wallNanos", List.of(wall), "records", List.of(wall)));
    }

    /** The binder's CPU, consumer plus scraper, and the consumer's without it, in each iteration. */
    private static ObjectNode binder(double... ratios) {
        double[] none = new double[ratios.length];
        double[] with = new double[ratios.length];
        for (int i = 0; i < ratios.length; i++) {
            none[i] = 2e7 + i * 1e6;
            with[i] = ratios[i] * none[i];
        }
        return run("BinderCpuBenchmark.binderVsNone", Map.of("rate", "1000000", "warmScrapes", "60"), List.of(new double[] {6000, 6001, 6002}),
                Map.of("binderCpuNanos", List.of(with), "noneCpuNanos", List.of(none)));
    }

    private static ObjectNode map(String method, int entries, double... us) {
        return timed("MapStatsBenchmark." + method, Map.of("totalEntries", String.valueOf(entries)), us);
    }

    private static ObjectNode mapScrape(String method, int maps, double... ms) {
        return timed("MapScrapeBenchmark." + method, Map.of("maps", String.valueOf(maps)), ms);
    }

    /** {@code scrapeBeside} at {@code types}: the few-records and many-records scrapes' ns of each iteration. */
    private static ObjectNode scrapeBeside(int types, double[] fewNanos, double[] manyNanos) {
        return run("ScrapeBenchmark.scrapeBeside", Map.of("types", String.valueOf(types), "records", "1000"),
                List.of(new double[fewNanos.length]), Map.of("fewNanos", List.of(fewNanos), "manyNanos", List.of(manyNanos)));
    }

    /** Every benchmark a quick run measures, each median within its bound, by name and parameters. */
    private static Map<String, ObjectNode> quickResults() {
        Map<String, ObjectNode> all = new LinkedHashMap<>();
        for (ObjectNode r : List.of(
                interleaved(1.00, 0.96, 0.60),
                run("RingBufferDrainBenchmark.javaReader", Map.of(), List.of(new double[] {5.0, 5.5, 9.0}),
                        Map.of("gc.alloc.rate.norm", List.of(new double[] {1e-4, 3e-4, 2e-4}))),
                map("iterator", 1000, 300, 250, 900),
                map("iterator", 100_000, 320, 330, 310),
                map("keyWalk", 100_000, 400_000, 420_000, 380_000),
                map("kmeshWalk", 100_000, 600_000, 650_000, 900_000),
                mapScrape("collector", 5000, 25, 30, 60),
                mapScrape("bpftool", 5000, 100, 110, 120),
                mapScrape("collector", 20_000, 100, 110, 200),
                mapScrape("bpftool", 20_000, 400, 440, 480),
                mapScrape("kernelPass", 5000, 20, 22, 30),
                mapScrape("kernelPass", 20_000, 110, 120, 150),
                probe("baseline", 2, 2.5, 4),
                probe("clockReads", 52, 55, 70),
                probe("seedMap", 172, 180, 200),
                probe("scoped", 72, 75, 90),
                probe("histogram", 62, 64, 80),
                probe("arrayLookup", 3, 3.5, 5),
                probe("offScoped", 3, 3.6, 5),
                probe("cookieBaseline", 2, 2.5, 4),
                probe("cookieMap", 150, 160, 170),
                probe("cookieOneSocket", 140, 150, 160),
                probe("cookieUpstreamMap", 190, 200, 210),
                cpu("none", "100000", 0.009, 0.012, 0.011),
                cpu("none", "1000000", 0.010, 0.011, 0.016),
                binder(1.02, 1.05, 1.2))) {
            all.put(r.path("benchmark").asText() + r.path("params"), r);
        }
        return all;
    }

    private void write(String file, Iterable<ObjectNode> runs) throws IOException {
        ArrayNode array = JSON.createArrayNode();
        runs.forEach(array::add);
        JSON.writeValue(dir.resolve(file).toFile(), array);
    }

    private void write(String file, ObjectNode... runs) throws IOException {
        write(file, List.of(runs));
    }

    /** The quick results with {@code replaced} in place of the entries of the same benchmark and parameters. */
    private void writeQuick(String file, ObjectNode... replaced) throws IOException {
        Map<String, ObjectNode> all = quickResults();
        for (ObjectNode r : replaced) {
            all.put(r.path("benchmark").asText() + r.path("params"), r);
        }
        write(file, all.values());
    }

    private Exit report(String mode, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--mode", mode, "--raw", dir.toString(),
                "--out", dir.resolve("out").toString(), "--failed-steps", dir.resolve("failed").toString()));
        args.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int status = Report.run(args.toArray(String[]::new), o, e);
            return new Exit(status, err.toString(StandardCharsets.UTF_8));
        }
    }

    private JsonNode ratio(String id) throws IOException {
        for (JsonNode r : JSON.readTree(dir.resolve("out/results.json").toFile()).path("ratios")) {
            if (r.path("id").asText().equals(id)) {
                return r;
            }
        }
        throw new AssertionError("no ratio " + id);
    }

    private double value(String id) throws IOException {
        return ratio(id).path("value").asDouble();
    }

    private List<String> failedSteps() throws IOException {
        return Files.readAllLines(dir.resolve("failed"));
    }

    @Test
    void quickRunWithinBoundsPassesAndEveryFigureIsTheMedianOverIterations() throws IOException {
        writeQuick("results.json");

        assertEquals(0, report("quick", "--context", "commit=abc1234").status());

        assertEquals(0.96, value("ring.java_vs_c"), 1e-9);
        assertEquals(2e-4, value("ring.alloc_per_record"), 1e-12);
        assertEquals(400_000.0 / 320, value("map.keyWalk_vs_iterator@100000"), 1e-9);
        // The best iterations would give 310 / 250.
        assertEquals(320.0 / 300, value("map.iterator_growth"), 1e-9);
        assertEquals(30.0 / 110, value("mapscrape.collector_vs_bpftool@5000"), 1e-9);
        assertEquals(110.0 / 30, value("mapscrape.collector_20000_vs_5000"), 1e-9);
        assertEquals("info", ratio("mapscrape.collector_vs_bpftool@20000").path("result").asText());
        assertEquals(120.0 / 22, value("mapscrape.kernel_20000_vs_5000"), 1e-9);
        assertEquals("info", ratio("mapscrape.kernel_20000_vs_5000").path("result").asText());
        assertEquals((110.0 / 30) / (120.0 / 22), value("mapscrape.collector_scaling_vs_kernel"), 1e-9);
        assertEquals(440.0 / 110, value("mapscrape.bpftool_20000_vs_5000"), 1e-9);
        // Kernel ns per operation (kernelNanos ÷ kernelOps per iteration), not the wall-clock score.
        assertEquals((75 - 2.5) / (180 - 2.5), value("probe.scoped_vs_seed"), 1e-9);
        assertEquals((64 - 55.0) / (180 - 55), value("probe.histogram_vs_seed_beyond_clock"), 1e-9);
        // The quick run does not measure Kmesh's call shape: the ratio is not listed, so its absence
        // neither fails the gate nor re-measures the probe step.
        AssertionError absent = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> ratio("probe.cookie_vs_seed"));
        assertTrue(absent.getMessage().contains("no ratio"), absent.getMessage());
        assertTrue(failedSteps().isEmpty(), "failed steps: " + failedSteps());
        assertEquals(0.011, value("consumer.none@100000"), 1e-9);
        assertEquals(1.05, value("consumer.binder_whole@1000000"), 1e-9);
        assertEquals("pass", ratio("probe.histogram_vs_seed").path("result").asText());
        assertEquals("info", ratio("probe.clock_share_of_scoped").path("result").asText());

        JsonNode root = JSON.readTree(dir.resolve("out/results.json").toFile());
        assertEquals("abc1234", root.path("context").path("commit").asText());
        assertEquals("17.0.15 (OpenJDK 64-Bit Server VM 17.0.15+6)", root.path("context").path("jdk").asText());
        JsonNode iterator = null;
        for (JsonNode in : root.path("inputs")) {
            if (in.path("benchmark").asText().equals("MapStatsBenchmark.iterator")
                    && in.path("params").path("totalEntries").asText().equals("1000")) {
                iterator = in;
            }
        }
        assertEquals(300, iterator.path("median").asDouble(), 1e-9);
        assertEquals(250, iterator.path("min").asDouble(), 1e-9);
        assertEquals(900, iterator.path("max").asDouble(), 1e-9);
        String md = Files.readString(dir.resolve("out/results.md"));
        assertTrue(md.contains("| Ring: Java reader vs C (same work) |"), md);
        assertTrue(md.contains("| 0.960× | 0.600 – 1.00× | ≥ 0.9× | ≥ 0.75× | pass |"), md);
        assertTrue(md.contains("13 of 13 quick bounds met."), md);
        assertEquals(List.of(), failedSteps());
    }

    @Test
    void rangesArePerIterationForSideBySidePairsAndEachInputsExtremesOtherwise() throws IOException {
        writeQuick("results.json");

        assertEquals(0, report("quick").status());

        // Both sides timed in the same iteration: the quotient's own lowest and highest iteration.
        assertRange("ring.java_vs_c", 0.60, 1.00, "iterations of its one input");
        assertRange("consumer.none@1000000", 0.010, 0.016, "iterations of its one input");
        // Measured apart: every combination of each side's lowest and highest iteration.
        assertRange("map.keyWalk_vs_iterator@100000", 380_000.0 / 330, 420_000.0 / 310, "extremes of each input");
        assertRange("consumer.binder_whole@1000000", 1.02, 1.2, "iterations of its one input");
        // (scoped − baseline) ÷ (seedMap − baseline) falls as baseline rises.
        assertRange("probe.scoped_vs_seed", (72 - 4.0) / (200 - 4), (90 - 2.0) / (172 - 2), "extremes of each input");
        assertEquals(3, ratio("probe.scoped_vs_seed").path("inputs").size());
    }

    private void assertRange(String id, double min, double max, String from) throws IOException {
        JsonNode r = ratio(id);
        assertEquals(min, r.path("min").asDouble(), 1e-9, id + " min");
        assertEquals(max, r.path("max").asDouble(), 1e-9, id + " max");
        assertEquals(from, r.path("rangeFrom").asText(), id);
    }

    @Test
    void theGateJudgesTheMedianSoABestIterationWithinTheBoundDoesNotPass() throws IOException {
        // Best iteration 0.95 (past the 0.75 bound), mean 0.79 (past it too), median 0.72 (short of it).
        writeQuick("results.json", interleaved(0.95, 0.70, 0.72));

        Exit exit = report("quick");

        assertEquals(1, exit.status());
        assertEquals(0.72, value("ring.java_vs_c"), 1e-9);
        assertEquals("FAIL", ratio("ring.java_vs_c").path("result").asText());
        assertEquals(List.of("ring"), failedSteps());
        assertTrue(exit.err().contains("ring.java_vs_c: median 0.720× does not meet ≥ 0.75×"), exit.err());
    }

    @Test
    void theMedianPoolsTheForksOfABenchmark() throws IOException {
        ObjectNode twoForks = run("MapScrapeBenchmark.collector", Map.of("maps", "5000"),
                List.of(new double[] {30, 31}, new double[] {90, 95, 100}), Map.of());
        writeQuick("results.json", twoForks);

        assertEquals(1, report("quick").status());

        // The median of 30, 31, 90, 95, 100: past 0.35 × 110, though the first fork alone is well within.
        assertEquals(90.0 / 110, value("mapscrape.collector_vs_bpftool@5000"), 1e-9);
        assertEquals(List.of("mapscrape"), failedSteps());
    }

    @Test
    void theMapScrapeFailsTheGateWhenTheCollectorGrowsFasterThanTheKernelsWalk() throws IOException {
        // 7.5x from 5,000 to 20,000 maps: within the 10x bound, but 1.375x the kernel pass's 5.45x.
        writeQuick("results.json", mapScrape("collector", 20_000, 200, 225, 230));

        assertEquals(1, report("quick").status());

        assertEquals(7.5, value("mapscrape.collector_20000_vs_5000"), 1e-9);
        assertEquals("pass", ratio("mapscrape.collector_20000_vs_5000").path("result").asText());
        assertEquals(7.5 / (120.0 / 22), value("mapscrape.collector_scaling_vs_kernel"), 1e-9);
        assertEquals("FAIL", ratio("mapscrape.collector_scaling_vs_kernel").path("result").asText());
        assertEquals(List.of("mapscrape"), failedSteps());
    }

    @Test
    void workGrowingWithTheSquareOfTheMapsFailsTheGateEvenWhereTheKernelsPassGrewAlike() throws IOException {
        // 16x from 5,000 to 20,000 maps, the kernel's pass too: no faster than the kernel, but quadratic.
        writeQuick("results.json", mapScrape("collector", 20_000, 470, 480, 490),
                mapScrape("kernelPass", 20_000, 350, 352, 360));

        assertEquals(1, report("quick").status());

        assertEquals(16.0, value("mapscrape.collector_20000_vs_5000"), 1e-9);
        assertEquals("FAIL", ratio("mapscrape.collector_20000_vs_5000").path("result").asText());
        assertEquals("pass", ratio("mapscrape.collector_scaling_vs_kernel").path("result").asText());
        assertEquals(List.of("mapscrape"), failedSteps());
    }

    @Test
    void theBinderRatioFailsTheGateWhenTheBinderCostsTwiceTheConsumer() throws IOException {
        writeQuick("results.json", binder(1.9, 2.0, 2.1));

        assertEquals(1, report("quick").status());

        assertEquals(2.0, value("consumer.binder_whole@1000000"), 1e-9);
        assertEquals("FAIL", ratio("consumer.binder_whole@1000000").path("result").asText());
        assertEquals(List.of("binder"), failedSteps());
    }

    @Test
    void aQuickRunWithoutAGatedRatiosBenchmarkFailsAndNamesItsStep() throws IOException {
        Map<String, ObjectNode> all = quickResults();
        all.keySet().removeIf(k -> k.contains("MapScrapeBenchmark"));
        write("results.json", all.values());

        Exit exit = report("quick");

        assertEquals(1, exit.status());
        JsonNode r = ratio("mapscrape.collector_vs_bpftool@5000");
        assertEquals("missing", r.path("result").asText());
        assertTrue(r.path("problem").asText().contains("no result for MapScrapeBenchmark.collector {maps=5000}"),
                r.toString());
        assertEquals(List.of("mapscrape"), failedSteps());
        assertTrue(exit.err().contains("mapscrape.collector_vs_bpftool@5000: missing (step mapscrape of benchmarks/run)"),
                exit.err());
        String md = Files.readString(dir.resolve("out/results.md"));
        assertTrue(md.contains("10 of 13 quick bounds met; not met: "
                + "mapscrape.collector_vs_bpftool@5000 (missing), mapscrape.collector_20000_vs_5000 (missing), "
                + "mapscrape.collector_scaling_vs_kernel (missing);"), md);
    }

    @Test
    void aStepMeasuredAgainIsJudgedOnTheSecondAttemptAloneNotPooledNorBestOf() throws IOException {
        writeQuick("ring.json", interleaved(0.60, 0.62, 0.65));
        write("ring-retry.json", interleaved(0.95, 0.97, 0.96));
        // The quick run writes its report next to JMH's files: a second report must skip it.
        Files.writeString(dir.resolve("results.json"), "{\"mode\": \"quick\"}");

        assertEquals(0, report("quick").status());

        // Pooled, the median of the six iterations would be (0.65 + 0.95) / 2 = 0.80.
        assertEquals(0.96, value("ring.java_vs_c"), 1e-9);
        JsonNode first = ratio("ring.java_vs_c").path("firstAttempt");
        assertEquals(0.62, first.path("value").asDouble(), 1e-9);
        assertEquals("FAIL", first.path("result").asText());
        // Benchmarks of steps not measured again keep their only attempt, and say nothing about one.
        assertTrue(ratio("probe.scoped_vs_seed").path("firstAttempt").isMissingNode());
        assertTrue(Files.readString(dir.resolve("out/results.md"))
                .contains("`ring.java_vs_c` 0.620× (FAIL) → 0.960× (pass)"));
    }

    @Test
    void aSecondAttemptWhoseBestIterationPassesButMedianFailsStillFails() throws IOException {
        writeQuick("ring.json", interleaved(0.60, 0.62, 0.65));
        write("ring-retry.json", interleaved(0.95, 0.70, 0.72));

        assertEquals(1, report("quick").status());

        assertEquals(0.72, value("ring.java_vs_c"), 1e-9);
        assertEquals(List.of("ring"), failedSteps());
    }

    @Test
    void aFullRunJudgesTargetsAndMarksMissingRatiosWithoutFailing() throws IOException {
        writeQuick("results.json");

        Exit exit = report("full");

        assertEquals(0, exit.status());
        // A full run needs results a quick run does not make (1 000 000 entries, JNA, scrapes, recording).
        assertEquals("missing", ratio("ring.jna_vs_java").path("result").asText());
        assertTrue(ratio("map.keyWalk_vs_iterator@1000000").path("problem").asText().contains("totalEntries"));
        assertTrue(ratio("scrape.records_1000000_vs_1000@types64").path("problem").asText()
                .contains("no result for ScrapeBenchmark.scrapeBeside"));
        assertTrue(exit.err().contains("ring.jna_vs_java: missing"), exit.err());
        // Medians judged against the targets: the scoped probe's 0.408 misses 0.4, a 1.10% share misses < 1%.
        assertEquals("FAIL", ratio("probe.scoped_vs_seed").path("result").asText());
        assertEquals("FAIL", ratio("consumer.none@100000").path("result").asText());
        assertEquals("pass", ratio("ring.java_vs_c").path("result").asText());
        assertEquals("pass", ratio("consumer.binder_whole@1000000").path("result").asText());
        assertTrue(JSON.readTree(dir.resolve("out/results.json").toFile()).path("summary").asText()
                .contains("informational ratios missing: ring.java_vs_c_separate"));
    }

    @Test
    void kmeshsCallShapeIsJudgedOnTheQuotientOfEachIterationMeasuredBesideTheSeed() throws IOException {
        // Three iterations of cookie ÷ seed: 1.1, 0.9, 0.95 (the seed's side moves between them).
        ObjectNode side = run("ProbeOverheadBenchmark.cookieBesideSeed", Map.of(), List.of(new double[] {9, 9, 9}),
                Map.of("cookieNanos", List.of(new double[] {1.1e6, 1.8e6, 0.95e6}),
                        "sockNanos", List.of(new double[] {1.05e6, 2.2e6, 1.08e6}),
                        "seedNanos", List.of(new double[] {1e6, 2e6, 1e6})));
        writeQuick("results.json", side);

        assertEquals(0, report("full").status());

        assertEquals(0.95, value("probe.cookie_vs_seed"), 1e-9);
        assertEquals("pass", ratio("probe.cookie_vs_seed").path("result").asText());
        // The sock variants, measured in the same invocations: 1.05, 1.1, 1.08, informational.
        assertEquals(1.08, value("probe.sock_vs_seed"), 1e-9);
        assertEquals("info", ratio("probe.sock_vs_seed").path("result").asText());
        // The same from the separate benchmarks of the quick results: informational beside it.
        assertEquals((160 - 2.5) / (180 - 2.5), value("probe.cookie_vs_seed_apart"), 1e-9);
        assertEquals("info", ratio("probe.cookie_vs_seed_apart").path("result").asText());
    }

    @Test
    void aScrapeCostsTheSameAfterAThousandTimesMoreRecordsAtEqualTypes() throws IOException {
        // Per iteration, 1 type: 1.2, 1.1, 4 (a stall in one iteration's many-records scrape); 64 types: 3, 3.1, 3.2.
        writeQuick("results.json", scrapeBeside(1, new double[] {10, 10, 10}, new double[] {12, 11, 40}),
                scrapeBeside(64, new double[] {100, 100, 100}, new double[] {300, 310, 320}));

        assertEquals(0, report("full").status());

        assertEquals(1.2, value("scrape.records_1000000_vs_1000@types1"), 1e-9);
        assertEquals("pass", ratio("scrape.records_1000000_vs_1000@types1").path("result").asText());
        assertEquals(3.1, value("scrape.records_1000000_vs_1000@types64"), 1e-9);
        assertEquals("FAIL", ratio("scrape.records_1000000_vs_1000@types64").path("result").asText());
        assertTrue(ratio("scrape.records_1000000_vs_1000@types64").path("quickBound").isNull());
    }

    @Test
    void aRatioWhoseParametersMatchSeveralResultsIsMissingAndSaysSo() throws IOException {
        ObjectNode one = run("ScrapeBenchmark.scrapeBeside", Map.of("types", "1", "buckets", "10"), List.of(new double[] {1}),
                Map.of("fewNanos", List.<double[]>of(new double[] {10}), "manyNanos", List.<double[]>of(new double[] {11})));
        ObjectNode other = run("ScrapeBenchmark.scrapeBeside", Map.of("types", "1", "buckets", "20"), List.of(new double[] {1}),
                Map.of("fewNanos", List.<double[]>of(new double[] {10}), "manyNanos", List.<double[]>of(new double[] {12})));
        writeQuick("results.json", one, other);

        assertEquals(0, report("full").status());

        JsonNode r = ratio("scrape.records_1000000_vs_1000@types1");
        assertEquals("missing", r.path("result").asText());
        assertTrue(r.path("problem").asText().contains("matches 2 results"), r.toString());
    }

    @Test
    void aFullRunRewritesTheReadmesResultsSectionAndNothingElse() throws IOException {
        writeQuick("results.json");
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# Benchmarks\n\nBefore.\n\n" + Report.README_BEGIN + "\n\nold table\n\n"
                + Report.README_END + "\n\nAfter.\n");

        assertEquals(0, report("full", "--readme", readme.toString(), "--context", "commit=abc1234",
                "--context", "command=benchmarks/run").status());

        String text = Files.readString(readme);
        assertTrue(text.startsWith("# Benchmarks\n\nBefore.\n\n" + Report.README_BEGIN + "\n"), text);
        assertTrue(text.endsWith(Report.README_END + "\n\nAfter.\n"), text);
        assertFalse(text.contains("old table"), text);
        assertTrue(text.contains("Command: `benchmarks/run` at commit `abc1234`"), text);
        assertTrue(text.contains("| Ring: Java reader vs C (same work) | 0.960× | 0.600 – 1.00× | ≥ 0.9× | ≥ 0.75× | pass |"),
                text);
        assertTrue(text.contains("| Ring: one JNA callback per record vs Java reader | – | – | informational | – | **missing** |"),
                text);
    }

    @Test
    void aReadmeWithoutTheResultsMarkersIsAnError() throws IOException {
        writeQuick("results.json");
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# Benchmarks\n");

        Exit exit = report("full", "--readme", readme.toString());

        assertEquals(1, exit.status());
        assertTrue(exit.err().contains("has no results section"), exit.err());
        assertEquals("# Benchmarks\n", Files.readString(readme));
    }

    @Test
    void unitsAreFormattedForReading() {
        assertEquals("15 900×", Ratio.Unit.TIMES.format(15_923));
        assertEquals("1.02×", Ratio.Unit.TIMES.format(1.0234));
        assertEquals("0.951×", Ratio.Unit.TIMES.format(0.9512));
        assertEquals("0.434", Ratio.Unit.FRACTION.format(0.43412));
        assertEquals("1.25%", Ratio.Unit.PERCENT.format(0.0125));
        assertEquals("1.5e-04 B/record", Ratio.Unit.BYTES_PER_RECORD.format(1.5e-4));
        assertEquals("144 B/record", Ratio.Unit.BYTES_PER_RECORD.format(144));
        assertEquals("15%", Ratio.Unit.PERCENT.plain(0.15));
        assertEquals("1000×", Ratio.Unit.TIMES.plain(1000));
        assertEquals("0.600 – 1.00×", Ratio.Unit.TIMES.formatRange(0.6, 1.0));
        assertEquals("0.81 – 1.08%", Ratio.Unit.PERCENT.formatRange(0.0081, 0.0108));
        assertEquals("0.347 – 0.518", Ratio.Unit.FRACTION.formatRange(0.3471, 0.5183));
        assertEquals("0 – 1.0e-04 B/record", Ratio.Unit.BYTES_PER_RECORD.formatRange(0, 1e-4));
    }

    @Test
    void badArgumentsExitWithTwo() throws IOException {
        assertEquals(2, report("fast").status());
    }
}
