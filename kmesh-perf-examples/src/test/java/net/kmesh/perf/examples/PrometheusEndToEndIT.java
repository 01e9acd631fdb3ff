package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.kmesh.perf.bpf.KernelRequired;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo, scraped by a real Prometheus that loads the shipped rules: every expression of every
 * dashboard panel and every rule is sent to Prometheus' query API, and must answer with data and
 * with the labels its legend (or its alert's annotations) shows. Rules listed in
 * {@code prometheus/expressions-exempt.txt} (alerts, empty while all is well) must only parse.
 */
@KernelRequired
class PrometheusEndToEndIT {

    /** Grafana's $__rate_interval is at least 4 scrape intervals; 1m sees 60 one-second scrapes. */
    private static final String RATE_INTERVAL = "1m";
    private static final Set<String> OPERATION_TYPES = Set.of("SOCK_TRAFFIC_CONTROL", "XDP_SHUTDOWN",
            "ENABLE_ENCODING_METADATA", "SYSCALL_SPAN");
    private static final Duration DATA_WITHIN = Duration.ofSeconds(60);

    /** One expression to check, where it comes from, and what its answer must hold. */
    record Check(String origin, String promql, Set<String> labels, Kind kind) {
        enum Kind { DATA, EXEMPT }
    }

    /** What Prometheus answered, and what is wrong with it (null when nothing). */
    record Outcome(Check check, PrometheusServer.Answer answer, String problem) {
    }

    static List<Check> checks() throws Exception {
        Map<String, String> exempt = Rules.exempt(Rules.directory().resolve("expressions-exempt.txt"));
        List<Check> checks = new ArrayList<>();
        // The dashboard of Kmesh's names is KmeshEndToEndIT's: this demo serves kmesh-perf's names.
        for (Dashboards.Query q : Dashboards.queries(Dashboards.directory(), Dashboards.KMESH_PERF)) {
            String promql = q.promql(RATE_INTERVAL);
            checks.add(new Check("dashboard " + q.dashboard() + " / " + q.panel(), promql, q.legendLabels(),
                    Check.Kind.DATA));
        }
        for (Rules.Rule r : Rules.load(Rules.rulesFile())) {
            Check.Kind kind = exempt.containsKey(r.name()) ? Check.Kind.EXEMPT : Check.Kind.DATA;
            checks.add(new Check("rule " + r.name(), r.expr(), r.labelsUsed(), kind));
        }
        return checks;
    }

    @Test
    void everyDashboardAndRuleExpressionAnswersFromARealPrometheus(@TempDir Path dir) throws Exception {
        Path prometheusBinary = Tools.require("prometheus");
        List<Check> checks = checks();
        int demoPort = DemoProcess.freePort();
        try (DemoProcess demo = DemoProcess.start("--port", Integer.toString(demoPort), "--duration", "120",
                "--workload", "200");
             PrometheusServer prometheus = PrometheusServer.start(prometheusBinary, dir, DemoProcess.freePort(),
                     "127.0.0.1:" + demoPort, Rules.rulesFile())) {
            demo.awaitBody(DemoProcess.metricsUrl(demoPort), b -> b.contains("SYSCALL_SPAN"), Duration.ofSeconds(30));
            prometheus.awaitReady(Duration.ofSeconds(30));

            // Scrapes arrive every second; poll until every expression that must have data has it.
            long deadline = System.nanoTime() + DATA_WITHIN.toNanos();
            List<Outcome> outcomes = evaluate(prometheus, checks);
            while (outcomes.stream().anyMatch(o -> o.problem() != null) && System.nanoTime() < deadline) {
                Thread.sleep(1_000);
                outcomes = evaluate(prometheus, checks);
            }
            Map<String, String> health = awaitRulesEvaluated(prometheus, deadline);
            String report = report(outcomes, health);
            System.out.println(report);

            List<String> failures = new ArrayList<>();
            outcomes.stream().filter(o -> o.problem() != null)
                    .forEach(o -> failures.add(o.check().origin() + ": " + o.problem() + "\n    " + o.check().promql()));
            for (Rules.Rule r : Rules.load(Rules.rulesFile())) {
                if (!"ok".equals(health.get(r.name()))) {
                    failures.add("rule " + r.name() + " is not evaluated cleanly by Prometheus: " + health.get(r.name()));
                }
            }
            assertTrue(failures.isEmpty(), failures.size() + " problem(s):\n" + String.join("\n", failures)
                    + "\n\n" + report + "\nprometheus log:\n" + prometheus.log());
            assertTrue(outcomes.stream().filter(o -> o.check().kind() == Check.Kind.DATA).count() >= 30,
                    "the checks cover the dashboards' operation, record and daemon panels");

            Signals.interrupt(demo.pid());
            assertEquals(0, demo.await(Duration.ofSeconds(30)).exitCode());
            assertFalse(Files.exists(Leftovers.demoCgroup(demo.pid())), "the demo removed its cgroup");
        }
    }

    private static List<Outcome> evaluate(PrometheusServer prometheus, List<Check> checks) throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        for (Check c : checks) {
            PrometheusServer.Answer a = prometheus.query(c.promql());
            outcomes.add(new Outcome(c, a, problem(c, a)));
        }
        return outcomes;
    }

    /** What is wrong with {@code a} as an answer to {@code c}; null when nothing. */
    static String problem(Check c, PrometheusServer.Answer a) {
        if (!a.ok()) {
            return "not a valid query: " + a.error();
        }
        if (c.kind() != Check.Kind.DATA) {
            return null;
        }
        if (a.series().isEmpty()) {
            return "no data";
        }
        for (Map<String, String> s : a.series()) {
            for (String label : c.labels()) {
                if (s.getOrDefault(label, "").isEmpty()) {
                    return "a series without the label " + label + " that its legend/annotation shows: " + s;
                }
            }
        }
        if (c.labels().contains("operation_type")) {
            Set<String> types = a.series().stream().map(s -> s.get("operation_type"))
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!types.containsAll(OPERATION_TYPES)) {
                return "not every operation type of the workload: " + types;
            }
        }
        return null;
    }

    /** Waits until Prometheus has evaluated every rule once; returns each rule's health. */
    private static Map<String, String> awaitRulesEvaluated(PrometheusServer prometheus, long deadline) throws Exception {
        Map<String, String> health = prometheus.ruleHealth();
        while (health.values().stream().anyMatch(h -> h.startsWith("unknown")) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            health = prometheus.ruleHealth();
        }
        return health;
    }

    private static String report(List<Outcome> outcomes, Map<String, String> health) {
        StringBuilder b = new StringBuilder("Expressions sent to Prometheus ($__rate_interval=" + RATE_INTERVAL
                + ", $__range=5m, $instance=.*):\n");
        for (Check.Kind kind : Check.Kind.values()) {
            List<Outcome> of = outcomes.stream().filter(o -> o.check().kind() == kind).toList();
            b.append(String.format(Locale.ROOT, "%n%s (%d)%s:%n", kind, of.size(), switch (kind) {
                case DATA -> ", must return data with the labels shown";
                case EXEMPT -> ", in expressions-exempt.txt, must parse";
            }));
            for (Outcome o : of) {
                String result = o.problem() != null ? "FAIL " + o.problem()
                        : o.answer().series().isEmpty() ? "ok, no data" : "ok, " + o.answer().series().size() + " series";
                b.append("  ").append(result).append(" | ").append(o.check().origin()).append(" | ")
                        .append(o.check().promql().replaceAll("\\s+", " ").strip()).append('\n');
            }
        }
        b.append("\nRules as evaluated by Prometheus: ").append(new java.util.TreeMap<>(health)).append('\n');
        return b.toString();
    }
}
