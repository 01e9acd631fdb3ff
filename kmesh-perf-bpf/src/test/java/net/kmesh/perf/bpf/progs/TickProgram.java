package net.kmesh.perf.bpf.progs;

import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.ProgInfo;
import net.kmesh.perf.bpf.libbpf.TestRun;

/** The SEC("syscall") program of {@code bpf/test/kp_stats_tick.bpf.c}, loaded and run on demand. */
final class TickProgram implements AutoCloseable {
    static final String NAME = "kp_stats_tick";
    private final BpfObject object;

    TickProgram() {
        object = BpfObject.openResource(TickProgram.class, "/net/kmesh/perf/bpf/kp_stats_tick.bpf.o", NAME);
        try {
            object.load();
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    int fd() {
        return object.programFd(NAME);
    }

    int id() {
        return ProgInfo.of(fd()).id();
    }

    /** What the kernel says now, read directly (no collector involved). */
    ProgInfo info() {
        return ProgInfo.of(fd());
    }

    /** Runs the program {@code n} times with BPF_PROG_TEST_RUN, one call each (syscall programs take no repeat). */
    void run(int n) {
        for (int i = 0; i < n; i++) {
            TestRun.run(fd(), null, "running " + NAME);
        }
    }

    @Override
    public void close() {
        object.close();
    }
}
