// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The probe built with its start map keyed by socket (upstream Kmesh's layout), one small program
 * per program type Kmesh uses and per variant that makes sense there: the socket-keyed start/end
 * where bpf_get_socket_cookie() takes the context (not xdp, not sk_msg), Kmesh's own call shape through the compatibility names, and the
 * scoped variant. Tests load every program, run those BPF_PROG_TEST_RUN can run, and read the
 * instructions.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#define KMESH_PERF_KMESH_COMPAT
#include "kmesh_perf.h"
#include "probe_variants.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define SOCK(op, ctx) ({ kmesh_perf_sock_start(op, ctx); kmesh_perf_sock_end(op, ctx); })
#define SCOPE(op) ({ struct kmesh_perf_scope s_ = kmesh_perf_scope_begin(op); kmesh_perf_scope_end(&s_); })
#define SCOPE_CTX(op, ctx) \
	({ struct kmesh_perf_scope s_ = kmesh_perf_scope_begin(op); kmesh_perf_scope_end_ctx(&s_, ctx); })

/* Kmesh passes its programs' context inside a struct of its own; only the member name matters. */
struct pv_kmesh_context {
	struct bpf_sock_addr *ctx;
	__u32 orig_dst_ip4;
};

SEC("cgroup/connect4")
int s_conn_sock(struct bpf_sock_addr *ctx)
{
	SOCK(PV_OP, ctx);
	return 1;
}

SEC("cgroup/connect4")
int s_conn_compat(struct bpf_sock_addr *ctx)
{
	struct pv_kmesh_context kmesh_ctx = { .ctx = ctx, .orig_dst_ip4 = ctx->user_ip4 };

	observe_on_operation_start(PV_OP, &kmesh_ctx);
	observe_on_operation_end(PV_OP, &kmesh_ctx);
	return 1;
}

SEC("cgroup/connect4")
int s_conn_scope(struct bpf_sock_addr *ctx)
{
	SCOPE_CTX(PV_OP, ctx);
	return 1;
}

SEC("sockops")
int s_sops_sock(struct bpf_sock_ops *ctx)
{
	SOCK(PV_OP, ctx);
	return 1;
}

SEC("sockops")
int s_sops_scope(struct bpf_sock_ops *ctx)
{
	SCOPE_CTX(PV_OP, ctx);
	return 1;
}

SEC("sk_msg")
int s_msg_scope(struct sk_msg_md *ctx)
{
	SCOPE_CTX(PV_OP, ctx);
	return SK_PASS;
}

SEC("xdp")
int s_xdp_scope(struct xdp_md *ctx)
{
	SCOPE_CTX(PV_OP, ctx);
	return XDP_PASS;
}

SEC("tc")
int s_tc_sock(struct __sk_buff *ctx)
{
	SOCK(PV_OP, ctx);
	return 0;
}

SEC("tc")
int s_tc_scope(struct __sk_buff *ctx)
{
	SCOPE_CTX(PV_OP, ctx);
	return 0;
}

/* A start whose end never comes: shows what a start leaves in the start map, or does not. */
SEC("tc")
int s_tc_start(struct __sk_buff *ctx)
{
	kmesh_perf_sock_start(PV_OP, ctx);
	return 0;
}

SEC("cgroup_skb/egress")
int s_skb_sock(struct __sk_buff *ctx)
{
	SOCK(PV_OP, ctx);
	return 1;
}

SEC("cgroup_skb/egress")
int s_skb_scope(struct __sk_buff *ctx)
{
	SCOPE_CTX(PV_OP, ctx);
	return 1;
}

SEC("raw_tp/sys_enter")
int s_raw_scope(struct bpf_raw_tracepoint_args *ctx)
{
	SCOPE(PV_OP);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(s_btf_scope, void *regs, long id)
{
	SCOPE(PV_OP);
	return 0;
}
