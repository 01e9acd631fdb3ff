package net.kmesh.perf.examples;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of {@code kubernetes/} as the tests read them: the DaemonSet in fabric8's Kubernetes
 * model (fields it does not know reported, not kept), the agent's command line with Kubernetes'
 * {@code $(VAR)} expansion, the scrape configs, and the stand-in of Kmesh's addons' Prometheus config.
 */
final class KubernetesFiles {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private KubernetesFiles() {
    }

    static Path directory() {
        return Path.of(System.getProperty("kubernetes.files", "kubernetes"));
    }

    static Path daemonSetFile() {
        return directory().resolve("daemonset.yaml");
    }

    static Path scrapeConfigsFile() {
        return directory().resolve("scrape-configs.yaml");
    }

    /** The test's stand-in for the prometheus.yml of Kmesh's samples/addons/prometheus.yaml. */
    static Path addonsStandIn() {
        try {
            return Path.of(KubernetesFiles.class.getResource("kmesh-addons-prometheus.yml").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static DaemonSet daemonSet() throws IOException {
        return YAML.readValue(Files.readString(daemonSetFile()), DaemonSet.class);
    }

    /** The agent's container (the only one). */
    static Container agent(DaemonSet ds) {
        List<Container> containers = ds.getSpec().getTemplate().getSpec().getContainers();
        if (containers.size() != 1) {
            throw new AssertionError("one container, got " + containers.size());
        }
        return containers.get(0);
    }

    /** The container's args with each {@code $(VAR)} replaced, as the kubelet does, from {@code values}. */
    static List<String> expandedArgs(Container c, Map<String, String> values) {
        List<String> args = new ArrayList<>();
        for (String a : c.getArgs()) {
            Matcher m = VARIABLE.matcher(a);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String v = values.get(m.group(1));
                if (v == null) {
                    throw new AssertionError("no value for $(" + m.group(1) + ") in " + a);
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(v));
            }
            args.add(m.appendTail(sb).toString());
        }
        return args;
    }

    /** The variables the args refer to. */
    static List<String> argVariables(Container c) {
        List<String> names = new ArrayList<>();
        for (String a : c.getArgs()) {
            Matcher m = VARIABLE.matcher(a);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    static EnvVar env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in the agent's env"));
    }

    /**
     * {@code config} (a prometheus.yml) with every job's {@code kubernetes_sd_configs} replaced by file
     * discovery from {@code targets}, and the intervals of a test: Debian's Prometheus and promtool
     * are built without Kubernetes discovery, and no cluster runs here. The targets' labels are those
     * pod discovery would give, so each job's relabelings see what they would see in a cluster (its
     * namespace filter aside). Comments are not kept.
     */
    static String withFileDiscovery(String config, Path targets, String interval) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode root =
                (com.fasterxml.jackson.databind.node.ObjectNode) YAML.readTree(config);
        root.remove("rule_files");
        com.fasterxml.jackson.databind.node.ObjectNode global = root.withObject("/global");
        global.put("scrape_interval", interval).put("scrape_timeout", interval).put("evaluation_interval", interval);
        for (JsonNode job : root.withArray("/scrape_configs")) {
            com.fasterxml.jackson.databind.node.ObjectNode j = (com.fasterxml.jackson.databind.node.ObjectNode) job;
            if (j.remove("kubernetes_sd_configs") != null) {
                j.putArray("file_sd_configs").addObject().putArray("files").add(targets.toString());
            }
            // A job of its own interval (the addons' slow one) keeps it only where the test's is not longer.
            j.remove("scrape_interval");
            j.remove("scrape_timeout");
        }
        return YAML.writeValueAsString(root);
    }

    /** scrape-configs.yaml: a YAML list of scrape_configs entries. */
    static ArrayNode scrapeConfigs() throws IOException {
        JsonNode root = YAML.readTree(scrapeConfigsFile().toFile());
        if (!(root instanceof ArrayNode list)) {
            throw new AssertionError("scrape-configs.yaml is a list of scrape_configs entries, got " + root.getNodeType());
        }
        return list;
    }

    /**
     * Where in {@code model} (an object of fabric8's model) the YAML held a field the model does not
     * know: fabric8 keeps those in each object's additional properties instead of failing, so a
     * misspelt or misplaced field would otherwise pass. Paths such as {@code spec.template.spec.hostPid}.
     */
    static List<String> unknownFields(Object model) {
        List<String> unknown = new ArrayList<>();
        collectUnknown(model, "", unknown);
        return unknown;
    }

    private static void collectUnknown(Object o, String path, List<String> into) {
        if (o instanceof Collection<?> list) {
            int i = 0;
            for (Object e : list) {
                collectUnknown(e, path + "[" + i++ + "]", into);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknown(v, path + "." + k, into));
            return;
        }
        if (o == null || !o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class
                    || !m.getName().startsWith("get")) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(m + " of " + path, e);
            }
            if (m.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) value).keySet().forEach(k -> into.add(path.isEmpty() ? k.toString() : path + "." + k));
            } else {
                String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
                collectUnknown(value, path.isEmpty() ? field : path + "." + field, into);
            }
        }
    }
}
