/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * kmesh_perf.h - the probe an eBPF program includes to report operation durations to kmesh-perf.
 *
 * Two ways to time an operation:
 *
 *   KMESH_PERF_START(op) ... KMESH_PERF_END(op)
 *       The seed's design. The start is stored in kmesh_perf_map under {tid, op}, so start and end
 *       may run in different programs (sys_enter and sys_exit, say) as long as they run on the
 *       same thread. The end writes a record into kmesh_perf_info and deletes the entry.
 *
 *   struct kmesh_perf_scope s = kmesh_perf_scope_begin(op); ... kmesh_perf_scope_end(&s);
 *       For an operation that starts and ends in one program invocation: the start stays on the
 *       stack, so there is no map traffic at all, only the ring-buffer record.
 *
 * Both write the 32-byte record of Kmesh upstream (struct kmesh_perf_record). A record that does
 * not fit in the ring buffer is counted per CPU in kmesh_perf_cnt[KMESH_PERF_CNT_DROPPED]; an end
 * whose start is missing in kmesh_perf_cnt[KMESH_PERF_CNT_END_WITHOUT_START]. User space reads
 * these counters to account for every record: produced = consumed + dropped.
 *
 * Histogram mode, for hot operations: user space sets kmesh_perf_mode[op] to
 * KMESH_PERF_MODE_HISTOGRAM (for op < KMESH_PERF_HIST_TYPES) and the end adds the duration to a
 * per-CPU histogram in kmesh_perf_hist instead of writing a record. The buckets are the same
 * log-linear layout as user space's (net.kmesh.perf.DurationHistogram), so they merge exactly.
 *
 * Include <linux/bpf.h> (or vmlinux.h) and <bpf/bpf_helpers.h> before this file.
 */
#ifndef KMESH_PERF_H
#define KMESH_PERF_H

enum kmesh_perf_operation {
	KMESH_PERF_SOCK_TRAFFIC_CONTROL = 1,
	KMESH_PERF_XDP_SHUTDOWN = 2,
	KMESH_PERF_ENABLE_ENCODING_METADATA = 3,
};

/* Key of kmesh_perf_map: one pending start per thread and operation type. */
struct kmesh_perf_key {
	__u32 tid;
	__u32 operation_type;
};

/* Value of kmesh_perf_map: the seed's operation_usage_data. */
struct kmesh_perf_value {
	__u64 start_ns;
	__u64 end_ns;
	__u32 operation_type;
	__u32 pad;
};

/* Ring-buffer record, the layout of Kmesh upstream's operation_usage_data (32 bytes). */
struct kmesh_perf_record {
	__u64 start_ns;
	__u64 end_ns;
	__u64 pid_tgid;
	__u32 operation_type;
	__u32 pad;
};

/* Slots of the per-CPU counter array kmesh_perf_cnt. */
enum kmesh_perf_counter {
	KMESH_PERF_CNT_DROPPED = 0,
	KMESH_PERF_CNT_END_WITHOUT_START = 1,
	KMESH_PERF_CNT_SLOTS = 4,
};

#ifndef KMESH_PERF_MAP_ENTRIES
#define KMESH_PERF_MAP_ENTRIES 1024
#endif
/* User space may resize the ring before load; it must stay a power of two multiple of the page. */
#ifndef KMESH_PERF_RINGBUF_SIZE
#define KMESH_PERF_RINGBUF_SIZE (256 * 1024)
#endif

/* LRU: a start whose end never comes (its thread died) cannot make the map refuse new starts;
 * user space also deletes starts older than a limit and counts them. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct kmesh_perf_key);
	__type(value, struct kmesh_perf_value);
	__uint(max_entries, KMESH_PERF_MAP_ENTRIES);
} kmesh_perf_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, KMESH_PERF_RINGBUF_SIZE);
} kmesh_perf_info SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, KMESH_PERF_CNT_SLOTS);
} kmesh_perf_cnt SEC(".maps");

#define KMESH_PERF_HIST_TYPES 32
#define KMESH_PERF_HIST_BUCKETS 336
#define KMESH_PERF_HIST_SUB_BITS 3
#define KMESH_PERF_HIST_MAX_EXP 43

enum kmesh_perf_mode {
	KMESH_PERF_MODE_RECORD = 0,
	KMESH_PERF_MODE_HISTOGRAM = 1,
};

/* Value of kmesh_perf_hist[op], per CPU. The count is the sum of the buckets. max_ns is updated
 * without atomics and may miss a maximum that two preempting programs on one CPU record at once;
 * the buckets never miss. */
struct kmesh_perf_hist {
	__u64 sum_ns;
	__u64 max_ns;
	__u64 buckets[KMESH_PERF_HIST_BUCKETS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, KMESH_PERF_HIST_TYPES);
} kmesh_perf_mode SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct kmesh_perf_hist);
	__uint(max_entries, KMESH_PERF_HIST_TYPES);
} kmesh_perf_hist SEC(".maps");

static __always_inline void kmesh_perf_count(__u32 slot)
{
	__u64 *counter = bpf_map_lookup_elem(&kmesh_perf_cnt, &slot);

	/* Per CPU, but a program interrupted by an NMI-context program on the same CPU could
	 * interleave with it, so the add is atomic. It only runs on the failure paths. */
	if (counter)
		__sync_fetch_and_add(counter, 1);
}

static __always_inline int kmesh_perf_emit(__u32 operation_type, __u64 start_ns, __u64 end_ns)
{
	struct kmesh_perf_record *record;

	record = bpf_ringbuf_reserve(&kmesh_perf_info, sizeof(*record), 0);
	if (!record) {
		kmesh_perf_count(KMESH_PERF_CNT_DROPPED);
		return -1;
	}
	record->start_ns = start_ns;
	record->end_ns = end_ns;
	record->pid_tgid = bpf_get_current_pid_tgid();
	record->operation_type = operation_type;
	record->pad = 0;
	bpf_ringbuf_submit(record, 0);
	return 0;
}

/* Bucket of ns. Buckets include their upper bound, as a Prometheus le does: bucket(ns) is the
 * half-open log-linear bucket of ns - 1 (values up to 8 have one each, then 8 sub-buckets per power
 * of two), the same function as net.kmesh.perf.DurationHistogram.bucketIndex. */
static __always_inline __u32 kmesh_perf_bucket(__u64 ns)
{
	__u64 v = ns ? ns - 1 : 0;
	__u64 x = v;
	__u32 exp = 0;

	if (v < (1 << KMESH_PERF_HIST_SUB_BITS))
		return (__u32)v;
	/* floor(log2(v)) by halving: BPF has no count-leading-zeros instruction. */
	if (x >> 32) { x >>= 32; exp += 32; }
	if (x >> 16) { x >>= 16; exp += 16; }
	if (x >> 8) { x >>= 8; exp += 8; }
	if (x >> 4) { x >>= 4; exp += 4; }
	if (x >> 2) { x >>= 2; exp += 2; }
	if (x >> 1) { exp += 1; }
	if (exp > KMESH_PERF_HIST_MAX_EXP)
		return KMESH_PERF_HIST_BUCKETS - 1;
	return (1 << KMESH_PERF_HIST_SUB_BITS) + (exp - KMESH_PERF_HIST_SUB_BITS) * (1 << KMESH_PERF_HIST_SUB_BITS)
		+ ((v >> (exp - KMESH_PERF_HIST_SUB_BITS)) & ((1 << KMESH_PERF_HIST_SUB_BITS) - 1));
}

/* 1 when operation_type is counted in the in-kernel histogram rather than written as a record. */
static __always_inline int kmesh_perf_histogram_mode(__u32 operation_type)
{
	__u32 *mode;

	if (operation_type >= KMESH_PERF_HIST_TYPES)
		return 0;
	mode = bpf_map_lookup_elem(&kmesh_perf_mode, &operation_type);
	return mode && *mode == KMESH_PERF_MODE_HISTOGRAM;
}

static __always_inline void kmesh_perf_hist_add(__u32 operation_type, __u64 ns)
{
	struct kmesh_perf_hist *h = bpf_map_lookup_elem(&kmesh_perf_hist, &operation_type);
	__u32 bucket = kmesh_perf_bucket(ns);

	if (!h)
		return;
	if (bucket >= KMESH_PERF_HIST_BUCKETS)
		bucket = KMESH_PERF_HIST_BUCKETS - 1;
	/* Atomic although per CPU: a preempted program may share the CPU with another. */
	__sync_fetch_and_add(&h->buckets[bucket], 1);
	__sync_fetch_and_add(&h->sum_ns, ns);
	if (ns > h->max_ns)
		h->max_ns = ns;
}

/*
 * Accounts for one operation: a histogram entry (returns 1) or a ring-buffer record (returns 0,
 * or -1 when the ring was full).
 */
static __always_inline int kmesh_perf_finish(__u32 operation_type, __u64 start_ns, __u64 end_ns)
{
	if (kmesh_perf_histogram_mode(operation_type)) {
		kmesh_perf_hist_add(operation_type, end_ns - start_ns);
		return 1;
	}
	return kmesh_perf_emit(operation_type, start_ns, end_ns);
}

static __always_inline void kmesh_perf_start(__u32 operation_type)
{
	struct kmesh_perf_key key = {
		.tid = (__u32)bpf_get_current_pid_tgid(),
		.operation_type = operation_type,
	};
	struct kmesh_perf_value value = {
		.start_ns = bpf_ktime_get_ns(),
		.operation_type = operation_type,
	};

	bpf_map_update_elem(&kmesh_perf_map, &key, &value, BPF_ANY);
}

/* Returns 0 when a record was written, 1 when the histogram counted it, -1 when the ring buffer
 * was full, -2 without a start. */
static __always_inline int kmesh_perf_end(__u32 operation_type)
{
	/* Stamp first: the lookup below is part of the probe's cost, not of the operation. */
	__u64 end_ns = bpf_ktime_get_ns();
	struct kmesh_perf_key key = {
		.tid = (__u32)bpf_get_current_pid_tgid(),
		.operation_type = operation_type,
	};
	struct kmesh_perf_value *value;
	int ret;

	value = bpf_map_lookup_elem(&kmesh_perf_map, &key);
	if (!value) {
		kmesh_perf_count(KMESH_PERF_CNT_END_WITHOUT_START);
		return -2;
	}
	ret = kmesh_perf_finish(operation_type, value->start_ns, end_ns);
	bpf_map_delete_elem(&kmesh_perf_map, &key);
	return ret;
}

#define KMESH_PERF_START(op) kmesh_perf_start(op)
#define KMESH_PERF_END(op) kmesh_perf_end(op)

struct kmesh_perf_scope {
	__u64 start_ns;
	__u32 operation_type;
};

static __always_inline struct kmesh_perf_scope kmesh_perf_scope_begin(__u32 operation_type)
{
	struct kmesh_perf_scope scope = {
		.start_ns = bpf_ktime_get_ns(),
		.operation_type = operation_type,
	};
	return scope;
}

/* As kmesh_perf_end. */
static __always_inline int kmesh_perf_scope_end(const struct kmesh_perf_scope *scope)
{
	return kmesh_perf_finish(scope->operation_type, scope->start_ns, bpf_ktime_get_ns());
}

#endif /* KMESH_PERF_H */
