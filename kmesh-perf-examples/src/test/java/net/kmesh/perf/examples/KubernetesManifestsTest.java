package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.kmesh.perf.RecordSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubernetes/: the DaemonSet read strictly into fabric8's Kubernetes model and checked setting by
 * setting (its args accepted by the demo as the kubelet expands them), and scrape-configs.yaml
 * appended to the stand-in of Kmesh's addons' Prometheus config, which promtool accepts.
 */
class KubernetesManifestsTest {
    /** Every job of Kmesh's addons' prometheus.yml (samples/addons/prometheus.yaml), pods' or not. */
    private static final Set<String> ADDONS_JOBS = Set.of("prometheus", "kubernetes-apiservers", "kubernetes-nodes",
            "kubernetes-nodes-cadvisor", "kubernetes-service-endpoints", "kubernetes-service-endpoints-slow",
            "prometheus-pushgateway", "kubernetes-services", "kubernetes-pods", "kubernetes-pods-slow");
    private static final String POD_IP = "10.244.1.7";

    @Test
    void theDaemonSetHasNoFieldKubernetesWouldNotKnow() throws IOException {
        DaemonSet ds = KubernetesFiles.daemonSet();
        assertEquals(List.of(), KubernetesFiles.unknownFields(ds));
        assertEquals("apps/v1", ds.getApiVersion());
        assertEquals("DaemonSet", ds.getKind());
        assertEquals("kmesh-system", ds.getMetadata().getNamespace(), "beside Kmesh, in the namespace its dashboard selects");
        Map<String, String> podLabels = ds.getSpec().getTemplate().getMetadata().getLabels();
        ds.getSpec().getSelector().getMatchLabels().forEach((k, v) -> assertEquals(v, podLabels.get(k), "selector " + k));
    }

    @Test
    void aMisspeltOrMisplacedFieldIsFound() throws IOException {
        String yaml = Files.readString(KubernetesFiles.daemonSetFile());
        String misspelt = yaml.replace("allowPrivilegeEscalation:", "allowPrivilegeEscalaton:")
                .replace("      automountServiceAccountToken: false", "      hostPid: false");
        DaemonSet ds = KubernetesFiles.YAML.readValue(misspelt, DaemonSet.class);
        assertEquals(List.of("spec.template.spec.hostPid",
                        "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalaton"),
                KubernetesFiles.unknownFields(ds).stream().sorted((a, b) -> a.length() - b.length()).toList());
    }

    @Test
    void theAgentsArgsAreAQuietAgentOfKmeshsNamesServedOnThePodsAddress() throws IOException {
        Container agent = KubernetesFiles.agent(KubernetesFiles.daemonSet());
        for (String variable : KubernetesFiles.argVariables(agent)) {
            assertNotNull(KubernetesFiles.env(agent, variable).getValueFrom(), "$(" + variable + ") comes from the pod");
        }
        List<String> args = KubernetesFiles.expandedArgs(agent, Map.of("POD_IP", POD_IP));
        DemoOptions o = DemoOptionsTest.parse(args.toArray(String[]::new));
        assertTrue(o.quiet(), "no live view in the pod's log");
        assertEquals(DemoOptions.Names.UPSTREAM, o.names());
        assertEquals(Optional.of(RecordSource.kmesh()), o.externalSource(), "Kmesh's pins under the mounted /sys/fs/bpf");
        assertEquals(new InetSocketAddress(POD_IP, metricsPort(agent).getContainerPort()), o.listenAddress());
        assertFalse(o.monitorConfig(o.externalSource().get()).programStatistics(),
                "nothing turns on run-time statistics for every program on the node");
        assertEquals("status.podIP", KubernetesFiles.env(agent, "POD_IP").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("spec.nodeName", KubernetesFiles.env(agent, "NODE_NAME").getValueFrom().getFieldRef().getFieldPath(),
                "every series' node_name is the node's, as Kmesh's DaemonSet sets it");
    }

    @Test
    void theAgentGetsBpfAndPerfmonAndNothingElse() throws IOException {
        PodSpec pod = KubernetesFiles.daemonSet().getSpec().getTemplate().getSpec();
        assertNotEquals(Boolean.TRUE, pod.getHostPID(), "Kmesh's names carry no daemon figures: no other pid needed");
        assertNotEquals(Boolean.TRUE, pod.getHostNetwork());
        assertNotEquals(Boolean.TRUE, pod.getHostIPC());
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
        SecurityContext sc = KubernetesFiles.agent(KubernetesFiles.daemonSet()).getSecurityContext();
        assertEquals(Boolean.FALSE, sc.getPrivileged());
        assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation());
        assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
        assertEquals(Set.of("BPF", "PERFMON"), new HashSet<>(sc.getCapabilities().getAdd()));

        Container agent = KubernetesFiles.agent(KubernetesFiles.daemonSet());
        Map<String, String> hostPaths = new java.util.HashMap<>();
        for (Volume v : pod.getVolumes()) {
            if (v.getHostPath() != null) {
                hostPaths.put(v.getName(), v.getHostPath().getPath());
            }
        }
        Map<String, String> mounted = new java.util.HashMap<>();
        for (VolumeMount m : agent.getVolumeMounts()) {
            if (hostPaths.containsKey(m.getName())) {
                mounted.put(hostPaths.get(m.getName()), m.getMountPath());
            }
        }
        assertEquals(Map.of("/sys/fs/bpf", "/sys/fs/bpf"), mounted, "the node's bpffs, where Kmesh pins, and no other host path");
        assertTrue(agent.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")),
                "a writable /tmp for JNA's native library under a read-only root");
    }

    @Test
    void itIsNeitherScrapedByTheAddonsJobsNorTakenForKmesh() throws IOException {
        var template = KubernetesFiles.daemonSet().getSpec().getTemplate().getMetadata();
        assertNotEquals("kmesh", template.getLabels().get("app"), "app=kmesh pods are scraped on :15020 as Kmesh");
        Map<String, String> annotations = Optional.ofNullable(template.getAnnotations()).orElse(Map.of());
        assertTrue(annotations.keySet().stream().noneMatch(k -> k.startsWith("prometheus.io/")),
                "the addons' kubernetes-pods job would scrape it a second time: " + annotations);
    }

    @Test
    void itsProbesAskItsHttpServerOnItsNamedPort() throws IOException {
        Container agent = KubernetesFiles.agent(KubernetesFiles.daemonSet());
        for (Probe p : List.of(agent.getReadinessProbe(), agent.getLivenessProbe())) {
            assertEquals("metrics", p.getHttpGet().getPort().getStrVal());
            assertEquals("/", p.getHttpGet().getPath(), "a page of the same server, not a whole scrape");
        }
        assertEquals("TCP", metricsPort(agent).getProtocol());
    }

    @Test
    void itsMemoryIsRequestedAndLimitedAboveTheLaunchersHeap() throws IOException {
        var resources = KubernetesFiles.agent(KubernetesFiles.daemonSet()).getResources();
        long request = Quantity.getAmountInBytes(resources.getRequests().get("memory")).longValueExact();
        long limit = Quantity.getAmountInBytes(resources.getLimits().get("memory")).longValueExact();
        Matcher xmx = Pattern.compile("-Xmx(\\d+)m").matcher(Files.readString(Path.of("kmesh-perf-demo")));
        assertTrue(xmx.find(), "the launcher caps the heap");
        long heap = Long.parseLong(xmx.group(1)) << 20;
        assertTrue(request <= limit && limit > heap + (32L << 20), "request " + request + ", limit " + limit + ", heap " + heap);
        assertNotNull(resources.getRequests().get("cpu"), "a CPU request for the scheduler");
    }

    @Test
    void scrapeConfigsKeepTheAgentsPortAndAddNoJobOfTheAddons() throws IOException {
        Set<String> jobs = new TreeSet<>();
        for (JsonNode job : KubernetesFiles.scrapeConfigs()) {
            String name = job.path("job_name").asText();
            assertFalse(name.isEmpty(), "every entry has a job_name: " + job);
            assertTrue(jobs.add(name), "job " + name + " twice");
            assertFalse(ADDONS_JOBS.contains(name), name + " is already a job of Kmesh's addons");
        }
        DaemonSet ds = KubernetesFiles.daemonSet();
        String podValues = ds.getSpec().getTemplate().getMetadata().getLabels().get("app") + ";"
                + metricsPort(KubernetesFiles.agent(ds)).getName();
        List<String> keeps = new ArrayList<>();
        for (JsonNode rule : KubernetesFiles.scrapeConfigs().get(0).path("relabel_configs")) {
            if ("keep".equals(rule.path("action").asText())) {
                assertEquals("[\"__meta_kubernetes_pod_label_app\",\"__meta_kubernetes_pod_container_port_name\"]",
                        rule.path("source_labels").toString());
                keeps.add(rule.path("regex").asText());
            }
        }
        assertEquals(1, keeps.size(), "one keep rule: " + keeps);
        assertTrue(Pattern.compile(keeps.get(0)).matcher(podValues).matches(), keeps.get(0) + " keeps " + podValues);
    }

    /**
     * promtool on the addons' config with scrape-configs.yaml appended as an operator pastes it, its
     * pod discovery swapped for file discovery: Debian's promtool is built without Kubernetes
     * discovery ("field kubernetes_sd_configs not found"). Job names, relabelings and regexes are
     * checked as they are.
     */
    @Test
    void promtoolChecksTheAddonsConfigWithTheScrapeConfigsAppended(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, KubernetesFiles.withFileDiscovery(withScrapeConfigs(
                Files.readString(KubernetesFiles.addonsStandIn())), dir.resolve("targets.json"), "15s"));
        List<String> jobs = new ArrayList<>();
        KubernetesFiles.YAML.readTree(config.toFile()).path("scrape_configs").forEach(j -> jobs.add(j.path("job_name").asText()));
        assertEquals(List.of("prometheus", "kubernetes-pods", "kubernetes-pods-slow", "kmesh-perf"), jobs);
        Process p = new ProcessBuilder(Tools.require("promtool").toString(), "check", "config", config.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("SUCCESS"), out);
    }

    /**
     * The image can only be built with a container engine and a registry (neither is here): what can
     * be checked is that each file it copies is one this module has or builds (the jar: the shade
     * plugin's output, built after these tests), and that the entrypoint and the jar it names are
     * those copied.
     */
    @Test
    void theContainerfileCopiesTheLauncherAndTheJarThisModuleBuilds() throws IOException {
        List<String> lines = Files.readAllLines(KubernetesFiles.directory().resolve("Containerfile"));
        Map<String, String> copied = new java.util.HashMap<>();
        for (String l : lines) {
            if (l.startsWith("COPY ")) {
                String[] parts = l.substring(5).strip().split("\\s+");
                assertEquals(2, parts.length, l);
                copied.put(parts[1], parts[0]);
            }
        }
        assertEquals(Map.of("/opt/kmesh-perf/kmesh-perf-demo", "kmesh-perf-demo",
                "/opt/kmesh-perf/kmesh-perf-demo.jar", "target/kmesh-perf-demo.jar"), copied);
        assertTrue(Files.isExecutable(Path.of("kmesh-perf-demo")), "the launcher, in the build context");
        String pom = Files.readString(Path.of("pom.xml"));
        assertTrue(pom.contains("<demo.jar>${project.build.directory}/kmesh-perf-demo.jar</demo.jar>"),
                "the jar the Containerfile copies is the one the shade plugin writes");
        assertTrue(lines.contains("ENV KMESH_PERF_DEMO_JAR=/opt/kmesh-perf/kmesh-perf-demo.jar"), "the launcher's jar");
        assertTrue(lines.contains("ENTRYPOINT [\"/opt/kmesh-perf/kmesh-perf-demo\"]"),
                "the launcher is the entrypoint, so the DaemonSet's args are the demo's options");
        assertTrue(lines.stream().anyMatch(l -> l.contains("libbpf1")), "the system's libbpf 1.x");
    }

    /**
     * {@code addonsConfig} with scrape-configs.yaml's entries appended to its scrape_configs, as an
     * operator pastes them: the list's lines indented under the last entry's.
     */
    static String withScrapeConfigs(String addonsConfig) throws IOException {
        String entries = Files.readString(KubernetesFiles.scrapeConfigsFile()).lines()
                .filter(l -> !l.startsWith("#"))
                .map(l -> l.isBlank() ? l : "  " + l)
                .reduce("", (a, b) -> a + b + "\n");
        return addonsConfig.stripTrailing() + "\n" + entries;
    }

    private static ContainerPort metricsPort(Container agent) {
        return agent.getPorts().stream().filter(p -> "metrics".equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no port named metrics"));
    }
}
