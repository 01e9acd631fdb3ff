package net.kmesh.perf.examples.view;

import static net.kmesh.perf.examples.view.Snapshots.observed;
import static net.kmesh.perf.examples.view.Snapshots.records;
import static net.kmesh.perf.examples.view.Snapshots.repeat;
import static net.kmesh.perf.examples.view.Snapshots.snapshot;
import static net.kmesh.perf.examples.view.Snapshots.stats;
import static net.kmesh.perf.examples.view.Snapshots.usage;
import static net.kmesh.perf.examples.view.Snapshots.withSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import net.kmesh.perf.OperationType;
import net.kmesh.perf.OperationsProblem;
import net.kmesh.perf.PendingStarts;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordCounters;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.SourceStatus;
import org.junit.jupiter.api.Test;

/** What each section shows, from made-up snapshots one second apart. */
class SectionsTest {
    private static final OperationType XDP = OperationType.XDP_SHUTDOWN;
    private static final OperationType ENC = OperationType.ENABLE_ENCODING_METADATA;

    /** 100 ENC records of 3 us and 10 XDP records of 30 us in one second; 50 MiB; 0.25 s of CPU. */
    static Interval oneSecond() {
        var previous = snapshot(Duration.ZERO, records(1000, 2, 5L), usage("pid 42", 40L << 20, Duration.ofSeconds(1)),
                stats(ENC, repeat(1000, 3_000)));
        var current = snapshot(Duration.ofSeconds(1), records(1110, 3, 5L),
                usage("pid 42", 50L << 20, Duration.ofMillis(1250)),
                stats(XDP, repeat(10, 30_000)), stats(ENC, repeat(1100, 3_000)));
        return new Interval(previous, current);
    }

    @Test
    void operationsShowRateQuantilesMaximumAndTotalPerType() {
        List<String> lines = new OperationsSection().lines(oneSecond());
        assertEquals(List.of("OPERATION", "OPS/S", "P50", "P99", "MAX", "TOTAL"), List.of(lines.get(0).split("\\s+")));
        assertEquals(List.of("XDP_SHUTDOWN", "10.0", "30.0", "us", "30.0", "us", "30.0", "us", "10"),
                List.of(lines.get(1).split("\\s+")));
        assertTrue(lines.get(2).matches("ENABLE_ENCODING_METADATA\\s+100\\.0\\s+3\\.\\d+ us\\s+3\\.\\d+ us\\s+3\\.\\d+ us\\s+1100"),
                lines.get(2));
        assertEquals(List.of("OPERATION", "OPS/S", "P50", "P99", "MAX", "TOTAL"),
                List.of(new OperationsSection().lines(new Interval(oneSecond().previous(), oneSecond().previous()))
                        .get(0).split("\\s+")));
    }

    @Test
    void aTypeIdleInTheIntervalShowsDashesNotStaleQuantiles() {
        var s = snapshot(Duration.ZERO, records(10, 0, 0L), null, stats(XDP, repeat(10, 30_000)));
        var later = snapshot(Duration.ofSeconds(1), records(10, 0, 0L), null, stats(XDP, repeat(10, 30_000)));
        String line = new OperationsSection().lines(new Interval(s, later)).get(1);
        assertEquals(List.of("XDP_SHUTDOWN", "0.0", "-", "-", "-", "10"), List.of(line.split("\\s+")));
    }

    @Test
    void recordsShowReadRateDroppedAndInvalidWithTheirIncrease() {
        assertEquals(List.of("RECORDS  read 110.0/s   dropped 5 (+0)   invalid 3 (+1)"), new RecordsSection().lines(oneSecond()));
        var noCounter = snapshot(Duration.ZERO, records(0, 0, null), null);
        assertEquals("dropped unknown (no counter map beside the ring), invalid 0 (+0)",
                new RecordsSection().summary(new Interval(noCounter, noCounter)), "unknown, not 0");
    }

    @Test
    void anObserverShowsTheRecordsItMissed() {
        SourceStatus observing = new SourceStatus("Kmesh under /sys/fs/bpf (observed)", SourceStatus.State.ATTACHED,
                RecordSource.ReadMode.OBSERVE, OptionalInt.of(9), 0, Optional.empty());
        var before = withSource(snapshot(Duration.ZERO, observed(100, 2, 0L), null), observing);
        var after = withSource(snapshot(Duration.ofSeconds(1), observed(300, 7, 0L), null), observing);
        assertEquals(List.of("RECORDS  read 200.0/s   dropped 0 (+0)   missed 7 (+5)   invalid 0 (+0)"),
                new RecordsSection().lines(new Interval(before, after)));
        assertFalse(new RecordsSection().summary(oneSecond()).contains("missed"), "a consumer misses nothing");
    }

    @Test
    void recordsPastTheTypeCapShowOnlyWhenThereAreAny() {
        var s = snapshot(Duration.ZERO, new RecordCounters(10, 0, 4, 0, OptionalLong.of(0), OptionalLong.empty(), 0, 0, 0), null);
        assertTrue(new RecordsSection().summary(new Interval(s, s)).endsWith(", over the type cap 4 (+0)"));
    }

    @Test
    void theSourceIsAttachedToItsRingOrWaitingWithTheReason() {
        assertEquals(List.of("SOURCE   the bundled samples   attached to ring map 7"), new SourceSection().lines(oneSecond()));
        assertEquals("source attached", new SourceSection().summary(oneSecond()));
        SourceStatus waiting = new SourceStatus("pinned /sys/fs/bpf/x", SourceStatus.State.WAITING,
                RecordSource.ReadMode.CONSUME, OptionalInt.empty(), 2,
                Optional.of("no ring buffer is pinned at /sys/fs/bpf/x (is the data plane running?)"));
        var s = withSource(oneSecond().current(), waiting);
        assertEquals(List.of("SOURCE   pinned /sys/fs/bpf/x   WAITING: no ring buffer is pinned at /sys/fs/bpf/x "
                + "(is the data plane running?)"), new SourceSection().lines(new Interval(s, s)));
        assertEquals("source waiting, reattached 2 times", new SourceSection().summary(new Interval(s, s)));
        SourceStatus observed = new SourceStatus("Kmesh under /b (observed)", SourceStatus.State.ATTACHED,
                RecordSource.ReadMode.OBSERVE, OptionalInt.of(12), 1, Optional.empty());
        assertEquals("attached to ring map 12, observed (not consumed), reattached 1 time", SourceSection.state(observed));
    }

    @Test
    void anUnwrittenRingSaysWhyThereAreNoDurationsAndPendingStartsShow() {
        PerfSnapshot base = oneSecond().current();
        PerfSnapshot s = new PerfSnapshot(base.takenAt(), base.operations(), base.records(), base.source(), base.maps(),
                base.programs(), base.daemon(), base.features(), Optional.of(new OperationsProblem(
                        OperationsProblem.Reason.NOT_WRITTEN, "the data plane's programs do not write ring buffer map 7: "
                        + "set PERF_MONITOR to 1")),
                Optional.of(new PendingStarts(500, 300, 131072, Duration.ofSeconds(10))));
        assertEquals(List.of("SOURCE   the bundled samples   attached to ring map 7",
                "NO DURATIONS   the data plane's programs do not write ring buffer map 7: set PERF_MONITOR to 1",
                "STARTS   500 pending of 131072, 300 older than 10 s (ends that never came)"),
                new SourceSection().lines(new Interval(s, s)));
    }

    @Test
    void theDaemonShowsCpuAsAShareOfOneCoreAndMemory() {
        assertEquals(List.of("DAEMON   pid 42   cpu 25.0%   memory 50.0 MiB"), new DaemonSection().lines(oneSecond()));
        var gone = snapshot(Duration.ofSeconds(1), records(0, 0, 0L), null);
        assertEquals(List.of("DAEMON   not found"), new DaemonSection().lines(new Interval(oneSecond().current(), gone)));
        var restarted = snapshot(Duration.ofSeconds(2), records(0, 0, 0L), usage("pid 43", 1L << 20, Duration.ZERO));
        assertEquals("daemon pid 43, cpu n/a, memory 1.0 MiB",
                new DaemonSection().summary(new Interval(oneSecond().current(), restarted)),
                "no CPU rate across two different processes");
    }

    @Test
    void onATerminalTheScreenIsRedrawnWithEverySection() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, "HEADER").show(oneSecond());
        String screen = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(screen.startsWith(LiveView.CLEAR + "HEADER"), screen);
        for (String heading : new String[] {"SOURCE", "OPERATION", "XDP_SHUTDOWN", "RECORDS", "DAEMON"}) {
            assertTrue(screen.contains(heading), heading + " in " + screen);
        }
    }

    @Test
    void otherwiseEachIntervalIsOneSummaryLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveView view = new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "HEADER");
        view.show(oneSecond());
        view.show(oneSecond());
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size());
        String line = lines.get(0);
        assertFalse(line.contains("\033") || line.contains("HEADER"), line);
        assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d source attached \\| XDP_SHUTDOWN 10\\.0/s p50 30\\.0 us p99 30\\.0 us, "
                + "ENABLE_ENCODING_METADATA 100\\.0/s p50 3\\.\\d+ us p99 3\\.\\d+ us \\| dropped 5 \\(\\+0\\), invalid 3 \\(\\+1\\)"
                + " \\| maps 0 \\| programs 0 \\| daemon pid 42, cpu 25\\.0%, memory 50\\.0 MiB"), line);
    }

    @Test
    void numbersAreFormattedWithUnits() {
        assertEquals("999 ns", Format.nanos(999));
        assertEquals("1.00 us", Format.nanos(1_000));
        assertEquals("12.3 us", Format.nanos(12_345));
        assertEquals("123 us", Format.nanos(123_456));
        assertEquals("1.50 ms", Format.nanos(1_500_000));
        assertEquals("2.00 s", Format.nanos(2_000_000_000));
        assertEquals("512 B", Format.bytes(512));
        assertEquals("1.5 KiB", Format.bytes(1536));
        assertEquals("3.0 GiB", Format.bytes(3L << 30));
        assertEquals("150.0%", Format.percent(1.5));
    }
}
