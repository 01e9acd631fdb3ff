package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.kmesh.KmeshStandIn;
import net.kmesh.perf.bpf.kmesh.PrivateBpffs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18.6's cluster, without a cluster: two nodes, each with a stand-in Kmesh (its maps pinned in a
 * bpffs of the test's own, its exporter on the pod's address :15020) and the agent run with the
 * DaemonSet's own args ({@code $(POD_IP)} a loopback address of its own, {@code NODE_NAME} the node);
 * a real Prometheus with the stand-in of Kmesh's addons' config and scrape-configs.yaml appended, its
 * pod discovery replaced by file discovery whose targets carry the {@code __meta_kubernetes_*} labels
 * pod discovery gives those pods (the agent's from the DaemonSet's template). Every target must be up,
 * each agent scraped once, and each query of Kmesh's dashboard answer for both nodes with the agents'
 * values: the operation counts and means of the records the test read from each ring.
 */
@KernelRequired
class KubernetesPrometheusIT {
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final String SELECTOR = "app=\"kmesh\",namespace=\"kmesh-system\"";
    private static final int KMESH_PORT = 15020; // the addons' job for app=kmesh pods scrapes this port

    /** One node: its stand-in Kmesh and exporter, its agent. */
    private record Node(String name, String kmeshIp, String agentIp, KmeshStandIn kmesh, RingPeek ring, int port,
                        DemoProcess agent) {
        URI metrics() {
            return URI.create("http://" + agentIp + ":" + port + "/metrics");
        }
    }

    @Test
    void kmeshsDashboardShowsEachNodesAgentScrapedOnceWithEveryTargetUp(@TempDir Path dir) throws Exception {
        Path prometheusBinary = Tools.require("prometheus");
        String pid = Long.toString(ProcessHandle.current().pid());
        DaemonSet ds = KubernetesFiles.daemonSet();
        List<HttpServer> exporters = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        List<AutoCloseable> open = new ArrayList<>();
        try {
            ArrayNode targets = new ObjectMapper().createArrayNode();
            for (int i = 0; i < 2; i++) {
                String name = "k8s-it-node-" + (char) ('a' + i) + "-" + pid;
                String kmeshIp = "127.0.0." + (2 + 2 * i);
                String agentIp = "127.0.0." + (3 + 2 * i);
                exporters.add(kmeshExporter(kmeshIp));
                PrivateBpffs bpffs = PrivateBpffs.mount();
                open.add(bpffs);
                KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path());
                open.add(kmesh);
                RingPeek ring = RingPeek.open(kmesh.mapFd(KmeshStandIn.RING));
                open.add(ring);
                int port = DemoProcess.freePort();
                DemoProcess agent = startAgent(ds, bpffs.path(), agentIp, port, name);
                open.add(agent);
                nodes.add(new Node(name, kmeshIp, agentIp, kmesh, ring, port, agent));
                targets.add(kmeshPod(kmeshIp, "kmesh-" + (char) ('a' + i) + "bcde", name));
                targets.add(agentPod(ds, agentIp, port, "kmesh-perf-" + (char) ('a' + i) + "wxyz", name));
            }
            Path targetsFile = dir.resolve("targets.json");
            Files.writeString(targetsFile, targets.toPrettyString());
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, KubernetesFiles.withFileDiscovery(KubernetesManifestsTest.withScrapeConfigs(
                    Files.readString(KubernetesFiles.addonsStandIn())), targetsFile, "1s"));

            Map<String, Long> counts = new TreeMap<>();
            Map<String, Double> means = new TreeMap<>();
            for (Node n : nodes) {
                n.agent().awaitBody(n.metrics(), b -> b.contains("kmesh_perf_source_up{node_name=\"" + n.name() + "\"} 1"),
                        WITHIN);
                int records = n.name().contains("-a-") ? 80 : 30;
                long from = n.ring().producerPosition();
                assertEquals(new KmeshStandIn.Result(records, 0, 0, 0), n.kmesh().produce(1, records));
                List<RingPeek.Record> produced = n.ring().between(from, n.ring().producerPosition());
                assertEquals(records, produced.size());
                counts.put(n.name(), (long) records);
                means.put(n.name(), produced.stream().mapToLong(RingPeek.Record::durationNanos).average().orElseThrow());
                String line = "kmesh_bpf_prog_operation_count{node_name=\"" + n.name()
                        + "\",operation_type=\"SOCK_TRAFFIC_CONTROL\"} " + records;
                n.agent().awaitBody(n.metrics(), b -> b.lines().anyMatch(l -> l.equals(line) || l.equals(line + ".0")), WITHIN);
            }

            try (PrometheusServer prometheus = PrometheusServer.start(prometheusBinary, dir, DemoProcess.freePort(), config)) {
                prometheus.awaitReady(WITHIN);
                for (Node n : nodes) {
                    awaitValue(prometheus, "sum(kmesh_bpf_prog_operation_count{" + SELECTOR + ",node_name=\"" + n.name()
                            + "\"})", counts.get(n.name()));
                }
                // Every target up: Kmesh's pods in the addons' two jobs, each agent in kmesh-perf's. Each
                // target's first scrape comes at an offset of its own within the interval: wait for all six.
                awaitValue(prometheus, "count(up)", 6);
                PrometheusServer.Answer up = prometheus.query("up");
                Map<String, Integer> upByJob = new TreeMap<>();
                for (int i = 0; i < up.series().size(); i++) {
                    assertEquals(1.0, up.values().get(i), "down: " + up.series().get(i));
                    upByJob.merge(up.series().get(i).get("job"), 1, Integer::sum);
                }
                assertEquals(Map.of("prometheus", 2, "kubernetes-pods", 2, "kmesh-perf", 2), upByJob);
                // Scraped once: one source_up series per node, from kmesh-perf's job.
                PrometheusServer.Answer once = prometheus.query("count by (node_name, job) (kmesh_perf_source_up)");
                assertEquals(Set.of(Map.of("node_name", nodes.get(0).name(), "job", "kmesh-perf"),
                        Map.of("node_name", nodes.get(1).name(), "job", "kmesh-perf")), Set.copyOf(once.series()));
                assertEquals(List.of(1.0, 1.0), once.values());

                checkDashboard(prometheus, nodes, counts, means);
            }
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
            exporters.forEach(e -> e.stop(0));
        }
    }

    /** Each query of Kmesh's dashboard: both nodes where it groups by node, and the agents' counts and means. */
    private static void checkDashboard(PrometheusServer prometheus, List<Node> nodes, Map<String, Long> counts,
                                       Map<String, Double> means) throws Exception {
        Set<String> names = nodes.stream().map(Node::name).collect(Collectors.toCollection(TreeSet::new));
        List<Dashboards.Query> queries = Dashboards.queries(Dashboards.directory(), Dashboards.UPSTREAM);
        assertTrue(queries.size() >= 10, "the dashboard's queries: " + queries);
        List<String> failures = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        for (Dashboards.Query q : queries) {
            String promql = q.promql("1m");
            PrometheusServer.Answer a = prometheus.query(promql);
            report.append(q.panel()).append(": ").append(a.series().size()).append(" series, nodes ")
                    .append(a.series().stream().map(s -> String.valueOf(s.get("node_name"))).distinct().sorted().toList())
                    .append(", values ").append(a.values().stream().distinct().limit(4).toList()).append('\n');
            if (!a.ok() || a.series().isEmpty()) {
                failures.add(q + ": " + (a.ok() ? "no data" : a.error()));
                continue;
            }
            Set<String> shown = a.series().stream().map(s -> s.get("node_name")).filter(java.util.Objects::nonNull)
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!shown.isEmpty() && !shown.equals(names)) {
                failures.add(q + ": nodes " + shown + ", not " + names);
            }
            boolean operations = promql.contains("operation");
            for (int i = 0; i < a.series().size() && operations; i++) {
                String node = a.series().get(i).get("node_name");
                double v = a.values().get(i);
                if (node == null) {
                    continue;
                }
                if (promql.startsWith("sum(kmesh_bpf_prog_operation_count") && v != counts.get(node)) {
                    failures.add(q + ": " + node + " counts " + v + ", produced " + counts.get(node));
                }
                if (promql.contains("_duration_sum") && Math.abs(v - means.get(node)) > 1e-6 * means.get(node)) {
                    failures.add(q + ": " + node + " mean " + v + ", produced " + means.get(node));
                }
            }
        }
        System.out.println(report);
        assertTrue(failures.isEmpty(), String.join("\n", failures) + "\n\n" + report);
    }

    /** The agent, started with the DaemonSet's args as the kubelet expands them, on this node's bpffs and address. */
    private static DemoProcess startAgent(DaemonSet ds, Path bpffs, String podIp, int port, String node) throws Exception {
        Container c = KubernetesFiles.agent(ds);
        List<String> args = new ArrayList<>();
        for (String a : KubernetesFiles.expandedArgs(c, Map.of("POD_IP", podIp))) {
            args.add(a.equals("--kmesh") ? "--kmesh=" + bpffs : a);
        }
        int portAt = args.indexOf("--port");
        assertTrue(portAt >= 0 && args.get(portAt + 1).equals(Integer.toString(metricsPort(c).getContainerPort())));
        args.set(portAt + 1, Integer.toString(port));
        assertTrue(args.contains("--kmesh=" + bpffs), "the args name Kmesh's bpffs: " + args);
        return DemoProcess.start(DemoProcess.command(List.of(), args), Map.of("NODE_NAME", node));
    }

    /** A file-discovery target group as pod discovery gives Kmesh's pod (its chart: no container port declared). */
    private static ObjectNode kmeshPod(String ip, String pod, String node) {
        Map<String, String> labels = new HashMap<>(podLabels(ip, pod, node, "kmesh"));
        labels.putAll(metaLabels("label", Map.of("app", "kmesh", "app.kubernetes.io/name", "kmesh",
                "app.kubernetes.io/instance", "kmesh")));
        labels.putAll(metaLabels("annotation", Map.of("prometheus.io/path", "status/metric",
                "prometheus.io/port", Integer.toString(KMESH_PORT), "prometheus.io/scrape", "true")));
        return group(ip, labels);
    }

    /** The agent's pod from the DaemonSet's template: its labels, annotations, container and named port. */
    private static ObjectNode agentPod(DaemonSet ds, String ip, int port, String pod, String node) {
        Container c = KubernetesFiles.agent(ds);
        ContainerPort p = metricsPort(c);
        Map<String, String> labels = new HashMap<>(podLabels(ip, pod, node, c.getName()));
        labels.put("__meta_kubernetes_namespace", ds.getMetadata().getNamespace());
        labels.putAll(metaLabels("label", ds.getSpec().getTemplate().getMetadata().getLabels()));
        if (ds.getSpec().getTemplate().getMetadata().getAnnotations() != null) {
            labels.putAll(metaLabels("annotation", ds.getSpec().getTemplate().getMetadata().getAnnotations()));
        }
        labels.put("__meta_kubernetes_pod_container_port_name", p.getName());
        labels.put("__meta_kubernetes_pod_container_port_number", Integer.toString(port));
        labels.put("__meta_kubernetes_pod_container_port_protocol", p.getProtocol());
        return group(ip + ":" + port, labels);
    }

    private static Map<String, String> podLabels(String ip, String pod, String node, String container) {
        return Map.of("__meta_kubernetes_namespace", "kmesh-system", "__meta_kubernetes_pod_name", pod,
                "__meta_kubernetes_pod_ip", ip, "__meta_kubernetes_pod_node_name", node,
                "__meta_kubernetes_pod_host_ip", ip, "__meta_kubernetes_pod_phase", "Running",
                "__meta_kubernetes_pod_ready", "true", "__meta_kubernetes_pod_container_name", container,
                "__meta_kubernetes_pod_controller_kind", "DaemonSet");
    }

    /** {@code __meta_kubernetes_pod_<kind>_<name>} and {@code ..._<kind>present_<name>}, names sanitised as Prometheus does. */
    private static Map<String, String> metaLabels(String kind, Map<String, String> values) {
        Map<String, String> labels = new HashMap<>();
        values.forEach((k, v) -> {
            String name = k.replaceAll("[^a-zA-Z0-9_]", "_");
            labels.put("__meta_kubernetes_pod_" + kind + "_" + name, v);
            labels.put("__meta_kubernetes_pod_" + kind + "present_" + name, "true");
        });
        return labels;
    }

    private static ObjectNode group(String address, Map<String, String> labels) {
        ObjectNode g = new ObjectMapper().createObjectNode();
        g.putArray("targets").add(address);
        ObjectNode l = g.putObject("labels");
        new TreeMap<>(labels).forEach(l::put);
        return g;
    }

    /** Kmesh's exporter stand-in: /status/metric on ip:15020, with a family of its own. */
    private static HttpServer kmeshExporter(String ip) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(ip, KMESH_PORT), 0);
        server.createContext("/status/metric", exchange -> {
            byte[] body = "# TYPE kmesh_standin_up gauge\nkmesh_standin_up 1\n".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static ContainerPort metricsPort(Container c) {
        return c.getPorts().stream().filter(p -> "metrics".equals(p.getName())).findFirst().orElseThrow();
    }

    private static void awaitValue(PrometheusServer prometheus, String promql, double expected) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        PrometheusServer.Answer a;
        do {
            a = prometheus.query(promql);
            if (a.ok() && a.values().size() == 1 && a.values().get(0) == expected) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertFalse(true, promql + " never returned " + expected + ": " + a + "\n" + prometheus.log());
    }
}
