package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.kmesh.KmeshStandIn;
import net.kmesh.perf.bpf.kmesh.PrivateBpffs;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's "done when": a stand-in Kmesh (programs written against Kmesh's interface, maps pinned
 * where Kmesh pins them, in a bpffs of the test's own), the demo run as an operator would beside a
 * Kmesh ({@code --kmesh=BPFFS --names upstream}, {@code NODE_NAME} in its environment), and a real
 * Prometheus that scrapes it with the labels Kmesh's dashboard filters on ({@code app="kmesh"},
 * {@code namespace="kmesh-system"}). Every query of {@code grafana/kmesh-upstream-names.json} must
 * answer with the values produced: the records' durations are read from the ring's memory by the
 * test itself (each batch, after the producer wrote it), the maps' figures from the kernel.
 */
@KernelRequired
class KmeshEndToEndIT {
    private static final String NODE = "kmesh-e2e-node-" + ProcessHandle.current().pid();
    private static final Map<String, String> KMESH_LABELS = Map.of("app", "kmesh", "namespace", "kmesh-system");
    /** Kmesh's operation types (its probe's enum): SOCK_TRAFFIC_CONTROL, XDP_SHUTDOWN, ENABLE_ENCODING_METADATA. */
    private static final Map<Long, String> TYPES = Map.of(1L, "SOCK_TRAFFIC_CONTROL", 2L, "XDP_SHUTDOWN",
            3L, "ENABLE_ENCODING_METADATA");
    /** Records per batch: 80 of 40 bytes fill 3,200 of the ring's 4,096 bytes. */
    private static final int BATCH = 80;
    private static final int FRONTENDS = 3;
    private static final int STARTS_LEFT = 5;
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @Test
    void everyQueryOfTheDashboardOfKmeshsNamesAnswersWithTheValuesProduced(@TempDir Path dir) throws Exception {
        Path prometheusBinary = Tools.require("prometheus");
        List<Dashboards.Query> queries = Dashboards.queries(Dashboards.directory(), Dashboards.UPSTREAM);
        assertTrue(queries.size() >= 10, "the dashboard's queries: " + queries);
        try (PrivateBpffs bpffs = PrivateBpffs.mount(); KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path());
             RingPeek ring = RingPeek.open(kmesh.mapFd(KmeshStandIn.RING))) {
            for (int i = 1; i <= FRONTENDS; i++) {
                kmesh.addFrontend((Inet4Address) InetAddress.getByName("10.96.0." + i));
            }
            kmesh.produceStarts(1, STARTS_LEFT);

            int port = DemoProcess.freePort();
            List<String> command = DemoProcess.command(List.of(), List.of("--kmesh=" + bpffs.path(), "--names", "upstream",
                    "--port", Integer.toString(port)));
            try (DemoProcess demo = DemoProcess.start(command, Map.of("NODE_NAME", NODE));
                 PrometheusServer prometheus = PrometheusServer.start(prometheusBinary, dir, DemoProcess.freePort(),
                         "127.0.0.1:" + port, Rules.rulesFile(), KMESH_LABELS)) {
                URI metrics = DemoProcess.metricsUrl(port);
                demo.awaitBody(metrics, b -> b.contains("kmesh_perf_source_up{node_name=\"" + NODE + "\"} 1"), WITHIN);

                Produced produced = new Produced();
                for (int batch = 0; batch < 6; batch++) {
                    long type = batch % 3 == 2 ? 2 : batch % 3 == 1 ? 3 : 1;
                    produceBatch(kmesh, ring, demo, metrics, type, produced);
                }
                assertEquals(Set.of(1L, 2L, 3L), produced.durations.keySet());

                prometheus.awaitReady(WITHIN);
                // Scrapes come every second: wait until Prometheus holds the last batch.
                awaitValue(prometheus, "sum(kmesh_bpf_prog_operation_count{app=\"kmesh\",node_name=\"" + NODE + "\"})",
                        produced.total());

                Map<String, Expected> expected = expectations(kmesh, produced, bucketBounds(demo.awaitBody(metrics, b -> true,
                        WITHIN)));
                List<String> failures = new ArrayList<>();
                StringBuilder report = new StringBuilder("Queries of " + Dashboards.UPSTREAM + " ($node=.*):\n");
                for (Dashboards.Query q : queries) {
                    PrometheusServer.Answer a = prometheus.query(q.promql("1m"));
                    Expected e = expected.get(q.panel());
                    String problem = e == null ? "no expectation for panel '" + q.panel() + "'" : e.problem(q, a);
                    report.append(problem == null ? "  ok   " : "  FAIL ").append(q.panel()).append(": ")
                            .append(a.series().size()).append(" series\n");
                    if (problem != null) {
                        failures.add(q.panel() + ": " + problem + "\n    " + q.promql("1m").replaceAll("\\s+", " "));
                    }
                }
                System.out.println(report);
                assertTrue(failures.isEmpty(), failures.size() + " queries answer otherwise than produced:\n"
                        + String.join("\n", failures) + "\n\n" + report);

                Signals.interrupt(demo.pid());
                assertEquals(0, demo.await(WITHIN).exitCode());
            }
            assertTrue(Files.exists(kmesh.pinOf(KmeshStandIn.RING)), "the demo leaves Kmesh's pins alone");
        }
    }

    /**
     * {@code --observe} beside Kmesh's own reader (played by the test, which frees the ring after each
     * batch): the demo reads every record without ever moving the consumer position, misses none,
     * and its figures are those of the records produced.
     */
    @Test
    void observingBesideKmeshsOwnReaderSeesEveryRecordAndNeverConsumes() throws Exception {
        try (PrivateBpffs bpffs = PrivateBpffs.mount(); KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path());
             RingPeek ring = RingPeek.openAsReader(kmesh.mapFd(KmeshStandIn.RING))) {
            int port = DemoProcess.freePort();
            List<String> command = DemoProcess.command(List.of(), List.of("--kmesh=" + bpffs.path(), "--observe",
                    "--names", "upstream", "--port", Integer.toString(port)));
            try (DemoProcess demo = DemoProcess.start(command, Map.of("NODE_NAME", NODE))) {
                URI metrics = DemoProcess.metricsUrl(port);
                demo.awaitBody(metrics, b -> b.contains("kmesh_perf_source_up{node_name=\"" + NODE + "\"} 1"), WITHIN);
                Produced produced = new Produced();
                for (int batch = 0; batch < 6; batch++) {
                    long from = ring.producerPosition();
                    assertEquals(new KmeshStandIn.Result(BATCH, 0, 0, 0), kmesh.produce(1, BATCH));
                    long to = ring.producerPosition();
                    ring.between(from, to).forEach(rec -> produced.durations.computeIfAbsent(1L, t -> new ArrayList<>())
                            .add(rec.durationNanos()));
                    String count = "kmesh_bpf_prog_operation_count{node_name=\"" + NODE
                            + "\",operation_type=\"SOCK_TRAFFIC_CONTROL\"} " + produced.count(1);
                    demo.awaitBody(metrics, b -> b.lines().anyMatch(l -> l.equals(count) || l.equals(count + ".0")), WITHIN);
                    assertEquals(from, ring.consumerPosition(), "the observer read batch " + batch + " and left it in the ring");
                    ring.consume(to); // Kmesh's own reader
                }
                String body = demo.awaitBody(metrics, b -> true, WITHIN);
                assertEquals(0.0, value(body, "kmesh_perf_records_missed_total{node_name=\"" + NODE + "\"}"), body);
                String tc = "{node_name=\"" + NODE + "\",operation_type=\"SOCK_TRAFFIC_CONTROL\"}";
                assertEquals((double) produced.count(1), value(body, "kmesh_bpf_prog_operation_duration_count" + tc));
                assertEquals((double) produced.sum(1), value(body, "kmesh_bpf_prog_operation_duration_sum" + tc));
                Signals.interrupt(demo.pid());
                assertEquals(0, demo.await(WITHIN).exitCode());
            }
        }
    }

    /** The value of the series {@code series} (name and labels as exposed) in Prometheus text. */
    private static double value(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).strip().split(" ")[0]))
                .orElseThrow(() -> new AssertionError("no " + series + " in\n" + exposition));
    }

    /** Durations of the records produced, by operation type. */
    static final class Produced {
        final Map<Long, List<Long>> durations = new TreeMap<>();

        long total() {
            return durations.values().stream().mapToLong(List::size).sum();
        }

        long count(long type) {
            return durations.getOrDefault(type, List.of()).size();
        }

        long sum(long type) {
            return durations.getOrDefault(type, List.of()).stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Runs {@link #BATCH} operations of {@code type} in the stand-in, reads their records from the
     * ring's memory, then waits until the demo has read them all and freed the ring for the next.
     */
    private static void produceBatch(KmeshStandIn kmesh, RingPeek ring, DemoProcess demo, URI metrics, long type,
                                     Produced produced) throws Exception {
        long from = ring.producerPosition();
        KmeshStandIn.Result r = kmesh.produce(type, BATCH);
        assertEquals(new KmeshStandIn.Result(BATCH, 0, 0, 0), r, "every operation recorded, none dropped");
        long to = ring.producerPosition();
        List<RingPeek.Record> records = ring.between(from, to);
        assertEquals(BATCH, records.size(), "the batch's records in the ring");
        for (RingPeek.Record rec : records) {
            assertEquals(type, rec.operationType());
            produced.durations.computeIfAbsent(type, t -> new ArrayList<>()).add(rec.durationNanos());
        }
        String line = "kmesh_bpf_prog_operation_count{node_name=\"" + NODE + "\",operation_type=\"" + TYPES.get(type)
                + "\"} " + produced.count(type);
        demo.awaitBody(metrics, b -> b.lines().anyMatch(l -> l.equals(line) || l.equals(line + ".0")), WITHIN);
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (ring.consumerPosition() != to) {
            assertTrue(System.nanoTime() < deadline, "the demo consumes what it read");
            Thread.sleep(10);
        }
    }

    private static void awaitValue(PrometheusServer prometheus, String promql, double value) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        PrometheusServer.Answer a = prometheus.query(promql);
        while (a.values().size() != 1 || a.values().get(0) != value) {
            assertTrue(System.nanoTime() < deadline, promql + " did not reach " + value + ": " + a);
            Thread.sleep(500);
            a = prometheus.query(promql);
        }
    }

    /** The finite {@code le} bounds of the duration histogram, as the demo exposes them. */
    static List<Double> bucketBounds(String exposition) {
        Pattern le = Pattern.compile("^kmesh_bpf_prog_operation_duration_bucket\\{.*le=\"([^\"]+)\".*");
        Set<Double> bounds = new TreeSet<>();
        for (String line : exposition.lines().toList()) {
            Matcher m = le.matcher(line);
            if (m.matches() && !m.group(1).equals("+Inf")) {
                bounds.add(Double.parseDouble(m.group(1)));
            }
        }
        assertFalse(bounds.isEmpty(), "no duration buckets in\n" + exposition);
        return new ArrayList<>(bounds);
    }

    /**
     * Prometheus' histogram_quantile over cumulative buckets at {@code bounds} (then +Inf) holding
     * {@code values}: a bucket's count includes its upper bound; linear inside the bucket.
     */
    static double histogramQuantile(double q, List<Double> bounds, List<Long> values) {
        long[] cumulative = new long[bounds.size() + 1];
        for (long v : values) {
            for (int i = 0; i < bounds.size(); i++) {
                if (v <= bounds.get(i)) {
                    cumulative[i]++;
                }
            }
            cumulative[bounds.size()]++;
        }
        double rank = q * values.size();
        int b = 0;
        while (b < bounds.size() && cumulative[b] < rank) {
            b++;
        }
        if (b == bounds.size()) {
            return bounds.get(bounds.size() - 1);
        }
        double start = b == 0 ? 0 : bounds.get(b - 1);
        double below = b == 0 ? 0 : cumulative[b - 1];
        return start + (bounds.get(b) - start) * (rank - below) / (cumulative[b] - below);
    }

    /** What a panel's query must answer: a value per series, each series named by the labels given. */
    record Expected(Set<String> labels, Map<Map<String, String>, Double> values) {
        String problem(Dashboards.Query q, PrometheusServer.Answer a) {
            if (!a.ok()) {
                return "not a valid query: " + a.error();
            }
            Map<Map<String, String>, Double> got = new HashMap<>();
            for (int i = 0; i < a.series().size(); i++) {
                Map<String, String> key = new TreeMap<>();
                for (String l : labels) {
                    key.put(l, a.series().get(i).getOrDefault(l, ""));
                }
                got.put(key, a.values().get(i));
            }
            for (String l : q.legendLabels()) {
                if (a.series().stream().anyMatch(s -> s.getOrDefault(l, "").isEmpty())) {
                    return "a series without the label " + l + " that its legend shows: " + a.series();
                }
            }
            if (!got.keySet().equals(values.keySet())) {
                return "series " + got.keySet() + ", expected " + values.keySet();
            }
            for (var e : values.entrySet()) {
                double g = got.get(e.getKey());
                if (Math.abs(g - e.getValue()) > 1e-9 * Math.max(1, Math.abs(e.getValue()))) {
                    return e.getKey() + " = " + g + ", produced " + e.getValue();
                }
            }
            return null;
        }
    }

    private static Map<String, String> node() {
        return new TreeMap<>(Map.of("node_name", NODE));
    }

    private static Map<String, String> node(String label, String value) {
        return new TreeMap<>(Map.of("node_name", NODE, label, value));
    }

    private static Map<String, String> only(String label, String value) {
        return new TreeMap<>(Map.of(label, value));
    }

    /** Per panel title of the dashboard: what the stand-in and the produced records say it must show. */
    private static Map<String, Expected> expectations(KmeshStandIn kmesh, Produced produced, List<Double> bounds)
            throws IOException {
        Map<String, Expected> e = new HashMap<>();
        e.put("Traffic control duration", new Expected(Set.of("node_name"),
                Map.of(node(), (double) produced.sum(1) / produced.count(1))));
        e.put("Mean duration by operation type", new Expected(Set.of("node_name", "operation_type"),
                byType(produced, t -> (double) produced.sum(t) / produced.count(t), true)));
        e.put("p99 by operation type", new Expected(Set.of("operation_type"),
                byType(produced, t -> histogramQuantile(0.99, bounds, produced.durations.get(t)), false)));
        e.put("Operations measured", new Expected(Set.of("node_name", "operation_type"),
                byType(produced, t -> (double) produced.count(t), true)));

        Map<String, MapFigures> maps = mapFigures(kmesh);
        e.put("Maps", new Expected(Set.of("node_name"), Map.of(node(), (double) maps.size())));
        e.put("Memlock, all maps", new Expected(Set.of("node_name"),
                Map.of(node(), maps.values().stream().mapToDouble(MapFigures::memlock).sum())));
        e.put("Fullest map", new Expected(Set.of("node_name"), Map.of(node(), maps.values().stream()
                .filter(m -> m.entries() >= 0).mapToDouble(MapFigures::utilization).max().orElseThrow())));
        e.put("Source attached", new Expected(Set.of("node_name"), Map.of(node(), 1.0)));
        Map<Map<String, String>, Double> entries = new HashMap<>();
        Map<Map<String, String>, Double> utilization = new HashMap<>();
        Map<Map<String, String>, Double> max = new HashMap<>();
        Map<Map<String, String>, Double> memlock = new HashMap<>();
        maps.forEach((name, m) -> {
            if (m.entries() >= 0) {
                entries.put(node("map_name", name), (double) m.entries());
                utilization.put(node("map_name", name), m.utilization());
            }
            max.put(node("map_name", name), (double) m.maxEntries());
            memlock.put(node("map_name", name), (double) m.memlock());
        });
        e.put("Map entry count", new Expected(Set.of("node_name", "map_name"), entries));
        e.put("Map entry utilization", new Expected(Set.of("node_name", "map_name"), utilization));
        e.put("Map max entries", new Expected(Set.of("node_name", "map_name"), max));
        e.put("Map memlock", new Expected(Set.of("node_name", "map_name"), memlock));
        return e;
    }

    private static Map<Map<String, String>, Double> byType(Produced produced, Function<Long, Double> value,
                                                           boolean perNode) {
        return produced.durations.keySet().stream().collect(Collectors.toMap(
                t -> perNode ? node("operation_type", TYPES.get(t)) : only("operation_type", TYPES.get(t)), value));
    }

    /**
     * A map as the kernel has it: entries -1 for a ring buffer (its "entries" would be bytes, and Kmesh
     * reports none).
     */
    record MapFigures(long entries, long maxEntries, long memlock) {
        double utilization() {
            return (double) entries / maxEntries;
        }
    }

    /**
     * Every map the stand-in pinned, with the entries the test put there: arrays hold every index;
     * the frontends added; the starts left without an end; one slot of the prog_array and of each
     * map-in-map filled at load. Max entries and memlock from the kernel.
     */
    private static Map<String, MapFigures> mapFigures(KmeshStandIn kmesh) throws IOException {
        Map<String, Long> filled = Map.of(KmeshStandIn.FRONTEND, (long) FRONTENDS, KmeshStandIn.STARTS, (long) STARTS_LEFT,
                KmeshStandIn.TAIL_CALLS, 1L, KmeshStandIn.ARRAY_OF_MAPS, 1L, KmeshStandIn.HASH_OF_MAPS, 1L);
        Map<String, MapFigures> figures = new TreeMap<>();
        for (String name : KmeshStandIn.MAPS) {
            int fd = kmesh.mapFd(name);
            MapInfo info = MapInfo.of(fd);
            long entries = name.equals(KmeshStandIn.RING) ? -1
                    : filled.containsKey(name) ? filled.get(name) : info.maxEntries();
            if (!filled.containsKey(name) && !name.equals(KmeshStandIn.RING)) {
                assertTrue(info.typeName().contains("array") && !info.typeName().contains("of_maps")
                        && !info.typeName().contains("prog"), name + " is an array, full by design: " + info.typeName());
            }
            figures.put(name, new MapFigures(entries, info.maxEntries(), memlock(fd)));
        }
        return figures;
    }

    private static long memlock(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("memlock:")) {
                return Long.parseLong(line.substring("memlock:".length()).strip());
            }
        }
        throw new AssertionError("no memlock in /proc/self/fdinfo/" + fd);
    }
}
