package net.kmesh.perf.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The shipped Grafana dashboards and the PromQL of every panel target, rows' panels included. */
final class Dashboards {
    /** The dashboards over kmesh-perf's own names. */
    static final String KMESH_PERF = "kmesh-perf-";
    /** The dashboard over Kmesh's own names ({@code --names upstream}). */
    static final String UPSTREAM = "kmesh-upstream-names.json";
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");

    private Dashboards() {
    }

    /** The dashboards' directory (the build passes it; relative to the module otherwise). */
    static Path directory() {
        return Path.of(System.getProperty("grafana.files", "grafana"));
    }

    /** Every {@code *.json} in {@code dir}, sorted. */
    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    /**
     * One panel target.
     *
     * @param dashboard the dashboard's file name
     * @param panel     the panel's title
     * @param expr      the PromQL, with Grafana's variables
     * @param legend    the legend format ("" when none)
     */
    record Query(String dashboard, String panel, String expr, String legend) {
        /**
         * The PromQL Prometheus can run: Grafana's variables replaced, {@code $__rate_interval} by
         * {@code rateInterval}, {@code $__range} by 5m, {@code $instance} and {@code $node} by every
         * instance and node.
         */
        String promql(String rateInterval) {
            return expr.replace("${__rate_interval}", rateInterval).replace("$__rate_interval", rateInterval)
                    .replace("${__range}", "5m").replace("$__range", "5m")
                    .replace("${instance}", ".*").replace("$instance", ".*")
                    .replace("${node}", ".*").replace("$node", ".*");
        }

        /** The labels the legend shows, e.g. {@code operation_type} for {@code p99 {{operation_type}}}. */
        Set<String> legendLabels() {
            Set<String> labels = new TreeSet<>();
            Matcher m = LEGEND_LABEL.matcher(legend);
            while (m.find()) {
                labels.add(m.group(1));
            }
            return labels;
        }

        @Override
        public String toString() {
            return dashboard + " / " + panel + ": " + expr.replaceAll("\\s+", " ");
        }
    }

    /** Every target with an {@code expr} of every panel of the dashboards in {@code dir}. */
    static List<Query> queries(Path dir) throws IOException {
        return queries(dir, "");
    }

    /** Every target with an {@code expr} of the dashboards in {@code dir} whose file name starts with {@code prefix}. */
    static List<Query> queries(Path dir, String prefix) throws IOException {
        List<Query> queries = new ArrayList<>();
        for (Path f : files(dir)) {
            if (f.getFileName().toString().startsWith(prefix)) {
                queries.addAll(queries(f.getFileName().toString(), new ObjectMapper().readTree(f.toFile())));
            }
        }
        return queries;
    }

    /** The targets of one dashboard's model, walking into rows (and pre-v16 {@code rows}). */
    static List<Query> queries(String name, JsonNode dashboard) {
        List<Query> queries = new ArrayList<>();
        walk(name, dashboard.path("panels"), queries);
        for (JsonNode row : dashboard.path("rows")) {
            walk(name, row.path("panels"), queries);
        }
        return queries;
    }

    private static void walk(String name, JsonNode panels, List<Query> into) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr") && !target.get("expr").asText().isBlank()) {
                    into.add(new Query(name, panel.path("title").asText(), target.get("expr").asText(),
                            target.path("legendFormat").asText("")));
                }
            }
            walk(name, panel.path("panels"), into);
        }
    }
}
