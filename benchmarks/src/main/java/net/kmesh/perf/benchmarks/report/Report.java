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
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns the JMH JSON files of one run of {@code benchmarks/run} into {@code results.json} and
 * {@code results.md}: every ratio with its definition, median, range, target, quick bound and result.
 *
 * <pre>
 * Report --mode full|quick --raw DIR --out DIR [--failed-steps FILE] [--readme FILE] [--context key=value]...
 * </pre>
 * A full run judges each ratio's median against its target, a quick run against its bound. Exit
 * status: 1 when a quick run misses a bound or lacks a ratio; 2 for bad arguments; otherwise 0,
 * also when a full run misses a target or lacks a ratio (it marks them; {@code benchmarks/run}
 * fails on its own when a benchmark fails). {@code --failed-steps} receives the steps of
 * {@code benchmarks/run} whose ratios failed or are missing, one per line, so that the script can
 * measure them once more. {@code --readme} rewrites the results section of that file (between
 * {@link #README_BEGIN} and {@link #README_END}) with this run's table.
 */
public final class Report {
    static final String PASS = "pass";
    static final String FAIL = "FAIL";
    static final String INFO = "info";
    static final String MISSING = "missing";
    static final String README_BEGIN = "<!-- results: written by benchmarks/run, do not edit by hand -->";
    static final String README_END = "<!-- end of results -->";
    private static final String USAGE = "usage: Report --mode full|quick --raw DIR --out DIR [--failed-steps FILE] "
            + "[--readme FILE] [--context k=v]...";
    private static final String ESTIMATOR = "Each benchmark's figure is its median over all forks × measurement "
            + "iterations; a ratio's value is its formula on those medians, and targets and bounds judge that value. "
            + "The range is the lowest and highest iteration of the ratio where its two sides were measured side by "
            + "side in the same iteration (the ring's `interleaved` pair, a consumer's CPU and wall time), otherwise "
            + "the formula's extremes over each benchmark's lowest and highest iteration. Every ratio divides "
            + "benchmarks of this one run; absolute times are not reported.";

    /** A ratio's estimate in this run ({@code null} when missing) and its result. */
    record Outcome(Ratio ratio, Estimate estimate, String status, String problem) {
        Double value() {
            return estimate == null ? null : estimate.value();
        }
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
        Path readme = null;
        Map<String, String> context = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--mode" -> mode = value;
                case "--raw" -> raw = value == null ? null : Path.of(value);
                case "--out" -> dir = value == null ? null : Path.of(value);
                case "--failed-steps" -> failedSteps = value == null ? null : Path.of(value);
                case "--readme" -> readme = value == null ? null : Path.of(value);
                case "--context" -> {
                    int eq = value == null ? -1 : value.indexOf('=');
                    if (eq < 1) {
                        err.println("--context takes key=value, got " + value);
                        return 2;
                    }
                    context.put(value.substring(0, eq), value.substring(eq + 1));
                }
                default -> {
                    err.println("unknown argument " + args[i] + "; " + USAGE);
                    return 2;
                }
            }
            i++;
        }
        if (!"full".equals(mode) && !"quick".equals(mode) || raw == null || dir == null) {
            err.println(USAGE);
            return 2;
        }
        boolean quick = mode.equals("quick");
        List<Path> files;
        try (Stream<Path> s = Files.list(raw)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        JmhResults results = JmhResults.read(files);
        List<Ratio> ratios = Ratios.of(quick);
        List<Outcome> outcomes = evaluate(ratios, results, quick);
        Map<String, Outcome> firstAttempt = Map.of();
        if (results.retried()) {
            List<Path> first = files.stream()
                    .filter(p -> !p.getFileName().toString().endsWith(JmhResults.RETRY_SUFFIX)).toList();
            firstAttempt = evaluate(ratios, JmhResults.read(first), quick).stream()
                    .collect(Collectors.toMap(o -> o.ratio().id(), Function.identity()));
        }

        Map<String, String> ctx = context(results, context);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.md"), markdown(mode, ctx, outcomes, firstAttempt), StandardCharsets.UTF_8);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve("results.json").toFile(), json(mode, ctx, outcomes, firstAttempt, results));
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
            err.println(o.ratio().id() + ": " + (o.problem() != null
                    ? o.status() + " (step " + o.ratio().step() + " of benchmarks/run): " + o.problem()
                    : "median " + o.ratio().unit().format(o.value()) + " does not meet " + bound(o.ratio(), quick).text()));
        }
        if (readme != null && !writeReadme(readme, ctx, outcomes, err)) {
            return 1;
        }
        return quick && !failed.isEmpty() ? 1 : 0;
    }

    static List<Outcome> evaluate(List<Ratio> ratios, JmhResults results, boolean quick) {
        Map<String, Estimate> estimates = new HashMap<>();
        Map<String, Double> values = new HashMap<>();
        Map<String, String> problems = new HashMap<>();
        for (Ratio r : ratios) {
            try {
                Estimate e = Estimate.of(r.formula(), results);
                if (Double.isFinite(e.value())) {
                    estimates.put(r.id(), e);
                    values.put(r.id(), e.value());
                } else {
                    problems.put(r.id(), "not a finite number: " + e.value());
                }
            } catch (JmhResults.MissingResult | IllegalStateException e) {
                // Absent, or ambiguous (a benchmark gained a parameter the ratio does not name).
                problems.put(r.id(), e.getMessage());
            }
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Ratio r : ratios) {
            Estimate e = estimates.get(r.id());
            Ratio.Bound bound = bound(r, quick);
            String status = e == null ? MISSING : bound == null ? INFO : bound.test().ok(e.value(), values) ? PASS : FAIL;
            outcomes.add(new Outcome(r, e, status, problems.get(r.id())));
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

    static String markdown(String mode, Map<String, String> ctx, List<Outcome> outcomes,
                           Map<String, Outcome> firstAttempt) {
        StringBuilder md = new StringBuilder();
        md.append("# kmesh-perf benchmark ratios (").append(mode).append(" run)\n\n");
        md.append("| context | |\n| --- | --- |\n");
        ctx.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(cell(v)).append(" |\n"));
        md.append('\n').append(table(outcomes)).append('\n');
        md.append(ESTIMATOR).append(" The result is judged against the ")
                .append(mode.equals("quick") ? "quick bound" : "target").append(".\n\n");
        String again = remeasured(outcomes, firstAttempt);
        if (!again.isEmpty()) {
            md.append(again).append('\n');
        }
        md.append(summary(mode.equals("quick"), outcomes)).append('\n');
        return md.toString();
    }

    /** Which ratios come from a second attempt, and what the first attempt gave. */
    private static String remeasured(List<Outcome> outcomes, Map<String, Outcome> firstAttempt) {
        String list = outcomes.stream().filter(o -> o.estimate() != null && o.estimate().remeasured())
                .map(o -> {
                    Outcome first = firstAttempt.get(o.ratio().id());
                    String before = first == null || first.value() == null ? first == null ? "?" : first.status()
                            : o.ratio().unit().format(first.value()) + " (" + first.status() + ")";
                    return "`" + o.ratio().id() + "` " + before + " → " + o.ratio().unit().format(o.value())
                            + " (" + o.status() + ")";
                })
                .collect(Collectors.joining("; "));
        return list.isEmpty() ? "" : "Measured again, the second attempt judged alone (first → second): " + list + ".\n";
    }

    static String table(List<Outcome> outcomes) {
        StringBuilder t = new StringBuilder();
        t.append("| ratio | definition | median | range | target | quick bound | result |\n");
        t.append("| --- | --- | ---: | --- | --- | --- | --- |\n");
        for (Outcome o : outcomes) {
            Ratio r = o.ratio();
            t.append("| ").append(r.title()).append(" | ").append(r.definition()).append(" | ")
                    .append(value(o)).append(" | ").append(range(o)).append(" | ")
                    .append(target(r)).append(" | ")
                    .append(r.quickBound() == null ? "–" : r.quickBound().text()).append(" | ")
                    .append(status(o)).append(" |\n");
        }
        return t.toString();
    }

    private static String value(Outcome o) {
        return o.value() == null ? "–" : o.ratio().unit().format(o.value());
    }

    /** "0.880 – 0.950×": the ratio's lowest and highest, as {@link Estimate} defines them. */
    static String range(Outcome o) {
        Estimate e = o.estimate();
        if (e == null || !Double.isFinite(e.min())) {
            return "–";
        }
        return o.ratio().unit().formatRange(e.min(), e.max());
    }

    private static String target(Ratio r) {
        return r.target() != null ? r.target().text() : r.quickBound() == null ? "informational" : "–";
    }

    private static String status(Outcome o) {
        return o.status().equals(FAIL) || o.status().equals(MISSING) ? "**" + o.status() + "**" : o.status();
    }

    private static String cell(String v) {
        return v.replace("|", "\\|");
    }

    static String summary(boolean quick, List<Outcome> outcomes) {
        List<Outcome> judged = outcomes.stream().filter(o -> bound(o.ratio(), quick) != null).toList();
        long met = judged.stream().filter(o -> o.status().equals(PASS)).count();
        String missed = judged.stream().filter(o -> !o.status().equals(PASS))
                .map(o -> o.ratio().id() + " (" + o.status() + ")").collect(Collectors.joining(", "));
        String absent = outcomes.stream().filter(o -> bound(o.ratio(), quick) == null && o.status().equals(MISSING))
                .map(o -> o.ratio().id()).collect(Collectors.joining(", "));
        String what = quick ? "quick bounds" : "targets";
        return met + " of " + judged.size() + " " + what + " met" + (missed.isEmpty() ? "" : "; not met: " + missed)
                + (absent.isEmpty() ? "" : "; informational ratios missing: " + absent) + ".";
    }

    /** Replaces the results section of {@code readme} with this run's context line and a compact table. */
    private static boolean writeReadme(Path readme, Map<String, String> ctx, List<Outcome> outcomes, PrintStream err)
            throws IOException {
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int begin = text.indexOf(README_BEGIN);
        int end = text.indexOf(README_END);
        if (begin < 0 || end < begin) {
            err.println(readme + " has no results section to rewrite: it needs the lines " + README_BEGIN
                    + " and " + README_END);
            return false;
        }
        String section = README_BEGIN + "\n\n" + readmeSection(ctx, outcomes) + "\n";
        Files.writeString(readme, text.substring(0, begin) + section + text.substring(end), StandardCharsets.UTF_8);
        return true;
    }

    static String readmeSection(Map<String, String> ctx, List<Outcome> outcomes) {
        StringBuilder s = new StringBuilder();
        s.append("Command: `").append(ctx.getOrDefault("command", "benchmarks/run")).append("` at commit `")
                .append(ctx.getOrDefault("commit", "?")).append("`, ").append(ctx.getOrDefault("date", "?"))
                .append(", load average ").append(ctx.getOrDefault("loadBefore", "?"))
                .append(" at the start; Linux ").append(ctx.getOrDefault("kernel", "?")).append(", ")
                .append(ctx.getOrDefault("cpus", "?")).append(" CPUs (").append(ctx.getOrDefault("cpuModel", "?"))
                .append("), JDK ").append(ctx.getOrDefault("jdk", "?"))
                .append(", JMH ").append(ctx.getOrDefault("jmh", "?"));
        if (ctx.containsKey("runSeconds")) {
            s.append("; ").append(ctx.get("runSeconds")).append(" s");
        }
        s.append(". Definitions: [`results/results.md`](results/results.md).\n\n");
        s.append("| ratio | median | range | target | quick bound | result |\n");
        s.append("| --- | ---: | --- | --- | --- | --- |\n");
        for (Outcome o : outcomes) {
            Ratio r = o.ratio();
            s.append("| ").append(r.title()).append(" | ").append(value(o)).append(" | ").append(range(o))
                    .append(" | ").append(target(r)).append(" | ")
                    .append(r.quickBound() == null ? "–" : r.quickBound().text()).append(" | ").append(status(o))
                    .append(" |\n");
        }
        s.append('\n').append(summary(false, outcomes)).append('\n');
        return s.toString();
    }

    private static Map<String, Object> json(String mode, Map<String, String> ctx, List<Outcome> outcomes,
                                            Map<String, Outcome> firstAttempt, JmhResults results) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("mode", mode);
        root.put("context", ctx);
        root.put("estimator", ESTIMATOR);
        List<Map<String, Object>> ratios = new ArrayList<>();
        for (Outcome o : outcomes) {
            Ratio r = o.ratio();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("step", r.step());
            m.put("title", r.title());
            m.put("definition", r.definition());
            m.put("value", o.value());
            m.put("formatted", o.value() == null ? null : r.unit().format(o.value()));
            Estimate e = o.estimate();
            if (e != null) {
                m.put("min", Double.isFinite(e.min()) ? e.min() : null);
                m.put("max", Double.isFinite(e.max()) ? e.max() : null);
                m.put("range", range(o));
                m.put("rangeFrom", e.paired() ? "iterations of its one input" : "extremes of each input");
                List<Map<String, Object>> inputs = new ArrayList<>();
                for (Estimate.Input in : e.inputs()) {
                    Map<String, Object> i = new LinkedHashMap<>();
                    i.put("input", in.description());
                    i.put("median", in.figure().median());
                    i.put("min", in.figure().min());
                    i.put("max", in.figure().max());
                    i.put("iterations", in.figure().n());
                    if (in.entry().retried()) {
                        i.put("attempt", 2);
                    }
                    inputs.add(i);
                }
                m.put("inputs", inputs);
            }
            m.put("target", r.target() == null ? null : r.target().text());
            m.put("quickBound", r.quickBound() == null ? null : r.quickBound().text());
            m.put("result", o.status());
            if (o.problem() != null) {
                m.put("problem", o.problem());
            }
            Outcome first = e != null && e.remeasured() ? firstAttempt.get(r.id()) : null;
            if (first != null) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("value", first.value());
                f.put("range", range(first));
                f.put("result", first.status());
                m.put("firstAttempt", f);
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
            m.put("forks", e.forkCount());
            Figure score = e.score();
            m.put("iterations", score.n());
            m.put("median", score.median());
            m.put("min", score.min());
            m.put("max", score.max());
            if (e.retried()) {
                m.put("attempt", 2);
            }
            Map<String, Double> medians = new LinkedHashMap<>();
            for (String k : e.secondary().keySet()) {
                try {
                    medians.put(k, e.metric(k).median());
                } catch (JmhResults.MissingResult absent) {
                    // A profiler's metric without iterations: nothing to report.
                }
            }
            if (!medians.isEmpty()) {
                m.put("secondaryMedians", medians);
            }
            inputs.add(m);
        }
        root.put("inputs", inputs);
        return root;
    }
}
