package net.kmesh.perf.bpf.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.time.Duration;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.OperationType;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.bpf.samples.SampleOptions;
import net.kmesh.perf.bpf.samples.SampleOptions.SpanAttachment;
import net.kmesh.perf.bpf.Await;
import net.kmesh.perf.bpf.BpfPerfMonitor;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.Syscalls;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@KernelRequired
class SampleProgramsKernelTest {
    private static final InetSocketAddress DISCARD = new InetSocketAddress("127.0.0.1", 9);

    @ParameterizedTest
    @EnumSource(value = SpanAttachment.class, names = {"TP_BTF", "RAW_TP"})
    void aSyscallTimedAcrossTwoProgramsYieldsOneRecordPerCall(SpanAttachment attachment) throws Exception {
        int n = 500;
        SampleOptions samples = SampleOptions.none().withSpanSyscall(Syscalls.CONNECT).withSpanAttachment(attachment);
        try (PerfMonitor monitor = BpfPerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples())
                        .operationName(SampleOptions.SYSCALL_SPAN.code(), SampleOptions.SYSCALL_SPAN.name()).build(),
                     samples)) {
            Feature expected = attachment == SpanAttachment.TP_BTF ? Feature.TP_BTF : Feature.RAW_TP;
            assertTrue(monitor.capabilities().has(expected), monitor.capabilities().toString());
            monitor.unwrap(SampleWorkload.class).orElseThrow().traceSyscalls(ProcessHandle.current().pid(), Syscalls.gettid());
            monitor.start();
            Syscalls.udpConnects(DISCARD, n);
            PerfSnapshot s = Await.snapshot(monitor, x -> x.records().consumed() >= n, Duration.ofSeconds(10));
            OperationStats span = s.operation(SampleOptions.SYSCALL_SPAN.code()).orElseThrow();
            assertEquals("SYSCALL_SPAN", span.type().name());
            assertEquals(n, span.count());
            assertEquals(n, s.records().consumed());
            assertEquals(0, s.records().endsWithoutStart().orElseThrow());
            assertTrue(span.minNanos() > 0, "a connect() takes time");
        }
    }

    @Test
    void autoPrefersTpBtfWhereTheKernelHasIt() {
        SampleOptions samples = SampleOptions.none().withSpanSyscall(Syscalls.CONNECT);
        try (PerfMonitor monitor = BpfPerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples())
                        .operationName(SampleOptions.SYSCALL_SPAN.code(), SampleOptions.SYSCALL_SPAN.name()).build(),
                     samples)) {
            assertTrue(monitor.capabilities().has(Feature.TP_BTF));
            assertTrue(!monitor.capabilities().has(Feature.RAW_TP));
        }
    }

    @Test
    void connectsInTheSampleCgroupAreTimedAsTrafficControl() throws Exception {
        int n = 300;
        try (SampleCgroup cgroup = SampleCgroup.enter("kmesh-perf-test-" + ProcessHandle.current().pid());
             PerfMonitor monitor = BpfPerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples())
                        .operationName(SampleOptions.SYSCALL_SPAN.code(), SampleOptions.SYSCALL_SPAN.name()).build(),
                     SampleOptions.none().withConnectCgroup(cgroup.path()))) {
            assertTrue(monitor.capabilities().has(Feature.CGROUP_CONNECT));
            monitor.start();
            Syscalls.udpConnects(DISCARD, n);
            PerfSnapshot s = Await.snapshot(monitor, x -> x.records().consumed() >= n, Duration.ofSeconds(10));
            OperationStats op = s.operation(OperationType.SOCK_TRAFFIC_CONTROL.code()).orElseThrow();
            assertEquals("SOCK_TRAFFIC_CONTROL", op.type().name());
            assertEquals(n, op.count());
        }
    }

    @Test
    void theConnectSampleRewritesAServiceAddressToItsBackend() throws Exception {
        try (DatagramChannel backend = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             SampleCgroup cgroup = SampleCgroup.enter("kmesh-perf-test-svc-" + ProcessHandle.current().pid());
             BpfPerfMonitor monitor = BpfPerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples())
                        .operationName(SampleOptions.SYSCALL_SPAN.code(), SampleOptions.SYSCALL_SPAN.name()).build(),
                     SampleOptions.none().withConnectCgroup(cgroup.path()))) {
            int backendPort = ((InetSocketAddress) backend.getLocalAddress()).getPort();
            InetSocketAddress service = new InetSocketAddress("127.0.0.2", 7777);
            addService(monitor, service, new InetSocketAddress("127.0.0.1", backendPort));
            try (DatagramChannel client = DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
                client.connect(service);
                client.write(ByteBuffer.wrap("kmesh".getBytes()));
            }
            ByteBuffer got = ByteBuffer.allocate(16);
            backend.configureBlocking(true);
            backend.receive(got);
            assertEquals("kmesh", new String(got.array(), 0, got.position()));
        }
    }

    private static void addService(BpfPerfMonitor monitor, InetSocketAddress frontend, InetSocketAddress backend) {
        BundledSamples samples = (BundledSamples) monitor.unwrap(SampleWorkload.class).orElseThrow();
        int fd = samples.object().mapFd(BundledSamples.SERVICE_MAP);
        try (Memory key = endpoint(frontend); Memory value = endpoint(backend)) {
            Errno.check("adding a service", LibbpfLoader.natives().libbpf().bpf_map_update_elem(fd, key, value, 0));
        }
    }

    /** struct kp_endpoint { __u32 ip4; __u32 port; }, both in network byte order. */
    private static Memory endpoint(InetSocketAddress a) {
        Memory m = new Memory(8);
        m.clear();
        m.write(0, a.getAddress().getAddress(), 0, 4);
        m.setByte(4, (byte) (a.getPort() >> 8));
        m.setByte(5, (byte) a.getPort());
        return m;
    }

    @Test
    void theSampleCgroupIsRemovedAndTheProcessMovedBack() {
        String before = SampleCgroup.currentCgroup().orElseThrow();
        SampleCgroup cgroup = SampleCgroup.enter("kmesh-perf-test-move-" + ProcessHandle.current().pid());
        assertTrue(SampleCgroup.currentCgroup().orElseThrow().endsWith(cgroup.path().getFileName().toString()));
        cgroup.close();
        assertEquals(before, SampleCgroup.currentCgroup().orElseThrow());
        assertTrue(!Files.exists(cgroup.path()));
    }
}
