// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The probe built with its start map keyed by thread, one small program per program type Kmesh
 * uses and per variant that makes sense there: the seed's start/end (process context only) and the
 * scoped variant (with its ctx form where bpf_get_current_pid_tgid() is refused before Linux 6.10).
 * Tests load every program, run those BPF_PROG_TEST_RUN can run, and read the instructions.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "kmesh_perf.h"
#include "probe_variants.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define SEED(op) ({ KMESH_PERF_START(op); KMESH_PERF_END(op); })
#define SCOPE(op) ({ struct kmesh_perf_scope s_ = kmesh_perf_scope_begin(op); kmesh_perf_scope_end(&s_); })
#define SCOPE_CTX(op, ctx) \
	({ struct kmesh_perf_scope s_ = kmesh_perf_scope_begin(op); kmesh_perf_scope_end_ctx(&s_, ctx); })

SEC("cgroup/connect4")
int t_conn_seed(struct bpf_sock_addr *ctx)
{
	SEED(PV_OP);
	return 1;
}

SEC("cgroup/connect4")
int t_conn_scope(struct bpf_sock_addr *ctx)
{
	SCOPE(PV_OP);
	return 1;
}

SEC("sockops")
int t_sops_scope(struct bpf_sock_ops *ctx)
{
	SCOPE_CTX(PV_OP, ctx);
	return 1;
}

SEC("sk_msg")
int t_msg_seed(struct sk_msg_md *ctx)
{
	SEED(PV_OP);
	return SK_PASS;
}

SEC("sk_msg")
int t_msg_scope(struct sk_msg_md *ctx)
{
	SCOPE(PV_OP);
	return SK_PASS;
}

SEC("xdp")
int t_xdp_scope(struct xdp_md *ctx)
{
	SCOPE_CTX(PV_OP, ctx);
	return XDP_PASS;
}

SEC("tc")
int t_tc_scope(struct __sk_buff *ctx)
{
	SCOPE_CTX(PV_OP, ctx);
	return 0;
}

SEC("cgroup_skb/egress")
int t_skb_scope(struct __sk_buff *ctx)
{
	SCOPE_CTX(PV_OP, ctx);
	return 1;
}

SEC("raw_tp/sys_enter")
int t_raw_seed(struct bpf_raw_tracepoint_args *ctx)
{
	SEED(PV_OP);
	return 0;
}

SEC("raw_tp/sys_enter")
int t_raw_scope(struct bpf_raw_tracepoint_args *ctx)
{
	SCOPE(PV_OP);
	return 0;
}

/* A start whose end never comes: shows what a start leaves in the start map, or does not. */
SEC("raw_tp/sys_enter")
int t_raw_start(struct bpf_raw_tracepoint_args *ctx)
{
	KMESH_PERF_START(PV_OP);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(t_btf_seed, void *regs, long id)
{
	SEED(PV_OP);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(t_btf_scope, void *regs, long id)
{
	SCOPE(PV_OP);
	return 0;
}
