package net.kmesh.perf.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns the JMH JSON files of one run of {@code benchmarks/run} into {@code results.json} and
 * {@code results.md}: every ratio with its definition, value, target, quick bound and result.
 *
 * <pre>
 * Report --mode full|quick --raw DIR --out DIR [--failed-steps FILE] [--context key=value]...
 * </pre>
 * A full run judges each ratio against its target, a quick run against its looser bound. Exit
 * status: 1 when a quick run misses a bound, or when any ratio could not be computed (a benchmark
 * failed); 2 for bad arguments; otherwise 0, also when a full run misses a target (it says so).
 * {@code --failed-steps} receives the steps of {@code benchmarks/run} whose ratios failed or are
 * missing, one per line, so that the script can measure them once more.
 */
public final class Report {
    static final String PASS = "pass";
    static final String FAIL = "FAIL";
    static final String INFO = "info";
    static final String MISSING = "missing";

    /** A ratio's value in this run ({@code null} when missing) and its result. */
    record Outcome(Ratio ratio, Double value, String status, String problem) {
    }

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        String mode = null;
        Path raw = null;
        Path dir = null;
        Path failedSteps = null;
        Map<String, String> context = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--mode" -> mode = value;
                case "--raw" -> raw = value == null ? null : Path.of(value);
                case "--out" -> dir = value == null ? null : Path.of(value);
                case "--failed-steps" -> failedSteps = value == null ? null : Path.of(value);
                case "--context" -> {
                    int eq = value == null ? -1 : value.indexOf('=');
                    if (eq < 1) {
                        err.println("--context takes key=value, got " + value);
                        return 2;
                    }
                    context.put(value.substring(0, eq), value.substring(eq + 1));
                }
                default -> {
                    err.println("unknown argument " + args[i]
                            + "; usage: Report --mode full|quick --raw DIR --out DIR [--failed-steps FILE] [--context k=v]...");
                    return 2;
                }
            }
            i++;
        }
        if (!"full".equals(mode) && !"quick".equals(mode) || raw == null || dir == null) {
            err.println("usage: Report --mode full|quick --raw DIR --out DIR [--failed-steps FILE] [--context k=v]...");
            return 2;
        }
        boolean quick = mode.equals("quick");
        List<Path> files;
        try (Stream<Path> s = Files.list(raw)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        JmhResults results = JmhResults.read(files);
        List<Outcome> outcomes = evaluate(Ratios.of(quick), results, quick);

        Map<String, String> ctx = context(results, context);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.md"), markdown(mode, ctx, outcomes), StandardCharsets.UTF_8);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve("results.json").toFile(), json(mode, ctx, outcomes, results));
        out.print(table(outcomes));

        List<Outcome> failed = outcomes.stream()
                .filter(o -> o.status().equals(MISSING) || quick && o.status().equals(FAIL)).toList();
        if (failedSteps != null) {
            Set<String> steps = new LinkedHashSet<>();
            failed.forEach(o -> steps.add(o.ratio().step()));
            Files.write(failedSteps, steps);
        }
        out.println(summary(quick, outcomes));
        for (Outcome o : failed) {
            err.println(o.ratio().id() + ": " + (o.problem() != null ? o.problem()
                    : o.ratio().unit().format(o.value()) + " does not meet " + bound(o.ratio(), quick).text()));
        }
        return failed.isEmpty() ? 0 : 1;
    }

    static List<Outcome> evaluate(List<Ratio> ratios, JmhResults results, boolean quick) {
        Map<String, Double> values = new HashMap<>();
        Map<String, String> problems = new HashMap<>();
        for (Ratio r : ratios) {
            try {
                double v = r.formula().apply(results);
                if (Double.isFinite(v)) {
                    values.put(r.id(), v);
                } else {
                    problems.put(r.id(), "not a finite number: " + v);
                }
            } catch (JmhResults.MissingResult e) {
                problems.put(r.id(), e.getMessage());
            }
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Ratio r : ratios) {
            Double v = values.get(r.id());
            Ratio.Bound bound = bound(r, quick);
            String status = v == null ? MISSING : bound == null ? INFO : bound.test().ok(v, values) ? PASS : FAIL;
            outcomes.add(new Outcome(r, v, status, problems.get(r.id())));
        }
        return outcomes;
    }

    private static Ratio.Bound bound(Ratio r, boolean quick) {
        return quick ? r.quickBound() : r.target();
    }

    private static Map<String, String> context(JmhResults results, Map<String, String> given) {
        Map<String, String> ctx = new LinkedHashMap<>();
        ctx.put("kernel", firstLine(Path.of("/proc/sys/kernel/osrelease"), System.getProperty("os.version")));
        ctx.put("jdk", results.jdk());
        ctx.put("jmh", results.jmhVersion());
        ctx.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        ctx.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        ctx.putAll(given);
        String load = firstLine(Path.of("/proc/loadavg"), "");
        if (!load.isEmpty()) {
            ctx.put("loadAfter", String.join(" ", List.of(load.split(" ")).subList(0, 3)));
        }
        return ctx;
    }

    private static String firstLine(Path file, String otherwise) {
        try {
            return Files.readAllLines(file).get(0).trim();
        } catch (IOException | IndexOutOfBoundsException e) {
            return otherwise;
        }
    }

    static String markdown(String mode, Map<String, String> ctx, List<Outcome> outcomes) {
        StringBuilder md = new StringBuilder();
        md.append("# kmesh-perf benchmark ratios (").append(mode).append(" run)\n\n");
        md.append("| context | |\n| --- | --- |\n");
        ctx.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n"));
        md.append('\n').append(table(outcomes)).append('\n');
        md.append("Each benchmark's figure is its best measurement iteration (lowest time per operation, or lowest "
                + "per-iteration quotient of its counters): on a shared machine noise only adds time. Every ratio "
                + "divides benchmarks measured in this one run; absolute times are not reported. The result is "
                + "judged against the ").append(mode.equals("quick") ? "quick bound" : "target").append(".\n\n");
        md.append(summary(mode.equals("quick"), outcomes)).append('\n');
        return md.toString();
    }

    static String table(List<Outcome> outcomes) {
        StringBuilder t = new StringBuilder();
        t.append("| ratio | definition | value | target | quick bound | result |\n");
        t.append("| --- | --- | ---: | --- | --- | --- |\n");
        for (Outcome o : outcomes) {
            Ratio r = o.ratio();
            t.append("| ").append(r.title()).append(" | ").append(r.definition()).append(" | ")
                    .append(o.value() == null ? "–" : r.unit().format(o.value())).append(" | ")
                    .append(r.target() != null ? r.target().text() : r.quickBound() == null ? "informational" : "–").append(" | ")
                    .append(r.quickBound() == null ? "–" : r.quickBound().text()).append(" | ")
                    .append(o.status().equals(FAIL) || o.status().equals(MISSING) ? "**" + o.status() + "**" : o.status())
                    .append(" |\n");
        }
        return t.toString();
    }

    static String summary(boolean quick, List<Outcome> outcomes) {
        List<Outcome> judged = outcomes.stream().filter(o -> bound(o.ratio(), quick) != null).toList();
        long met = judged.stream().filter(o -> o.status().equals(PASS)).count();
        String missed = judged.stream().filter(o -> !o.status().equals(PASS))
                .map(o -> o.ratio().id() + " (" + o.status() + ")").collect(Collectors.joining(", "));
        String what = quick ? "quick bounds" : "targets";
        return met + " of " + judged.size() + " " + what + " met" + (missed.isEmpty() ? "." : "; not met: " + missed + ".");
    }

    private static Map<String, Object> json(String mode, Map<String, String> ctx, List<Outcome> outcomes,
                                            JmhResults results) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("mode", mode);
        root.put("context", ctx);
        root.put("estimator", "best measurement iteration of each benchmark; ratios of benchmarks of this run only");
        List<Map<String, Object>> ratios = new ArrayList<>();
        for (Outcome o : outcomes) {
            Ratio r = o.ratio();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("title", r.title());
            m.put("definition", r.definition());
            m.put("value", o.value());
            m.put("formatted", o.value() == null ? null : r.unit().format(o.value()));
            m.put("target", r.target() == null ? null : r.target().text());
            m.put("quickBound", r.quickBound() == null ? null : r.quickBound().text());
            m.put("result", o.status());
            if (o.problem() != null) {
                m.put("problem", o.problem());
            }
            ratios.add(m);
        }
        root.put("ratios", ratios);
        root.put("summary", summary(mode.equals("quick"), outcomes));
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (JmhResults.Entry e : results.entries()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", e.name());
            m.put("params", e.params());
            m.put("unit", e.unit());
            m.put("iterations", e.primary().size());
            m.put("best", e.best());
            m.put("median", e.median());
            Map<String, Double> means = new LinkedHashMap<>();
            e.secondary().keySet().forEach(k -> means.put(k, e.mean(k)));
            if (!means.isEmpty()) {
                m.put("secondaryMeans", means);
            }
            inputs.add(m);
        }
        root.put("inputs", inputs);
        return root;
    }
}
