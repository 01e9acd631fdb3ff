package net.kmesh.perf.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The entries of JMH's JSON result files ({@code -rf json}), one per benchmark method and
 * parameter set; the forks of an entry found in several files (a step measured again) are
 * merged. Only per-iteration figures are kept: the report's estimators work on them.
 */
final class JmhResults {

    /**
     * One benchmark method with one set of parameters: its primary score per iteration, and its
     * secondary metrics per fork, then per iteration.
     */
    record Entry(String name, Map<String, String> params, String unit, List<Double> primary,
                 Map<String, List<List<Double>>> secondary) {

        /** The lowest primary score over all iterations (scores here are times per operation). */
        double best() {
            return primary.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        }

        double median() {
            double[] sorted = primary.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        /** The mean over iterations of a secondary metric, such as {@code gc.alloc.rate.norm}. */
        double mean(String metric) {
            return values(metric).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        }

        /** The lowest per-iteration quotient of two auxiliary counters. */
        double bestQuotient(String numerator, String denominator) {
            List<Double> n = values(numerator);
            List<Double> d = values(denominator);
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n.size(); i++) {
                best = Math.min(best, n.get(i) / d.get(i));
            }
            return best;
        }

        /**
         * The largest per-fork quotient of two auxiliary counters, each summed over the fork's
         * iterations: for two sides measured in turn, which noise slows alike, in forks that
         * differ by JIT and memory placement.
         */
        double bestForkQuotient(String numerator, String denominator) {
            List<List<Double>> n = forks(numerator);
            List<List<Double>> d = forks(denominator);
            double best = Double.NEGATIVE_INFINITY;
            for (int f = 0; f < n.size(); f++) {
                best = Math.max(best, sum(n.get(f)) / sum(d.get(f)));
            }
            return best;
        }

        private static double sum(List<Double> values) {
            return values.stream().mapToDouble(Double::doubleValue).sum();
        }

        private List<List<Double>> forks(String metric) {
            List<List<Double>> v = secondary.get(metric);
            if (v == null || v.isEmpty()) {
                throw new MissingResult(this + " has no metric " + metric);
            }
            return v;
        }

        private List<Double> values(String metric) {
            return forks(metric).stream().flatMap(List::stream).toList();
        }

        @Override
        public String toString() {
            return params.isEmpty() ? name : name + params;
        }
    }

    /** A benchmark or metric a ratio needs is not among the results. */
    static final class MissingResult extends RuntimeException {
        MissingResult(String message) {
            super(message);
        }
    }

    private final List<Entry> entries;
    private final String jdk;
    private final String jmh;

    private JmhResults(List<Entry> entries, String jdk, String jmh) {
        this.entries = entries;
        this.jdk = jdk;
        this.jmh = jmh;
    }

    /** Reads JMH's result files; JSON files that are not JMH results (not an array) are skipped. */
    static JmhResults read(List<Path> files) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, Entry> merged = new LinkedHashMap<>();
        String jdk = "";
        String jmh = "";
        for (Path file : files) {
            JsonNode root = json.readTree(file.toFile());
            if (!root.isArray()) {
                // Not JMH's output: the report's own results.json, in the quick run's directory.
                continue;
            }
            for (JsonNode run : root) {
                jdk = run.path("jdkVersion").asText() + " (" + run.path("vmName").asText() + " "
                        + run.path("vmVersion").asText() + ")";
                jmh = run.path("jmhVersion").asText();
                String fqn = run.path("benchmark").asText();
                String name = fqn.substring(fqn.lastIndexOf('.', fqn.lastIndexOf('.') - 1) + 1);
                Map<String, String> params = new TreeMap<>();
                run.path("params").fields().forEachRemaining(p -> params.put(p.getKey(), p.getValue().asText()));
                JsonNode primary = run.path("primaryMetric");
                Map<String, List<List<Double>>> secondary = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = run.path("secondaryMetrics").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> m = it.next();
                    secondary.put(m.getKey(), forks(m.getValue()));
                }
                List<Double> iterations = forks(primary).stream().flatMap(List::stream).toList();
                Entry e = new Entry(name, params, primary.path("scoreUnit").asText(), iterations, secondary);
                merged.merge(name + params, e, JmhResults::concat);
            }
        }
        return new JmhResults(List.copyOf(merged.values()), jdk, jmh);
    }

    /** The iterations of each fork of a metric. */
    private static List<List<Double>> forks(JsonNode metric) {
        List<List<Double>> forks = new ArrayList<>();
        for (JsonNode fork : metric.path("rawData")) {
            List<Double> values = new ArrayList<>();
            fork.forEach(v -> values.add(v.asDouble()));
            forks.add(values);
        }
        return forks;
    }

    /** The same benchmark measured again: its forks are added to the first measurement's. */
    private static Entry concat(Entry a, Entry b) {
        List<Double> primary = new ArrayList<>(a.primary());
        primary.addAll(b.primary());
        Map<String, List<List<Double>>> secondary = new TreeMap<>(a.secondary());
        b.secondary().forEach((k, v) -> secondary.merge(k, v, (x, y) -> {
            List<List<Double>> all = new ArrayList<>(x);
            all.addAll(y);
            return all;
        }));
        return new Entry(a.name(), a.params(), a.unit(), primary, secondary);
    }

    List<Entry> entries() {
        return entries;
    }

    /** The JVM the benchmarks ran in, as JMH recorded it. */
    String jdk() {
        return jdk;
    }

    String jmhVersion() {
        return jmh;
    }

    /**
     * The entry of {@code name} ("Class.method") whose parameters include {@code params}, given as
     * alternating names and values; exactly one must match.
     */
    Entry find(String name, String... params) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < params.length; i += 2) {
            wanted.put(params[i], params[i + 1]);
        }
        List<Entry> found = entries.stream()
                .filter(e -> e.name().equals(name) && e.params().entrySet().containsAll(wanted.entrySet()))
                .toList();
        if (found.isEmpty()) {
            throw new MissingResult("no result for " + name + (wanted.isEmpty() ? "" : " " + wanted));
        }
        if (found.size() > 1) {
            throw new IllegalStateException(name + " " + wanted + " matches " + found.size() + " results: "
                    + Arrays.toString(found.toArray()));
        }
        return found.get(0);
    }
}
