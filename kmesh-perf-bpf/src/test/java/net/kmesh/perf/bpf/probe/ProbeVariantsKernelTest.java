package net.kmesh.perf.bpf.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.Syscalls;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Capability;
import net.kmesh.perf.bpf.libbpf.ProgInfo;
import net.kmesh.perf.bpf.probe.ProbeVariants.Kind;
import net.kmesh.perf.bpf.probe.ProbeVariants.Program;
import net.kmesh.perf.bpf.probe.ProbeVariants.Use;
import net.kmesh.perf.bpf.probe.RawProbeMaps.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every probe variant in every program type Kmesh uses loads on this kernel, and where
 * BPF_PROG_TEST_RUN can run the program: it writes one record of the right type, duration and
 * pid_tgid; in histogram mode it counts instead; switched OFF it writes nothing and stores no start.
 */
@KernelRequired
class ProbeVariantsKernelTest {
    private static BpfObject thread;
    private static BpfObject socket;

    @BeforeAll
    static void load() {
        thread = load(ProbeVariants.THREAD_OBJECT, "probe_thread");
        socket = load(ProbeVariants.SOCKET_OBJECT, "probe_socket");
    }

    private static BpfObject load(String resource, String name) {
        BpfObject o = BpfObject.openResource(ProbeVariantsKernelTest.class, resource, name);
        try {
            o.load(Capability.CAP_BPF, Capability.CAP_PERFMON, Capability.CAP_NET_ADMIN);
            return o;
        } catch (RuntimeException e) {
            o.close();
            throw e;
        }
    }

    @AfterAll
    static void close() {
        if (socket != null) {
            socket.close();
        }
        if (thread != null) {
            thread.close();
        }
    }

    @AfterEach
    void reset() {
        for (BpfObject o : List.of(thread, socket)) {
            RawProbeMaps.setMode(o.mapFd(ProbeLayout.MODES), ProbeVariants.OP, OperationMode.RECORD);
            RawProbeMaps.clear(o.mapFd(ProbeLayout.STARTS));
            RawProbeMaps.drain(o.mapFd(ProbeLayout.RING));
        }
    }

    private static BpfObject objectOf(Program p) {
        return p.socketKeyed() ? socket : thread;
    }

    static List<Program> programs() {
        return ProbeVariants.all().toList();
    }

    static List<Program> runnable() {
        return ProbeVariants.runnable().filter(p -> p.use() != Use.START_ONLY).toList();
    }

    static List<Program> startsOnly() {
        return ProbeVariants.runnable().filter(p -> p.use() == Use.START_ONLY).toList();
    }

    @ParameterizedTest
    @MethodSource("programs")
    void everyVariantLoadsAsItsProgramType(Program p) {
        ProgInfo info = ProgInfo.of(objectOf(p).programFd(p.name()));
        assertEquals(p.kind().progType, info.type(), p + " is a " + info.typeName());
    }

    @ParameterizedTest
    @MethodSource("runnable")
    void aRunWritesOneRecordOfItsTypeWithTheTasksPidTgidOrZero(Program p) {
        BpfObject o = objectOf(p);
        long before = System.nanoTime();
        int thisThread = Syscalls.gettid();
        runOnce(p);
        List<Record> records = RawProbeMaps.drain(o.mapFd(ProbeLayout.RING));
        assertEquals(1, records.size(), p + " wrote " + records);
        Record r = records.get(0);
        assertEquals(ProbeVariants.OP, r.operationType());
        assertTrue(r.startNs() >= before, "the start is this run's (CLOCK_MONOTONIC, as System.nanoTime on Linux)");
        assertTrue(r.endNs() > r.startNs(), "a duration > 0: " + r);
        if (p.recordsTask()) {
            assertEquals(ProcessHandle.current().pid(), r.tgid(), "tgid of " + r);
            assertEquals(thisThread, r.tid(), "the test runs the program on the calling thread");
        } else {
            assertEquals(0, r.pidTgid(), p + " runs where pid_tgid means nothing");
        }
        assertTrue(RawProbeMaps.keys(o.mapFd(ProbeLayout.STARTS)).isEmpty(), "the end deleted its start");
        assertEquals(0, RawProbeMaps.perCpuSum(o.mapFd(ProbeLayout.COUNTERS), ProbeLayout.COUNTER_END_WITHOUT_START));
    }

    @ParameterizedTest
    @MethodSource("runnable")
    void switchedOffARunWritesNothingAndStoresNoStart(Program p) {
        BpfObject o = objectOf(p);
        RawProbeMaps.setMode(o.mapFd(ProbeLayout.MODES), ProbeVariants.OP, OperationMode.OFF);
        long histBefore = RawProbeMaps.histogramCount(o.mapFd(ProbeLayout.HISTOGRAMS), ProbeVariants.OP);
        long noStartBefore = RawProbeMaps.perCpuSum(o.mapFd(ProbeLayout.COUNTERS), ProbeLayout.COUNTER_END_WITHOUT_START);
        for (int i = 0; i < 3; i++) {
            runOnce(p);
        }
        assertEquals(List.of(), RawProbeMaps.drain(o.mapFd(ProbeLayout.RING)));
        assertTrue(RawProbeMaps.keys(o.mapFd(ProbeLayout.STARTS)).isEmpty());
        assertEquals(histBefore, RawProbeMaps.histogramCount(o.mapFd(ProbeLayout.HISTOGRAMS), ProbeVariants.OP));
        assertEquals(noStartBefore,
                RawProbeMaps.perCpuSum(o.mapFd(ProbeLayout.COUNTERS), ProbeLayout.COUNTER_END_WITHOUT_START));

        RawProbeMaps.setMode(o.mapFd(ProbeLayout.MODES), ProbeVariants.OP, OperationMode.RECORD);
        runOnce(p);
        assertEquals(1, RawProbeMaps.drain(o.mapFd(ProbeLayout.RING)).size(), "switched back on, it records again");
    }

    @ParameterizedTest
    @MethodSource("runnable")
    void inHistogramModeARunIsCountedAndWritesNoRecord(Program p) {
        BpfObject o = objectOf(p);
        int hist = o.mapFd(ProbeLayout.HISTOGRAMS);
        long before = RawProbeMaps.histogramCount(hist, ProbeVariants.OP);
        RawProbeMaps.setMode(o.mapFd(ProbeLayout.MODES), ProbeVariants.OP, OperationMode.HISTOGRAM);
        runOnce(p);
        assertEquals(List.of(), RawProbeMaps.drain(o.mapFd(ProbeLayout.RING)));
        assertEquals(before + 1, RawProbeMaps.histogramCount(hist, ProbeVariants.OP));
        assertTrue(RawProbeMaps.keys(o.mapFd(ProbeLayout.STARTS)).isEmpty());
    }

    @ParameterizedTest
    @MethodSource("startsOnly")
    void aStartIsStoredUnderItsKeyAndNotWhenOff(Program p) {
        BpfObject o = objectOf(p);
        int starts = o.mapFd(ProbeLayout.STARTS);
        runOnce(p);
        List<ByteBuffer> keys = RawProbeMaps.keys(starts);
        assertEquals(1, keys.size());
        ByteBuffer key = keys.get(0);
        if (p.socketKeyed()) {
            assertEquals(ProbeLayout.START_KEY_COOKIE_SIZE, key.capacity());
            assertEquals(ProbeVariants.OP, key.getInt(ProbeLayout.START_KEY_COOKIE_TYPE_OFFSET));
            assertEquals(0, key.getInt(ProbeLayout.START_KEY_COOKIE_TYPE_OFFSET + 4), "the padding is written");
        } else {
            assertEquals(ProbeLayout.START_KEY_TID_SIZE, key.capacity());
            assertEquals(Syscalls.gettid(), key.getInt(0));
            assertEquals(ProbeVariants.OP, key.getInt(ProbeLayout.START_KEY_TID_TYPE_OFFSET));
        }
        RawProbeMaps.clear(starts);

        RawProbeMaps.setMode(o.mapFd(ProbeLayout.MODES), ProbeVariants.OP, OperationMode.OFF);
        runOnce(p);
        assertEquals(List.of(), RawProbeMaps.keys(starts));
    }

    private static void runOnce(Program p) {
        int fd = objectOf(p).programFd(p.name());
        if (p.kind() == Kind.RAW_TP) {
            RawProbeMaps.run(fd);
        } else {
            RawProbeMaps.runOnPacket(fd, RawProbeMaps.tcpSyn());
        }
    }

    @Test
    void theVariantTablesCoverEveryProgramTypeKmeshUses() {
        Map<Kind, Long> byKind = ProbeVariants.all().collect(
                java.util.stream.Collectors.groupingBy(Program::kind, java.util.stream.Collectors.counting()));
        assertEquals(java.util.EnumSet.allOf(Kind.class), java.util.EnumSet.copyOf(byKind.keySet()));
    }
}
