package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** promtool accepts the shipped rules, their unit tests and the scrape config. */
class PrometheusFilesTest {

    private static String promtool(String... args) throws IOException, InterruptedException {
        Path promtool = Tools.require("promtool");
        List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(Rules.directory().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool " + String.join(" ", args) + " did not end");
        assertEquals(0, p.exitValue(), "promtool " + String.join(" ", args) + ":\n" + out);
        return out;
    }

    @Test
    void promtoolCheckRulesPasses() throws Exception {
        String out = promtool("check", "rules", "kmesh-perf-rules.yml");
        int rules = Rules.load(Rules.rulesFile()).size();
        assertTrue(out.contains("SUCCESS: " + rules + " rules found"), out);
    }

    @Test
    void promtoolTestRulesPasses() throws Exception {
        assertTrue(promtool("test", "rules", "kmesh-perf-rules.test.yml").contains("SUCCESS"));
    }

    @Test
    void promtoolCheckConfigPasses() throws Exception {
        assertTrue(promtool("check", "config", "prometheus.yml").contains("SUCCESS"));
    }

    @Test
    void everyExemptRuleExistsAndSaysWhy() throws Exception {
        Map<String, String> exempt = Rules.exempt(Rules.directory().resolve("expressions-exempt.txt"));
        Set<String> names = Rules.load(Rules.rulesFile()).stream().map(Rules.Rule::name)
                .collect(Collectors.toCollection(TreeSet::new));
        assertFalse(exempt.isEmpty());
        for (var e : exempt.entrySet()) {
            assertTrue(names.contains(e.getKey()), "exempt rule " + e.getKey() + " is not in the rules file " + names);
            assertFalse(e.getValue().isBlank(), e.getKey() + " is exempt without a reason");
        }
    }

    @Test
    void theRulesFileIsReadWhole() throws Exception {
        List<Rules.Rule> rules = Rules.load(Rules.rulesFile());
        assertEquals(11, rules.size(), rules.toString());
        for (Rules.Rule r : rules) {
            assertFalse(r.expr().isBlank(), r.name());
            assertTrue(r.labelsUsed().contains("instance"), r.name() + " names the node: " + r.labelsUsed());
        }
    }
}
