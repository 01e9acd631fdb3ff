package net.kmesh.perf.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The entries of JMH's JSON result files ({@code -rf json}), one per benchmark method and
 * parameter set, with every fork's iterations. A file whose name ends in {@value #RETRY_SUFFIX}
 * is a second attempt at a step ({@code benchmarks/run --quick} measures a failing step again):
 * its entries replace the first attempt's whole, so that the second attempt is judged alone.
 */
final class JmhResults {
    static final String RETRY_SUFFIX = "-retry.json";

    /**
     * One benchmark method with one set of parameters: its primary score and its secondary
     * metrics, per fork, then per measurement iteration.
     *
     * @param retried whether these are the figures of a second attempt
     */
    record Entry(String name, Map<String, String> params, String unit, List<List<Double>> primary,
                 Map<String, List<List<Double>>> secondary, boolean retried) {

        /** The primary score (time per operation here) over all forks × iterations. */
        Figure score() {
            return figure(flat(primary), "score");
        }

        /** A secondary metric, such as {@code gc.alloc.rate.norm}, over all forks × iterations. */
        Figure metric(String metric) {
            return figure(flat(forks(metric)), metric);
        }

        /**
         * The per-iteration quotient of two auxiliary counters measured in the same iteration
         * (CPU and wall time, or the two sides of an interleaved pair), over all forks × iterations.
         */
        Figure quotient(String numerator, String denominator) {
            List<Double> n = flat(forks(numerator));
            List<Double> d = flat(forks(denominator));
            if (n.size() != d.size()) {
                throw new IllegalStateException(this + ": " + numerator + " has " + n.size() + " iterations, "
                        + denominator + " " + d.size());
            }
            List<Double> q = new ArrayList<>(n.size());
            for (int i = 0; i < n.size(); i++) {
                q.add(n.get(i) / d.get(i));
            }
            return figure(q, numerator + " ÷ " + denominator);
        }

        int forkCount() {
            return primary.size();
        }

        private List<List<Double>> forks(String metric) {
            List<List<Double>> v = secondary.get(metric);
            if (v == null || v.isEmpty()) {
                throw new MissingResult(this + " has no metric " + metric);
            }
            return v;
        }

        private Figure figure(List<Double> iterations, String what) {
            if (iterations.isEmpty()) {
                throw new MissingResult(this + " has no measured iteration of its " + what);
            }
            return Figure.of(iterations);
        }

        private static List<Double> flat(List<List<Double>> forks) {
            return forks.stream().flatMap(List::stream).toList();
        }

        @Override
        public String toString() {
            return params.isEmpty() ? name : name + " " + params;
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

    /** Results made of {@code entries} directly (for tests of the estimators). */
    static JmhResults of(List<Entry> entries) {
        return new JmhResults(List.copyOf(entries), "", "");
    }

    /**
     * Reads JMH's result files; JSON files that are not JMH results (not an array) are skipped.
     * Within one attempt, the forks of an entry found in several files are put together; an entry
     * of a second attempt ({@value #RETRY_SUFFIX}) replaces the first attempt's.
     */
    static JmhResults read(List<Path> files) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, Entry> first = new LinkedHashMap<>();
        Map<String, Entry> second = new LinkedHashMap<>();
        String jdk = "";
        String jmh = "";
        for (Path file : files) {
            JsonNode root = json.readTree(file.toFile());
            if (!root.isArray()) {
                // Not JMH's output: the report's own results.json, in the quick run's directory.
                continue;
            }
            boolean retry = file.getFileName().toString().endsWith(RETRY_SUFFIX);
            for (JsonNode run : root) {
                jdk = run.path("jdkVersion").asText() + " (" + run.path("vmName").asText() + " "
                        + run.path("vmVersion").asText() + ")";
                jmh = run.path("jmhVersion").asText();
                String fqn = run.path("benchmark").asText();
                String name = fqn.substring(fqn.lastIndexOf('.', fqn.lastIndexOf('.') - 1) + 1);
                Map<String, String> params = new TreeMap<>();
                run.path("params").properties().forEach(p -> params.put(p.getKey(), p.getValue().asText()));
                JsonNode primary = run.path("primaryMetric");
                Map<String, List<List<Double>>> secondary = new TreeMap<>();
                for (Map.Entry<String, JsonNode> m : run.path("secondaryMetrics").properties()) {
                    secondary.put(m.getKey(), forks(m.getValue()));
                }
                Entry e = new Entry(name, params, primary.path("scoreUnit").asText(), forks(primary), secondary, retry);
                (retry ? second : first).merge(name + params, e, JmhResults::concat);
            }
        }
        first.putAll(second);
        return new JmhResults(List.copyOf(first.values()), jdk, jmh);
    }

    /** The iterations of each fork of a metric. */
    private static List<List<Double>> forks(JsonNode metric) {
        List<List<Double>> forks = new ArrayList<>();
        for (JsonNode fork : metric.path("rawData")) {
            List<Double> values = new ArrayList<>();
            fork.forEach(v -> values.add(v.asDouble()));
            forks.add(List.copyOf(values));
        }
        return List.copyOf(forks);
    }

    /** The same benchmark in two files of one attempt: its forks are put together. */
    private static Entry concat(Entry a, Entry b) {
        Map<String, List<List<Double>>> secondary = new TreeMap<>(a.secondary());
        b.secondary().forEach((k, v) -> secondary.merge(k, v, JmhResults::append));
        return new Entry(a.name(), a.params(), a.unit(), append(a.primary(), b.primary()), secondary, a.retried());
    }

    private static List<List<Double>> append(List<List<Double>> a, List<List<Double>> b) {
        List<List<Double>> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    List<Entry> entries() {
        return entries;
    }

    /** Whether any entry is a second attempt's. */
    boolean retried() {
        return entries.stream().anyMatch(Entry::retried);
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
