package net.kmesh.perf.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.kmesh.perf.PerfMonitorException;

class ChangeLogProperties {

    /** One step of a subject's life: entering a condition of a kind, or leaving every condition. */
    record Step(String subject, String kind) {
    }

    @Property
    void logsExactlyOncePerChangeOfKind(@ForAll("steps") List<Step> steps) {
        Lines lines = new Lines();
        ChangeLog log = new ChangeLog(lines, "test");
        Map<String, String> model = new HashMap<>();
        int expected = 0;
        for (Step s : steps) {
            if (s.kind() == null) {
                expected += model.remove(s.subject()) != null ? 1 : 0;
                log.cleared(s.subject(), () -> s.subject() + " ok");
            } else {
                expected += s.kind().equals(model.put(s.subject(), s.kind())) ? 0 : 1;
                log.report(s.subject(), s.kind(), true, () -> s.subject() + " " + s.kind());
            }
        }
        assertEquals(expected, lines.lines.size(), () -> String.join("\n", lines.lines));
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<String> subject = Arbitraries.of("a", "b", "c");
        Arbitrary<String> kind = Arbitraries.of("x", "y").injectNull(0.3);
        return Combinators.combine(subject, kind).as(Step::new).list().ofMaxSize(60);
    }

    @Example
    void theMessageIsBuiltOnlyWhenLogged() {
        ChangeLog log = new ChangeLog(new Lines(), "test");
        AtomicInteger built = new AtomicInteger();
        for (int i = 0; i < 5; i++) {
            log.report("pin /sys/fs/bpf/x", "missing", true, () -> "missing " + built.incrementAndGet());
        }
        assertEquals(1, built.get());
    }

    @Example
    void failuresAreKeyedByClassAndErrnoNotByText() {
        Lines lines = new Lines();
        ChangeLog log = new ChangeLog(lines, "maps");
        assertTrue(log.failed("maps", new PerfMonitorException("pid 1 failed", 13, null), () -> "one"));
        assertFalse(log.failed("maps", new PerfMonitorException("pid 2 failed", 13, null), () -> "two"));
        assertTrue(log.failed("maps", new PerfMonitorException("pid 2 failed", 1, null), () -> "three"));
        assertTrue(log.cleared("maps", () -> "back"));
        assertEquals(List.of("WARN maps: one", "WARN maps: three", "INFO maps: back"), lines.lines);
    }

    @Example
    void theTableIsBoundedAndSaysSoOnce() {
        Lines lines = new Lines();
        ChangeLog log = new ChangeLog(lines, "t");
        for (int i = 0; i < ChangeLog.MAX_SUBJECTS + 50; i++) {
            log.report("map " + i, "gone", false, () -> "gone");
        }
        assertEquals(ChangeLog.MAX_SUBJECTS + 1, lines.lines.size());
        assertTrue(lines.lines.get(ChangeLog.MAX_SUBJECTS).contains("further ones are not logged"));
        assertFalse(log.holds("map " + (ChangeLog.MAX_SUBJECTS + 1)));
        log.cleared("map 0", () -> "back");
        assertTrue(log.report("map 5000", "gone", false, () -> "gone"), "room again after one ended");
    }

    @Example
    void aForgottenSubjectIsLoggedAgainWithoutARecoveryLine() {
        Lines lines = new Lines();
        ChangeLog log = new ChangeLog(lines, "t");
        log.report("pin", "missing", true, () -> "missing");
        log.forget("pin");
        log.report("pin", "missing", true, () -> "missing");
        assertEquals(List.of("WARN t: missing", "WARN t: missing"), lines.lines);
    }

    /** Keeps each line as "LEVEL line". */
    static final class Lines implements ChangeLog.Sink {
        final List<String> lines = new ArrayList<>();

        @Override
        public void line(boolean warn, String line) {
            lines.add((warn ? "WARN " : "INFO ") + line);
        }
    }
}
