package net.kmesh.perf.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Prometheus text exposition: families with their TYPE, and samples with labels. Parsing is
 * strict: a line that is neither a comment nor a sample, or a second TYPE line of a family, throws.
 * Shared by the tests of every module that reads an exposition.
 *
 * @param text    the exposition as read
 * @param types   each family's TYPE
 * @param samples every sample, in order
 */
public record PrometheusText(String text, Map<String, String> types, List<Sample> samples) {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    public static PrometheusText parse(String text) {
        Map<String, String> types = new TreeMap<>();
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] f = line.split(" ");
                if (types.put(f[2], f[3]) != null) {
                    throw new IllegalArgumentException("a second TYPE line for " + f[2]);
                }
            } else if (!line.startsWith("#") && !line.isBlank()) {
                Matcher m = SAMPLE.matcher(line);
                if (!m.find()) {
                    throw new IllegalArgumentException("not a sample line: " + line);
                }
                Map<String, String> labels = new HashMap<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
            }
        }
        return new PrometheusText(text, types, samples);
    }

    /**
     * The TYPE of the family a sample name belongs to. prometheus-metrics 1.3 names a counter's
     * family without {@code _total}, 1.6 and later with it.
     */
    public String typeOf(String familyName) {
        String t = types.get(familyName);
        if (t == null && familyName.endsWith("_total")) {
            t = types.get(familyName.substring(0, familyName.length() - "_total".length()));
        }
        return t;
    }

    public List<Sample> named(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** Names of samples whose name starts with {@code prefix}. */
    public Set<String> sampleNames(String prefix) {
        Set<String> names = new TreeSet<>();
        samples.stream().map(Sample::name).filter(n -> n.startsWith(prefix)).forEach(names::add);
        return names;
    }

    public boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    public double value(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
                .findFirst().orElseThrow(() -> new AssertionError("no sample " + name + labels + " in\n" + text)).value();
    }

    /** The values of the {@code operation_type} label of the samples named {@code name}. */
    public Set<String> operationTypes(String name) {
        Set<String> types = new TreeSet<>();
        named(name).stream().map(x -> x.labels().get("operation_type")).filter(t -> t != null).forEach(types::add);
        return types;
    }
}
