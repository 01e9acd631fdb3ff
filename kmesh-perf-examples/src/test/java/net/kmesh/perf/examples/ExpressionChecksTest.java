package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.kmesh.perf.examples.PrometheusEndToEndIT.Check;
import net.kmesh.perf.examples.PrometheusServer.Answer;
import org.junit.jupiter.api.Test;

/** The end-to-end test's judgement of Prometheus' answers, without a Prometheus. */
class ExpressionChecksTest {
    private static final Check DATA = new Check("test", "q", Set.of("operation_type"), Check.Kind.DATA);
    private static final List<Map<String, String>> ALL_TYPES = List.of(
            Map.of("operation_type", "SOCK_TRAFFIC_CONTROL"), Map.of("operation_type", "XDP_SHUTDOWN"),
            Map.of("operation_type", "ENABLE_ENCODING_METADATA"), Map.of("operation_type", "SYSCALL_SPAN"));

    @Test
    void everyDashboardQueryAndRuleIsCheckedOnceAndSortedByWhatItMustReturn() throws Exception {
        List<Check> checks = PrometheusEndToEndIT.checks();
        int queries = Dashboards.queries(Dashboards.directory(), Dashboards.KMESH_PERF).size();
        List<Rules.Rule> rules = Rules.load(Rules.rulesFile());
        assertEquals(queries + rules.size(), checks.size());
        Map<String, Check.Kind> ruleKinds = checks.stream().filter(c -> c.origin().startsWith("rule "))
                .collect(Collectors.toMap(c -> c.origin().substring(5), Check::kind));
        assertEquals(Check.Kind.EXEMPT, ruleKinds.get("KmeshMapPressureHigh"), "an alert, silent while all is well");
        assertEquals(Check.Kind.EXEMPT, ruleKinds.get("KmeshPerfRecordsDropped"));
        assertTrue(checks.stream().anyMatch(c -> c.kind() == Check.Kind.DATA
                && c.promql().matches("(?s).*\\bkmesh_bpf_prog_runs_total\\b.*")), "program panels must return data");
        assertTrue(checks.stream().anyMatch(c -> c.kind() == Check.Kind.DATA
                && c.promql().matches("(?s).*\\bkmesh_map_pressure\\b.*")), "map panels must return data");
    }

    @Test
    void dataWithTheLegendsLabelsAndEveryOperationTypePasses() {
        assertNull(PrometheusEndToEndIT.problem(DATA, new Answer("success", "", ALL_TYPES)));
    }

    @Test
    void whatFails() {
        assertEquals("not a valid query: parse error", PrometheusEndToEndIT.problem(DATA, new Answer("error", "parse error",
                List.of())));
        assertEquals("no data", PrometheusEndToEndIT.problem(DATA, new Answer("success", "", List.of())));
        assertTrue(PrometheusEndToEndIT.problem(DATA, new Answer("success", "", List.of(Map.of("instance", "x"))))
                .startsWith("a series without the label operation_type"));
        assertTrue(PrometheusEndToEndIT.problem(DATA, new Answer("success", "", ALL_TYPES.subList(0, 3)))
                .startsWith("not every operation type of the workload"));
    }

    @Test
    void exemptExpressionsOnlyNeedToParse() {
        Check c = new Check("test", "q", Set.of("map_name"), Check.Kind.EXEMPT);
        assertNull(PrometheusEndToEndIT.problem(c, new Answer("success", "", List.of())));
        assertEquals("not a valid query: bad", PrometheusEndToEndIT.problem(c, new Answer("error", "bad", List.of())));
    }
}
