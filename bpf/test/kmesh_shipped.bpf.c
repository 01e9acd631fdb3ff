// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A stand-in for Kmesh as it ships, for tests: only the maps Kmesh itself defines for its probe
 * (km_perf_info, a 4 KiB ring; km_perf_map, starts keyed {socket cookie, operation type}, 131,072
 * entries) and its log ring km_log_event (256 KiB of {u32 ret; char msg[255]} events), no counter
 * map. Built twice: KM_PERF_MONITOR 0 is Kmesh's default build, whose programs never touch the probe's
 * maps though they are created and pinned; KM_PERF_MONITOR 1 is a build with the probe on, where a
 * failed reserve is only a log event. Written from Kmesh's documented layout (performance_probe.h,
 * bpf_log.h, map_config.h), not from its code.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "kmesh_shipped.h"

#ifndef KM_PERF_MONITOR
#error "build with -DKM_PERF_MONITOR=0 or 1"
#endif

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define KM_LOG_MSG_LEN 255

struct km_log_event {
	__u32 ret;
	char msg[KM_LOG_MSG_LEN];
};

struct km_op_key {
	__u64 socket_cookie;
	__u32 operation_type;
};

struct km_op_data {
	__u64 start_time;
	__u64 end_time;
	__u64 pid_tgid;
	__u32 operation_type;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct km_op_key);
	__type(value, struct km_op_data);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 131072);
} km_perf_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} km_perf_info SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} km_log_event SEC(".maps");

/* One of Kmesh's other maps, so that every mode pins something besides the probe. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} km_frontend SEC(".maps");

#define SOCK_TRAFFIC_CONTROL 1

struct km_run_state {
	struct km_shipped_args *args;
	__u64 recorded;
	__u64 logged;
	__u64 unlogged;
};

#if KM_PERF_MONITOR
/* The text Kmesh's BPF_LOG(ERR, PROBE, ...) writes when the ring has no room. */
static const char km_reserve_failed[] = "[PROBE] ERR: bpf_ringbuf_reserve map proformance info failed\n";

static __always_inline void km_log_reserve_failed(struct km_run_state *st)
{
	struct km_log_event *e = bpf_ringbuf_reserve(&km_log_event, sizeof(*e), 0);
	long n;

	if (!e) {
		st->unlogged++;
		return;
	}
	n = bpf_snprintf(e->msg, sizeof(e->msg), km_reserve_failed, 0, 0);
	e->ret = n;
	if (n < 0) {
		bpf_ringbuf_discard(e, 0);
		st->unlogged++;
		return;
	}
	bpf_ringbuf_submit(e, 0);
	st->logged++;
}

static long km_run_one(__u32 index, void *data)
{
	struct km_run_state *st = data;
	struct km_op_key key = { .socket_cookie = st->args->cookie_base + index,
				 .operation_type = SOCK_TRAFFIC_CONTROL };
	struct km_op_data start = { .operation_type = SOCK_TRAFFIC_CONTROL };
	struct km_op_data *found, *out;

	start.start_time = st->args->start_ns ? st->args->start_ns : bpf_ktime_get_ns();
	bpf_map_update_elem(&km_perf_map, &key, &start, BPF_ANY);
	if (st->args->starts_only)
		return 0;
	found = bpf_map_lookup_elem(&km_perf_map, &key);
	if (found) {
		out = bpf_ringbuf_reserve(&km_perf_info, sizeof(*out), 0);
		if (out) {
			out->start_time = found->start_time;
			out->end_time = bpf_ktime_get_ns();
			out->pid_tgid = bpf_get_current_pid_tgid();
			out->operation_type = found->operation_type;
			bpf_ringbuf_submit(out, 0);
			st->recorded++;
		} else {
			km_log_reserve_failed(st);
		}
	}
	bpf_map_delete_elem(&km_perf_map, &key);
	return 0;
}
#else
static long km_run_one(__u32 index, void *data)
{
	return 0; /* the probe is compiled out: the connect path runs, nothing is timed */
}
#endif

/* Runs count traffic-controlled connects (socket cookies from cookie_base) as Kmesh would. */
SEC("syscall")
int km_shipped_run(struct km_shipped_args *ctx)
{
	struct km_run_state st = { .args = ctx };

	bpf_loop(ctx->count, km_run_one, &st, 0);
	ctx->recorded = st.recorded;
	ctx->logged = st.logged;
	ctx->unlogged = st.unlogged;
	return 0;
}
