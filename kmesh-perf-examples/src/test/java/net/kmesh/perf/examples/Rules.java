package net.kmesh.perf.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shipped Prometheus rules and the list of rules exempt from returning data. */
final class Rules {
    private static final Pattern LABEL_USE = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");

    private Rules() {
    }

    /** The prometheus/ directory (the build passes it; relative to the module otherwise). */
    static Path directory() {
        return Path.of(System.getProperty("prometheus.files", "prometheus"));
    }

    static Path rulesFile() {
        return directory().resolve("kmesh-perf-rules.yml");
    }

    /**
     * One alerting or recording rule.
     *
     * @param name        its {@code alert:} or {@code record:} value
     * @param expr        its PromQL
     * @param labelsUsed  the series labels its labels and annotations show ({@code $labels.x})
     */
    record Rule(String group, String name, String expr, Set<String> labelsUsed) {
        @Override
        public String toString() {
            return name + ": " + expr.replaceAll("\\s+", " ").strip();
        }
    }

    static List<Rule> load(Path file) throws IOException {
        JsonNode root = new YAMLMapper().readTree(file.toFile());
        List<Rule> rules = new ArrayList<>();
        for (JsonNode group : root.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.hasNonNull("alert") ? rule.get("alert").asText() : rule.path("record").asText();
                Set<String> used = new TreeSet<>();
                for (String field : List.of("labels", "annotations")) {
                    rule.path(field).forEach(v -> {
                        Matcher m = LABEL_USE.matcher(v.asText());
                        while (m.find()) {
                            used.add(m.group(1));
                        }
                    });
                }
                rules.add(new Rule(group.path("name").asText(), name, rule.path("expr").asText(), used));
            }
        }
        return rules;
    }

    /**
     * {@code expressions-exempt.txt}: rule name, whitespace, reason; {@code #} comments and blank
     * lines ignored. Returns name to reason, in file order.
     */
    static Map<String, String> exempt(Path file) throws IOException {
        Map<String, String> exempt = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+", 2);
            exempt.put(f[0], f.length > 1 ? f[1] : "");
        }
        return exempt;
    }
}
