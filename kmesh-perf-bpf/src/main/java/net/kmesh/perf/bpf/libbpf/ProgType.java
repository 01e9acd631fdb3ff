package net.kmesh.perf.bpf.libbpf;

/** {@code enum bpf_prog_type} values with the names bpftool prints. */
public final class ProgType {
    public static final int SYSCALL = 31;

    private static final String[] NAMES = {
        "unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp", "perf_event",
        "cgroup_skb", "cgroup_sock", "lwt_in", "lwt_out", "lwt_xmit", "sock_ops", "sk_skb", "cgroup_device",
        "sk_msg", "raw_tracepoint", "cgroup_sock_addr", "lwt_seg6local", "lirc_mode2", "sk_reuseport",
        "flow_dissector", "cgroup_sysctl", "raw_tracepoint_writable", "cgroup_sockopt", "tracing", "struct_ops",
        "ext", "lsm", "sk_lookup", "syscall", "netfilter",
    };

    private ProgType() {
    }

    /** bpftool's name of the type, or "type_N" for one newer than this list. */
    public static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "type_" + type;
    }
}
