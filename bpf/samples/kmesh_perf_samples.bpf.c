// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The sample programs bundled with kmesh-perf, instrumented with kmesh_perf.h:
 *   - kp_connect4: a Kmesh-like cgroup/connect4 "traffic control" program (SOCK_TRAFFIC_CONTROL),
 *     timed with the scoped probe because it starts and ends in one invocation;
 *   - kp_span_*: one syscall timed from sys_enter to sys_exit, the seed's map design spanning two
 *     programs, as tp_btf programs with raw_tp twins for kernels without tp_btf;
 *   - kp_produce: a SEC("syscall") producer that BPF_PROG_TEST_RUN drives at a chosen rate.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "kmesh_perf.h"
#include "kmesh_perf_samples.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct kp_sample_config);
	__uint(max_entries, 1);
} kp_sample_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct kp_endpoint);
	__type(value, struct kp_endpoint);
	__uint(max_entries, 1024);
} kmesh_demo_svc SEC(".maps");

/* Only the field read is defined; CO-RE relocates it against the running kernel. */
struct pt_regs___kp {
#if defined(__TARGET_ARCH_arm64)
	__s32 syscallno;
#else
	unsigned long orig_ax;
#endif
} __attribute__((preserve_access_index));

#if defined(__TARGET_ARCH_arm64)
#define KP_SYSCALL_NR(regs) BPF_CORE_READ(regs, syscallno)
#else
#define KP_SYSCALL_NR(regs) BPF_CORE_READ(regs, orig_ax)
#endif

SEC("cgroup/connect4")
int kp_connect4(struct bpf_sock_addr *ctx)
{
	struct kmesh_perf_scope scope = kmesh_perf_scope_begin(KMESH_PERF_SOCK_TRAFFIC_CONTROL);
	struct kp_endpoint frontend = {
		.ip4 = ctx->user_ip4,
		.port = ctx->user_port,
	};
	struct kp_endpoint *backend;

	backend = bpf_map_lookup_elem(&kmesh_demo_svc, &frontend);
	if (backend) {
		ctx->user_ip4 = backend->ip4;
		ctx->user_port = backend->port;
	}
	kmesh_perf_scope_end(&scope);
	return 1;
}

static __always_inline int kp_span_selected(long syscall_nr)
{
	__u32 zero = 0;
	struct kp_sample_config *cfg = bpf_map_lookup_elem(&kp_sample_cfg, &zero);
	__u64 pid_tgid;

	if (!cfg || cfg->span_syscall < 0 || syscall_nr != cfg->span_syscall)
		return 0;
	pid_tgid = bpf_get_current_pid_tgid();
	if (cfg->span_tgid && (__u32)(pid_tgid >> 32) != cfg->span_tgid)
		return 0;
	if (cfg->span_tid && (__u32)pid_tgid != cfg->span_tid)
		return 0;
	return 1;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(kp_span_enter, struct pt_regs___kp *regs, long id)
{
	if (kp_span_selected(id))
		KMESH_PERF_START(KP_SAMPLE_OP_SYSCALL_SPAN);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kp_span_exit, struct pt_regs___kp *regs, long ret)
{
	if (kp_span_selected(KP_SYSCALL_NR(regs)))
		KMESH_PERF_END(KP_SAMPLE_OP_SYSCALL_SPAN);
	return 0;
}

SEC("raw_tp/sys_enter")
int kp_span_enter_raw(struct bpf_raw_tracepoint_args *ctx)
{
	if (kp_span_selected((long)ctx->args[1]))
		KMESH_PERF_START(KP_SAMPLE_OP_SYSCALL_SPAN);
	return 0;
}

SEC("raw_tp/sys_exit")
int kp_span_exit_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs___kp *regs = (struct pt_regs___kp *)ctx->args[0];

	if (kp_span_selected(KP_SYSCALL_NR(regs)))
		KMESH_PERF_END(KP_SAMPLE_OP_SYSCALL_SPAN);
	return 0;
}

static long kp_produce_one(__u32 index, void *data)
{
	struct kp_produce_args *args = data;
	struct kmesh_perf_scope scope;
	__u64 end_ns, spread;
	int ret = 0;

	switch (args->mode) {
	case KP_PRODUCE_SEED:
		KMESH_PERF_START(args->operation_type);
		ret = KMESH_PERF_END(args->operation_type);
		break;
	case KP_PRODUCE_SCOPED:
		scope = kmesh_perf_scope_begin(args->operation_type);
		ret = kmesh_perf_scope_end(&scope);
		break;
	case KP_PRODUCE_CLOCK_READS:
		end_ns = bpf_ktime_get_ns();
		args->synthetic_ns += (__u32)(bpf_ktime_get_ns() - end_ns);
		return 0;
	case KP_PRODUCE_ARRAY_LOOKUP:
		/* What an OFF probe call does: look the mode up, compare, return. */
		if (kmesh_perf_mode_of(args->operation_type) == KMESH_PERF_MODE_OFF)
			args->synthetic_ns++;
		return 0;
	case KP_PRODUCE_SYNTHETIC:
		end_ns = bpf_ktime_get_ns();
		spread = args->synthetic_ns ? bpf_get_prandom_u32() % args->synthetic_ns : 0;
		ret = kmesh_perf_finish(args->operation_type, end_ns - args->synthetic_ns - spread, end_ns);
		break;
	default:
		return 0;
	}
	if (ret == 0)
		args->emitted++;
	else if (ret == 1)
		args->histogrammed++;
	else if (ret == -1)
		args->dropped++;
	return 0;
}

SEC("syscall")
int kp_produce(struct kp_produce_args *ctx)
{
	struct kp_produce_args args = *ctx;

	args.emitted = 0;
	args.dropped = 0;
	args.histogrammed = 0;
	bpf_loop(args.count, kp_produce_one, &args, 0);
	ctx->emitted = args.emitted;
	ctx->dropped = args.dropped;
	ctx->histogrammed = args.histogrammed;
	return 0;
}
