package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shipped dashboards parse, and the queries the end-to-end test runs are all of them. */
class DashboardsTest {

    @Test
    void everyDashboardParsesAndHasQueries() throws Exception {
        List<Path> files = Dashboards.files(Dashboards.directory());
        assertEquals(4, files.size(), files.toString());
        assertEquals(3, files.stream().filter(f -> f.getFileName().toString().startsWith(Dashboards.KMESH_PERF)).count());
        assertTrue(files.contains(Dashboards.directory().resolve(Dashboards.UPSTREAM)));
        Set<String> uids = new HashSet<>();
        for (Path f : files) {
            JsonNode d = new ObjectMapper().readTree(f.toFile());
            assertTrue(d.path("title").asText().startsWith("Kmesh perf"), f + ": " + d.path("title"));
            assertTrue(uids.add(d.path("uid").asText()), "uid " + d.path("uid") + " of " + f + " is not unique");
            assertFalse(Dashboards.queries(f.getFileName().toString(), d).isEmpty(), f + " has no query");
        }
    }

    @Test
    void everyQueryBecomesPlainPromqlWithoutGrafanaVariables() throws Exception {
        List<Dashboards.Query> queries = Dashboards.queries(Dashboards.directory());
        assertTrue(queries.size() > 40, "fewer queries than the dashboards hold: " + queries.size());
        for (Dashboards.Query q : queries) {
            assertFalse(q.promql("1m").contains("$"), "a variable the test does not substitute: " + q);
        }
    }

    @Test
    void panelsInsideRowsAreFound() throws Exception {
        JsonNode model = new ObjectMapper().readTree("""
                {"panels": [
                  {"type": "stat", "title": "top", "targets": [{"expr": "up", "legendFormat": "{{instance}}"}]},
                  {"type": "row", "title": "collapsed", "collapsed": true, "panels": [
                    {"type": "timeseries", "title": "inner", "targets": [
                      {"expr": "rate(x[$__rate_interval])", "legendFormat": "{{ a }} {{b}}"},
                      {"refId": "B", "datasource": "other, no expr"}]}]}],
                 "rows": [{"panels": [{"title": "legacy", "targets": [{"expr": "sum(y{i=~\\"$instance\\"}[$__range])"}]}]}]}
                """);
        List<Dashboards.Query> queries = Dashboards.queries("x.json", model);
        assertEquals(List.of("top", "inner", "legacy"), queries.stream().map(Dashboards.Query::panel).toList());
        assertEquals("rate(x[30s])", queries.get(1).promql("30s"));
        assertEquals(Set.of("a", "b"), queries.get(1).legendLabels());
        assertEquals("sum(y{i=~\".*\"}[5m])", queries.get(2).promql("1m"));
        assertEquals(Set.of(), queries.get(2).legendLabels());
    }
}
