package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Memory;

/**
 * Runs a program once with {@code BPF_PROG_TEST_RUN}. For a {@code SEC("syscall")} program the
 * kernel copies the context in, runs the program on the calling CPU, and copies the context back,
 * so the program's outputs are read from {@code context} afterwards.
 */
public final class TestRun {
    // struct bpf_test_run_opts: size_t sz; data_in at 8, data_size_in at 24, ctx_in at 32, ctx_size_in at 48,
    // retval at 56; 80 bytes.
    private static final int OPTS_SIZE = 80;
    private static final int DATA_IN = 8;
    private static final int DATA_SIZE_IN = 24;
    private static final int CTX_IN = 32;
    private static final int CTX_SIZE_IN = 48;
    private static final int RETVAL = 56;

    private TestRun() {
    }

    /**
     * Runs the program behind {@code programFd} with {@code context} (may be null) and returns the
     * program's return value.
     *
     * @param what names the program in the error, e.g. "running kp_produce"
     */
    public static int run(int programFd, Memory context, String what) {
        try (Memory opts = new Memory(OPTS_SIZE)) {
            opts.clear();
            opts.setLong(0, OPTS_SIZE);
            if (context != null) {
                opts.setPointer(CTX_IN, context);
                opts.setInt(CTX_SIZE_IN, (int) context.size());
            }
            Errno.check(what, LibbpfLoader.natives().libbpf().bpf_prog_test_run_opts(programFd, opts));
            return opts.getInt(RETVAL);
        }
    }

    /**
     * Runs a packet program (xdp, tc, cgroup_skb) once on {@code packet} and returns its return value.
     *
     * @param what names the program in the error
     */
    public static int runOnPacket(int programFd, byte[] packet, String what) {
        try (Memory opts = new Memory(OPTS_SIZE); Memory data = new Memory(packet.length)) {
            opts.clear();
            opts.setLong(0, OPTS_SIZE);
            data.write(0, packet, 0, packet.length);
            opts.setPointer(DATA_IN, data);
            opts.setInt(DATA_SIZE_IN, packet.length);
            Errno.check(what, LibbpfLoader.natives().libbpf().bpf_prog_test_run_opts(programFd, opts));
            return opts.getInt(RETVAL);
        }
    }
}
