// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A stand-in for a running Kmesh in workload mode, for tests: the probe built the way Kmesh would
 * build it (maps renamed km_perf_*, a 4 KiB ring, a start map keyed by socket cookie as Kmesh's,
 * the probe's LRU of 4,096), a cgroup/connect4 program with Kmesh's call sites, and maps of the other kinds
 * Kmesh pins beside them. Written from Kmesh's documented layout (bpf/kmesh/workload/include/
 * config.h, workload.h, tail_call.h; bpf/kmesh/ads/include/cluster.h), not from its code.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Kmesh's renaming (config.h), extended to the probe's other maps. */
#define kmesh_perf_map km_perf_map
#define kmesh_perf_info km_perf_info
#define kmesh_perf_cnt km_perf_cnt
#define kmesh_perf_mode km_perf_mode
#define kmesh_perf_hist km_perf_hist
#define kmesh_perf_slot km_perf_slot
#define KMESH_PERF_RINGBUF_SIZE (1 << 12)
#define KMESH_PERF_KMESH_COMPAT
#include "kmesh_perf.h"
#include "kmesh_standin.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

_Static_assert(KMESH_PERF_MAP_ENTRIES == 4096, "the compat start map is an LRU of 4,096 entries");

/* Kmesh's frontend map: service or pod address -> upstream id. */
struct km_ip_addr {
	union {
		__u32 ip4;
		__u32 ip6[4];
	};
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct km_ip_addr);
	__type(value, __u32);
	__uint(max_entries, 105000);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} km_frontend SEC(".maps");

/* The target of Kmesh's connect tail calls; it only has to be a program of the same type. */
SEC("cgroup/connect4")
int km_cgr_tail(struct bpf_sock_addr *ctx)
{
	return 1;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 8);
	/* Sizes, not BTF types, as Kmesh declares it: the kernel takes no BTF key for a prog_array. */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__array(values, int (struct bpf_sock_addr *));
} km_cgr_tailcall SEC(".maps") = {
	.values = { [KM_STANDIN_TAIL_SLOT] = (void *)&km_cgr_tail },
};

/* Inner maps of the map-in-map maps, each holding Kmesh-sized (64-byte) values. */
struct km_inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u8[64]);
	__uint(max_entries, 16);
};

struct km_inner km_inner_a SEC(".maps");
struct km_inner km_inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct km_inner);
} km_outer SEC(".maps") = {
	.values = { [KM_STANDIN_OUTER_SLOT] = &km_inner_a },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 16);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__array(values, struct km_inner);
} km_maglev_outer SEC(".maps") = {
	.values = { [KM_STANDIN_MAGLEV_KEY] = &km_inner_b },
};

/* Kmesh's programs keep their context in a struct of their own; the probe reads its ctx member. */
struct km_context {
	struct bpf_sock_addr *ctx;
	struct km_ip_addr orig_dst_addr;
};

/*
 * Kmesh's sock_traffic_control shape: the operation starts before the frontend lookup and ends only
 * when the destination is a frontend. A connect to any other address leaves its start behind in
 * km_perf_map, as Kmesh's does, until newer starts evict it.
 */
static __always_inline int km_traffic_control(struct km_context *kmesh_ctx)
{
	__u32 *upstream;

	observe_on_operation_start(SOCK_TRAFFIC_CONTROL, kmesh_ctx);
	upstream = bpf_map_lookup_elem(&km_frontend, &kmesh_ctx->orig_dst_addr);
	if (!upstream)
		return -1;
	observe_on_operation_end(SOCK_TRAFFIC_CONTROL, kmesh_ctx);
	return 0;
}

SEC("cgroup/connect4")
int km_connect4(struct bpf_sock_addr *ctx)
{
	struct km_context kmesh_ctx = { .ctx = ctx };

	kmesh_ctx.orig_dst_addr.ip4 = ctx->user_ip4;
	km_traffic_control(&kmesh_ctx);
	return 1;
}

static __always_inline void km_tally(struct km_produce_args *args, int ret)
{
	if (ret == KMESH_PERF_RECORDED)
		args->recorded++;
	else if (ret == KMESH_PERF_COUNTED)
		args->counted++;
	else if (ret == KMESH_PERF_DROPPED)
		args->dropped++;
	else if (ret == KMESH_PERF_SKIPPED)
		args->skipped++;
}

/* One callback per path, so that the verifier walks each alone; start and end name the pair. */
#define KM_PRODUCE_ONE(name, start, end)							\
static long name(__u32 index, void *data)							\
{												\
	struct km_produce_args *args = data;							\
	__u64 cookie = args->cookie_base + index;						\
												\
	if (start(args->operation_type, cookie) == KMESH_PERF_SKIPPED) {			\
		args->skipped++;								\
		return 0;									\
	}											\
	if (!args->starts_only)									\
		km_tally(args, end(args->operation_type, cookie));				\
	return 0;										\
}

KM_PRODUCE_ONE(km_sock_one, kmesh_perf_cookie_start, kmesh_perf_cookie_end)
KM_PRODUCE_ONE(km_run_one, kmesh_perf_run_start, kmesh_perf_run_end)

static long km_nested_one(__u32 index, void *data)
{
	struct km_produce_args *args = data;
	__u64 cookie = args->cookie_base + index;
	/* The operation the nested one interrupts: a cookie no other operation of the run has. */
	__u64 outer = cookie | (1ULL << 63);

	if (kmesh_perf_run_start(args->operation_type, outer) == KMESH_PERF_SKIPPED) {
		args->skipped++;
		return 0;
	}
	kmesh_perf_run_start(args->operation_type, cookie);
	km_tally(args, kmesh_perf_run_end(args->operation_type, cookie));
	km_tally(args, kmesh_perf_run_end(args->operation_type, outer));
	return 0;
}

/* A start, then its slot torn (the start as another writer left it), then the end. */
static long km_torn_one(__u32 index, void *data)
{
	struct km_produce_args *args = data;
	__u64 cookie = args->cookie_base + index;
	__u32 slot_index = args->operation_type & (KMESH_PERF_SLOT_TYPES - 1);
	struct kmesh_perf_slot *slot;

	if (kmesh_perf_run_start(args->operation_type, cookie) == KMESH_PERF_SKIPPED) {
		args->skipped++;
		return 0;
	}
	slot = bpf_map_lookup_elem(&kmesh_perf_slot, &slot_index);
	if (slot)
		slot->start_ns -= 1000;
	km_tally(args, kmesh_perf_run_end(args->operation_type, cookie));
	return 0;
}

/* Runs count operations of one type through the socket-keyed start and end that path names,
 * cookies cookie_base, cookie_base + 1, ...; with starts_only, only their starts. */
SEC("syscall")
int km_produce(struct km_produce_args *ctx)
{
	struct km_produce_args args = *ctx;

	args.recorded = 0;
	args.dropped = 0;
	args.counted = 0;
	args.skipped = 0;
	if (args.path == KM_PATH_SOCK)
		bpf_loop(args.count, km_sock_one, &args, 0);
	else if (args.path == KM_PATH_RUN)
		bpf_loop(args.count, km_run_one, &args, 0);
	else if (args.path == KM_PATH_NESTED)
		bpf_loop(args.count, km_nested_one, &args, 0);
	else
		bpf_loop(args.count, km_torn_one, &args, 0);
	ctx->recorded = args.recorded;
	ctx->dropped = args.dropped;
	ctx->counted = args.counted;
	ctx->skipped = args.skipped;
	return 0;
}
