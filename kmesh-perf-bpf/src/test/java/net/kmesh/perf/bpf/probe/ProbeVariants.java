package net.kmesh.perf.bpf.probe;

import java.util.List;
import java.util.stream.Stream;

/**
 * The programs of {@code bpf/test/probe_thread.bpf.c} and {@code probe_socket.bpf.c}: one per
 * program type Kmesh uses and probe variant that makes sense there.
 */
final class ProbeVariants {
    /** The operation type every variant program times ({@code PV_OP} in {@code probe_variants.h}). */
    static final int OP = 7;
    static final String THREAD_OBJECT = "/net/kmesh/perf/bpf/probe_thread.bpf.o";
    static final String SOCKET_OBJECT = "/net/kmesh/perf/bpf/probe_socket.bpf.o";

    /** {@code enum bpf_prog_type} values of the types Kmesh uses. */
    enum Kind {
        CGROUP_CONNECT4(18), SOCKOPS(13), SK_MSG(16), XDP(6), TC(3), CGROUP_SKB(8), RAW_TP(17), TP_BTF(26);

        final int progType;

        Kind(int progType) {
            this.progType = progType;
        }

        /** Whether a program of this kind may call bpf_get_current_pid_tgid() on kernels before 6.10. */
        boolean hasTask() {
            return this != SOCKOPS && this != XDP && this != TC && this != CGROUP_SKB;
        }

        /** Whether BPF_PROG_TEST_RUN runs it: with a packet, or (raw_tp) with no context at all. */
        boolean runnable() {
            return this == XDP || this == TC || this == CGROUP_SKB || this == RAW_TP;
        }
    }

    /** How a program uses the probe. */
    enum Use {
        /** Start and end, through the start map (thread or socket key as the object is built). */
        START_END,
        /** Scoped: the start on the stack. */
        SCOPE,
        /** A start only, whose end never comes. */
        START_ONLY,
    }

    /**
     * @param object   the class-path resource of its object
     * @param name     the program's function name
     * @param kind     its program type
     * @param use      how it uses the probe
     */
    record Program(String object, String name, Kind kind, Use use) {
        boolean socketKeyed() {
            return object.equals(SOCKET_OBJECT);
        }

        /** Whether its records carry the current task's pid_tgid (else 0). */
        boolean recordsTask() {
            return kind.hasTask();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Program> THREAD = List.of(
            new Program(THREAD_OBJECT, "t_conn_seed", Kind.CGROUP_CONNECT4, Use.START_END),
            new Program(THREAD_OBJECT, "t_conn_scope", Kind.CGROUP_CONNECT4, Use.SCOPE),
            new Program(THREAD_OBJECT, "t_sops_scope", Kind.SOCKOPS, Use.SCOPE),
            new Program(THREAD_OBJECT, "t_msg_seed", Kind.SK_MSG, Use.START_END),
            new Program(THREAD_OBJECT, "t_msg_scope", Kind.SK_MSG, Use.SCOPE),
            new Program(THREAD_OBJECT, "t_xdp_scope", Kind.XDP, Use.SCOPE),
            new Program(THREAD_OBJECT, "t_tc_scope", Kind.TC, Use.SCOPE),
            new Program(THREAD_OBJECT, "t_skb_scope", Kind.CGROUP_SKB, Use.SCOPE),
            new Program(THREAD_OBJECT, "t_raw_seed", Kind.RAW_TP, Use.START_END),
            new Program(THREAD_OBJECT, "t_raw_scope", Kind.RAW_TP, Use.SCOPE),
            new Program(THREAD_OBJECT, "t_raw_start", Kind.RAW_TP, Use.START_ONLY),
            new Program(THREAD_OBJECT, "t_btf_seed", Kind.TP_BTF, Use.START_END),
            new Program(THREAD_OBJECT, "t_btf_scope", Kind.TP_BTF, Use.SCOPE));

    static final List<Program> SOCKET = List.of(
            new Program(SOCKET_OBJECT, "s_conn_sock", Kind.CGROUP_CONNECT4, Use.START_END),
            new Program(SOCKET_OBJECT, "s_conn_compat", Kind.CGROUP_CONNECT4, Use.START_END),
            new Program(SOCKET_OBJECT, "s_conn_scope", Kind.CGROUP_CONNECT4, Use.SCOPE),
            new Program(SOCKET_OBJECT, "s_sops_sock", Kind.SOCKOPS, Use.START_END),
            new Program(SOCKET_OBJECT, "s_sops_scope", Kind.SOCKOPS, Use.SCOPE),
            new Program(SOCKET_OBJECT, "s_msg_scope", Kind.SK_MSG, Use.SCOPE),
            new Program(SOCKET_OBJECT, "s_xdp_scope", Kind.XDP, Use.SCOPE),
            new Program(SOCKET_OBJECT, "s_tc_sock", Kind.TC, Use.START_END),
            new Program(SOCKET_OBJECT, "s_tc_scope", Kind.TC, Use.SCOPE),
            new Program(SOCKET_OBJECT, "s_tc_start", Kind.TC, Use.START_ONLY),
            new Program(SOCKET_OBJECT, "s_skb_sock", Kind.CGROUP_SKB, Use.START_END),
            new Program(SOCKET_OBJECT, "s_skb_scope", Kind.CGROUP_SKB, Use.SCOPE),
            new Program(SOCKET_OBJECT, "s_raw_scope", Kind.RAW_TP, Use.SCOPE),
            new Program(SOCKET_OBJECT, "s_btf_scope", Kind.TP_BTF, Use.SCOPE));

    private ProbeVariants() {
    }

    static Stream<Program> all() {
        return Stream.concat(THREAD.stream(), SOCKET.stream());
    }

    static Stream<Program> runnable() {
        return all().filter(p -> p.kind().runnable());
    }
}
