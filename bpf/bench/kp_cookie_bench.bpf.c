// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Kmesh's call shape, for ProbeOverheadBenchmark: the probe built as KMESH_PERF_KMESH_COMPAT gives
 * it, driven by a SEC("syscall") producer as the bundled samples' kp_produce is: BPF_PROG_TEST_RUN
 * cannot run cgroup/connect4, the program type Kmesh times its traffic control in. Every operation
 * starts and ends on a cookie of its own, as every connect is a new socket; the cookie is passed in
 * (cookie_base + index) rather than read with bpf_get_socket_cookie(), which a syscall program has
 * no socket for.
 *
 * KP_COOKIE_PROBE is what Kmesh's call sites (observe_on_operation_start/_end) compile to: start and
 * end in one program run, the start in this CPU's slot (kmesh_perf_run_start/_end).
 * KP_COOKIE_SOCK is the sock variants (kmesh_perf_cookie_start/_end), for a start and an end in
 * different program runs: the start in the LRU hash of 4,096 keyed {cookie, op}, a fresh bucket for
 * every new socket. KP_COOKIE_ONE_SOCKET is that on one cookie for every operation of a run, as the
 * seed's producer reuses its one thread's key: the same code over a bucket that stays in the cache,
 * so that the probe's own cost can be told apart from the cost of reaching a fresh bucket.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#define KMESH_PERF_KMESH_COMPAT
#include "kmesh_perf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

enum kp_cookie_mode {
	KP_COOKIE_BASELINE = 0,	/* the loop alone */
	KP_COOKIE_PROBE = 1,	/* kmesh_perf_run_start, then _end, on a fresh cookie */
	KP_COOKIE_ONE_SOCKET = 2,	/* kmesh_perf_cookie_start, then _end, on cookie_base for every operation */
	KP_COOKIE_SOCK = 3,	/* kmesh_perf_cookie_start, then _end, on a fresh cookie */
};

struct kp_cookie_args {
	__u32 operation_type;
	__u32 count;		/* operations, at most 1 << 23 (bpf_loop's limit) */
	__u32 mode;		/* enum kp_cookie_mode */
	__u32 pad;
	__u64 cookie_base;	/* cookies cookie_base .. cookie_base + count - 1 (one socket: cookie_base) */
	__u64 emitted;		/* out: records written */
	__u64 dropped;		/* out: records lost because the ring buffer was full */
};

static long kp_cookie_one(__u32 index, void *data)
{
	struct kp_cookie_args *args = data;
	__u64 cookie = args->cookie_base + index;
	int ret;

	switch (args->mode) {
	case KP_COOKIE_PROBE:
		kmesh_perf_run_start(args->operation_type, cookie);
		ret = kmesh_perf_run_end(args->operation_type, cookie);
		break;
	case KP_COOKIE_ONE_SOCKET:
		cookie = args->cookie_base;
		/* fallthrough */
	case KP_COOKIE_SOCK:
		kmesh_perf_cookie_start(args->operation_type, cookie);
		ret = kmesh_perf_cookie_end(args->operation_type, cookie);
		break;
	default:
		return 0;
	}
	if (ret == KMESH_PERF_RECORDED)
		args->emitted++;
	else if (ret == KMESH_PERF_DROPPED)
		args->dropped++;
	return 0;
}

SEC("syscall")
int kp_cookie_produce(struct kp_cookie_args *ctx)
{
	struct kp_cookie_args args = *ctx;

	args.emitted = 0;
	args.dropped = 0;
	bpf_loop(args.count, kp_cookie_one, &args, 0);
	ctx->emitted = args.emitted;
	ctx->dropped = args.dropped;
	return 0;
}
