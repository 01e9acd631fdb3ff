package net.kmesh.perf.examples;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus text exposition, parsed just enough for the tests: each family's TYPE, and each
 * sample's name and {@code operation_type}.
 */
record PrometheusText(Map<String, String> types, List<String> sampleLines) {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+\\S+(\\s+\\S+)?$");
    private static final Pattern OPERATION_TYPE = Pattern.compile("operation_type=\"([^\"]*)\"");

    /** Parses {@code text}; throws if a line is neither a comment nor a sample. */
    static PrometheusText parse(String text) {
        Map<String, String> types = new TreeMap<>();
        List<String> samples = new java.util.ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] f = line.split(" ");
                types.put(f[2], f[3]);
            } else if (!line.startsWith("#") && !line.isBlank()) {
                if (!SAMPLE.matcher(line).matches()) {
                    throw new AssertionError("not a Prometheus text line: " + line);
                }
                samples.add(line);
            }
        }
        return new PrometheusText(types, samples);
    }

    /** The operation types that have a sample named {@code name}. */
    Set<String> operationTypes(String name) {
        Set<String> types = new TreeSet<>();
        for (String line : sampleLines) {
            if (line.startsWith(name + "{")) {
                Matcher m = OPERATION_TYPE.matcher(line);
                if (m.find()) {
                    types.add(m.group(1));
                }
            }
        }
        return types;
    }
}
