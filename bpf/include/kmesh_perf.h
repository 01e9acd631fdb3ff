/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * kmesh_perf.h - the probe an eBPF program includes to report operation durations to kmesh-perf.
 *
 * Three ways to time an operation:
 *
 *   kmesh_perf_sock_start(op, ctx) ... kmesh_perf_sock_end(op, ctx)
 *       Keyed by socket: the start is stored in kmesh_perf_map under {socket cookie, op}, so
 *       start and end may run in different programs and contexts (softirq included) as long as
 *       they see the same socket. Kmesh's own call sites, which start and end in one program
 *       run, compile (KMESH_PERF_KMESH_COMPAT) to kmesh_perf_run_start/_end instead: the same
 *       key, the start kept in a per-CPU slot, at a third of the seed's cost (see below).
 *       ctx is the program's context (struct bpf_sock_addr *,
 *       struct __sk_buff *, struct bpf_sock_ops *, struct bpf_sock *, or a struct sock * in
 *       tp_btf/fentry programs): anything bpf_get_socket_cookie() takes, which excludes xdp and
 *       sk_msg programs (a compile-time error).
 *       Needs KMESH_PERF_START_KEY == KMESH_PERF_KEY_SOCKET.
 *
 *   KMESH_PERF_START(op) ... KMESH_PERF_END(op)
 *       The seed's design: the start is stored in kmesh_perf_map under {thread id, op}, so start
 *       and end may run in different programs (sys_enter and sys_exit, say) on the same thread.
 *       Process context only (tracing, syscall, cgroup sock_addr, sk_msg programs). Needs
 *       KMESH_PERF_START_KEY == KMESH_PERF_KEY_THREAD (the default).
 *
 *   struct kmesh_perf_scope s = kmesh_perf_scope_begin(op);
 *   ... kmesh_perf_scope_end(&s)            (process context)
 *   ... kmesh_perf_scope_end_ctx(&s, ctx)   (any program type)
 *       For an operation that starts and ends in one program invocation: the start stays on the
 *       stack, no start-map traffic at all. Works with either start key.
 *
 * The end writes the 32-byte record of Kmesh upstream (struct kmesh_perf_record) into the ring
 * kmesh_perf_info. A record that does not fit is counted per CPU in
 * kmesh_perf_cnt[KMESH_PERF_CNT_DROPPED]; an end whose start is missing in
 * kmesh_perf_cnt[KMESH_PERF_CNT_END_WITHOUT_START]. User space reads these counters to account for
 * every record: produced = consumed + dropped.
 *
 * Modes, per operation type, switched at run time by user space through kmesh_perf_mode[op]
 * (types 0..KMESH_PERF_MODE_TYPES-1; other types are always recorded). The values are those of
 * net.kmesh.perf.OperationMode.kernelValue():
 *   0 KMESH_PERF_MODE_RECORD     one ring record per operation (the default: the map starts zeroed);
 *   1 KMESH_PERF_MODE_HISTOGRAM  the duration is added to the per-CPU histogram kmesh_perf_hist[op]
 *                                (the log-linear buckets of net.kmesh.perf.DurationHistogram, so
 *                                they merge exactly), no record;
 *   2 KMESH_PERF_MODE_OFF        nothing: no clock read, no start-map traffic, no record. The
 *                                price is one inlined array lookup per probe call.
 * A scope keeps the mode it began with; a start/end pair reads it at both calls, so an operation
 * in flight when its type is switched OFF leaves its start behind (an LRU evicts it, user space
 * sweeps stale starts) and one switched back ON ends without a start (counted).
 *
 * pid_tgid. Kernels before 6.10 refuse bpf_get_current_pid_tgid() in xdp, tc (sched_cls,
 * sched_act), sock_ops and cgroup_skb programs, among others (Linux commit eb166e522c77 allowed it
 * everywhere). The *_ctx and sock variants choose at compile time from the type of ctx: for
 * struct xdp_md, struct __sk_buff, struct bpf_sock_ops (and the other contexts listed at
 * KMESH_PERF_CTX_HAS_TASK) the record's pid_tgid is 0 and the helper is never called, so the
 * object loads on those kernels; elsewhere it is the current task's. The variants without ctx
 * always call it.
 *
 * Compile-time options, defined before including this file:
 *   KMESH_PERF_START_KEY      KMESH_PERF_KEY_THREAD (default) or KMESH_PERF_KEY_SOCKET: the key of
 *                             the one start map. A thread key is 8 bytes ({u32 tid, u32 op}), the
 *                             value struct kmesh_perf_value (24), in an LRU hash of 1,024; a socket
 *                             key is upstream Kmesh's 16 bytes ({u64 cookie, u32 op}, padded), the
 *                             value its 32-byte record, in an LRU hash of 4,096 (upstream's is a
 *                             hash of 131,072 without preallocation: see below). Every value
 *                             begins with the start time, u64 ns.
 *   KMESH_PERF_MAP_ENTRIES, KMESH_PERF_MAP_TYPE, KMESH_PERF_MAP_FLAGS   override the start map.
 *   KMESH_PERF_RINGBUF_SIZE   the ring's size (user space may resize it before load).
 *   KMESH_PERF_KMESH_COMPAT   Kmesh's names: observe_on_operation_start/end(op, kmesh_ctx) over
 *                             kmesh_perf_run_start/_end (kmesh_ctx->ctx is the program context,
 *                             start and end in one program run, as at every Kmesh call site) and
 *                             the operation names SOCK_TRAFFIC_CONTROL, XDP_SHUTDOWN,
 *                             ENABLE_ENCODING_METADATA; implies the socket key.
 * Map names may be changed with #define before the include, as Kmesh's config.h does
 * (#define kmesh_perf_map km_perf_map, #define kmesh_perf_info km_perf_info).
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

#define KMESH_PERF_KEY_THREAD 1
#define KMESH_PERF_KEY_SOCKET 2

#ifdef KMESH_PERF_KMESH_COMPAT
#ifndef KMESH_PERF_START_KEY
#define KMESH_PERF_START_KEY KMESH_PERF_KEY_SOCKET
#endif
#endif
#ifndef KMESH_PERF_START_KEY
#define KMESH_PERF_START_KEY KMESH_PERF_KEY_THREAD
#endif
#if KMESH_PERF_START_KEY != KMESH_PERF_KEY_THREAD && KMESH_PERF_START_KEY != KMESH_PERF_KEY_SOCKET
#error "KMESH_PERF_START_KEY must be KMESH_PERF_KEY_THREAD or KMESH_PERF_KEY_SOCKET"
#endif
#if defined(KMESH_PERF_KMESH_COMPAT) && KMESH_PERF_START_KEY != KMESH_PERF_KEY_SOCKET
#error "KMESH_PERF_KMESH_COMPAT keys starts by socket, as Kmesh does: leave KMESH_PERF_START_KEY unset"
#endif

/* Key of kmesh_perf_map keyed by thread: one pending start per thread and operation type. */
struct kmesh_perf_key {
	__u32 tid;
	__u32 operation_type;
};

/* Key of kmesh_perf_map keyed by socket, upstream Kmesh's operation_usage_key. The padding is a
 * named field so that every key is fully written: hash keys are compared bytewise. */
struct kmesh_perf_sock_key {
	__u64 socket_cookie;
	__u32 operation_type;
	__u32 pad;
};

/* Value of kmesh_perf_map keyed by thread: the seed's operation_usage_data. Starts with the start
 * time, which is all user space reads (to sweep starts whose end never came). Keyed by socket, the
 * value is struct kmesh_perf_record, as upstream's. */
struct kmesh_perf_value {
	__u64 start_ns;
	__u64 end_ns;
	__u32 operation_type;
	__u32 pad;
};

/* Ring-buffer record, the layout of Kmesh upstream's operation_usage_data (32 bytes); also the
 * value of the start map keyed by socket. */
struct kmesh_perf_record {
	__u64 start_ns;
	__u64 end_ns;
	__u64 pid_tgid;
	__u32 operation_type;
	__u32 pad;
};

/* Value of kmesh_perf_slot[op % KMESH_PERF_SLOT_TYPES], per CPU: a start of Kmesh's call sites
 * waiting for its end in the same program run (socket key only). */
struct kmesh_perf_slot {
	__u64 start_ns;
	__u64 socket_cookie;
	__u32 operation_type;
	__u32 check;		/* 0: free; else kmesh_perf_slot_check() of the three above */
};

#define KMESH_PERF_SLOT_TYPES 8

/* Slots of the per-CPU counter array kmesh_perf_cnt. */
enum kmesh_perf_counter {
	KMESH_PERF_CNT_DROPPED = 0,
	KMESH_PERF_CNT_END_WITHOUT_START = 1,
	KMESH_PERF_CNT_SLOTS = 4,
};

/* What a probe call did. */
enum kmesh_perf_result {
	KMESH_PERF_RECORDED = 0,	/* a ring record was written (a start: was stored) */
	KMESH_PERF_COUNTED = 1,		/* the histogram counted it (HISTOGRAM mode) */
	KMESH_PERF_SKIPPED = 2,		/* the type is OFF: nothing was done */
	KMESH_PERF_DROPPED = -1,	/* the ring was full; counted in KMESH_PERF_CNT_DROPPED */
	KMESH_PERF_NO_START = -2,	/* an end without a start; counted in KMESH_PERF_CNT_END_WITHOUT_START */
};

#define KMESH_PERF_MODE_TYPES 32
#define KMESH_PERF_HIST_TYPES KMESH_PERF_MODE_TYPES
#define KMESH_PERF_HIST_BUCKETS 336
#define KMESH_PERF_HIST_SUB_BITS 3
#define KMESH_PERF_HIST_MAX_EXP 43

/* Values of kmesh_perf_mode[op]: net.kmesh.perf.OperationMode.kernelValue(). */
enum kmesh_perf_mode {
	KMESH_PERF_MODE_RECORD = 0,
	KMESH_PERF_MODE_HISTOGRAM = 1,
	KMESH_PERF_MODE_OFF = 2,
};

/* Value of kmesh_perf_hist[op], per CPU. The count is the sum of the buckets. max_ns is updated
 * without atomics and may miss a maximum that two preempting programs on one CPU record at once;
 * the buckets never miss. */
struct kmesh_perf_hist {
	__u64 sum_ns;
	__u64 max_ns;
	__u64 buckets[KMESH_PERF_HIST_BUCKETS];
};

/* Java reads these layouts (net.kmesh.perf.bpf.probe.ProbeLayout; ProbeLayoutKernelTest compares
 * it with the BTF of the compiled objects). */
_Static_assert(sizeof(struct kmesh_perf_record) == 32, "upstream Kmesh's record is 32 bytes");
_Static_assert(__builtin_offsetof(struct kmesh_perf_record, pid_tgid) == 16, "record pid_tgid");
_Static_assert(__builtin_offsetof(struct kmesh_perf_record, operation_type) == 24, "record type");
_Static_assert(sizeof(struct kmesh_perf_key) == 8, "thread key");
_Static_assert(sizeof(struct kmesh_perf_sock_key) == 16, "upstream Kmesh's socket key is 16 bytes");
_Static_assert(__builtin_offsetof(struct kmesh_perf_sock_key, operation_type) == 8, "socket key type");
_Static_assert(__builtin_offsetof(struct kmesh_perf_value, start_ns) == 0, "a start value begins with start_ns");
_Static_assert(__builtin_offsetof(struct kmesh_perf_record, start_ns) == 0, "a start value begins with start_ns");
_Static_assert(sizeof(struct kmesh_perf_slot) == 24, "slot value");
_Static_assert((KMESH_PERF_SLOT_TYPES & (KMESH_PERF_SLOT_TYPES - 1)) == 0, "slots: a power of two");
_Static_assert(sizeof(struct kmesh_perf_hist) == 16 + 8 * KMESH_PERF_HIST_BUCKETS, "histogram value");
_Static_assert(KMESH_PERF_HIST_BUCKETS == (1 << KMESH_PERF_HIST_SUB_BITS)
	       * (KMESH_PERF_HIST_MAX_EXP - KMESH_PERF_HIST_SUB_BITS + 2), "buckets cover exponents 3..43");

#if KMESH_PERF_START_KEY == KMESH_PERF_KEY_SOCKET
#define KMESH_PERF_MAP_KEY struct kmesh_perf_sock_key
/* Upstream's key and value (its record layout), in an LRU hash of 4,096 rather than upstream's
 * hash of 131,072 without preallocation, for two reasons:
 * - a start whose end never comes (Kmesh's traffic control returns early on every connect to an
 *   address that is not a frontend) is evicted by newer starts; in upstream's map it stays for
 *   good, and once 131,072 have piled up every start fails and durations stop;
 * - 131,072 entries are 131,072 buckets of 16 bytes (2 MiB), and every new socket's start lands
 *   in a bucket of its own, mostly out of the cache: 1.2 to 1.5 times the seed's thread-keyed
 *   map per operation, where 4,096 (a 64 KiB bucket array) costs 1.05 to 1.08 times it
 *   (ProbeOverheadBenchmark: the sock variants in cookieBesideSeed, cookieUpstreamMap). Kmesh's
 *   own call sites reach the map only for a start whose end never came (kmesh_perf_run_start).
 * A start and its end in Kmesh run within one program run, so starts in flight are a handful per
 * CPU (with Kmesh's call sites they wait in the slot, not here): what the map holds is mostly
 * starts whose end never came, and a start in flight evicted anyway ends counted as an end without
 * a start (KMESH_PERF_CNT_END_WITHOUT_START), never silently. Kmesh's restart
 * recreates a pinned map whose type or size changed (pkg/bpf/restart), so its old 131,072-entry
 * pin is replaced, not reused. Upstream's exact map: -DKMESH_PERF_MAP_TYPE=BPF_MAP_TYPE_HASH
 * -DKMESH_PERF_MAP_FLAGS=BPF_F_NO_PREALLOC -DKMESH_PERF_MAP_ENTRIES=131072. */
#define KMESH_PERF_MAP_VALUE struct kmesh_perf_record
#ifndef KMESH_PERF_MAP_TYPE
#define KMESH_PERF_MAP_TYPE BPF_MAP_TYPE_LRU_HASH
#endif
#ifndef KMESH_PERF_MAP_FLAGS
#define KMESH_PERF_MAP_FLAGS 0
#endif
#ifndef KMESH_PERF_MAP_ENTRIES
#define KMESH_PERF_MAP_ENTRIES 4096
#endif
#else
#define KMESH_PERF_MAP_KEY struct kmesh_perf_key
#define KMESH_PERF_MAP_VALUE struct kmesh_perf_value
/* LRU: a start whose end never comes (its thread died) cannot make the map refuse new starts. */
#ifndef KMESH_PERF_MAP_TYPE
#define KMESH_PERF_MAP_TYPE BPF_MAP_TYPE_LRU_HASH
#endif
#ifndef KMESH_PERF_MAP_FLAGS
#define KMESH_PERF_MAP_FLAGS 0
#endif
#ifndef KMESH_PERF_MAP_ENTRIES
#define KMESH_PERF_MAP_ENTRIES 1024
#endif
#endif

/* A power of two multiple of the page; user space may resize it before load. */
#ifndef KMESH_PERF_RINGBUF_SIZE
#define KMESH_PERF_RINGBUF_SIZE (256 * 1024)
#endif

struct {
	__uint(type, KMESH_PERF_MAP_TYPE);
	__type(key, KMESH_PERF_MAP_KEY);
	__type(value, KMESH_PERF_MAP_VALUE);
	__uint(map_flags, KMESH_PERF_MAP_FLAGS);
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

/* A plain array: the verifier inlines its lookups into a bounds check and an address. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, KMESH_PERF_MODE_TYPES);
} kmesh_perf_mode SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct kmesh_perf_hist);
	__uint(max_entries, KMESH_PERF_HIST_TYPES);
} kmesh_perf_hist SEC(".maps");

/*
 * 0 when ctx is the context of a program type that may not call bpf_get_current_pid_tgid() on
 * kernels before 6.10 (or runs in no task at all), 1 otherwise; an integer constant expression.
 * The list errs on the side of 0: cgroup sysctl, sockopt and device programs got the helper late.
 */
#define kmesh_perf_ctx_is_(ctx, type) __builtin_types_compatible_p(__typeof__(*(ctx)), type)
#define KMESH_PERF_CTX_HAS_TASK(ctx)						\
	(!(kmesh_perf_ctx_is_(ctx, struct xdp_md) ||				\
	   kmesh_perf_ctx_is_(ctx, struct __sk_buff) ||				\
	   kmesh_perf_ctx_is_(ctx, struct bpf_sock_ops) ||			\
	   kmesh_perf_ctx_is_(ctx, struct sk_reuseport_md) ||			\
	   kmesh_perf_ctx_is_(ctx, struct bpf_sk_lookup) ||			\
	   kmesh_perf_ctx_is_(ctx, struct bpf_sysctl) ||			\
	   kmesh_perf_ctx_is_(ctx, struct bpf_sockopt) ||			\
	   kmesh_perf_ctx_is_(ctx, struct bpf_cgroup_dev_ctx)))

static __always_inline void kmesh_perf_count(__u32 slot)
{
	__u64 *counter = bpf_map_lookup_elem(&kmesh_perf_cnt, &slot);

	/* Per CPU, but a program interrupted by an NMI-context program on the same CPU could
	 * interleave with it, so the add is atomic. It only runs on the failure paths. */
	if (counter)
		__sync_fetch_and_add(counter, 1);
}

/* The mode of operation_type: one lookup, inlined by the verifier. */
static __always_inline __u32 kmesh_perf_mode_of(__u32 operation_type)
{
	__u32 *mode;

	if (operation_type >= KMESH_PERF_MODE_TYPES)
		return KMESH_PERF_MODE_RECORD;
	mode = bpf_map_lookup_elem(&kmesh_perf_mode, &operation_type);
	return mode ? *mode : KMESH_PERF_MODE_RECORD;
}

static __always_inline int kmesh_perf_emit_(__u32 operation_type, __u64 start_ns, __u64 end_ns, __u64 pid_tgid)
{
	struct kmesh_perf_record *record;

	record = bpf_ringbuf_reserve(&kmesh_perf_info, sizeof(*record), 0);
	if (!record) {
		kmesh_perf_count(KMESH_PERF_CNT_DROPPED);
		return KMESH_PERF_DROPPED;
	}
	record->start_ns = start_ns;
	record->end_ns = end_ns;
	record->pid_tgid = pid_tgid;
	record->operation_type = operation_type;
	record->pad = 0;
	bpf_ringbuf_submit(record, 0);
	return KMESH_PERF_RECORDED;
}

/* Bucket of ns. Buckets include their upper bound, as a Prometheus le does: bucket(ns) is the
 * half-open log-linear bucket of ns - 1 (values up to 8 have one each, then 8 sub-buckets per power
 * of two), the same function as net.kmesh.perf.DurationHistogram.bucketIndex. */
static __always_inline __u64 kmesh_perf_bucket(__u64 ns)
{
	__u64 v = ns ? ns - 1 : 0;
	__u64 x = v;
	__u64 exp = 0;
	__u64 step;

	if (v < (1 << KMESH_PERF_HIST_SUB_BITS))
		return (__u32)v;
	/* floor(log2(v)) by halving, without a branch per step: BPF has no count-leading-zeros
	 * instruction, and every branch here is a path the verifier walks at every call site.
	 * ((x >> k) + 2^k - 1) >> k is 1 when x >> k is not 0 (x < 2^2k), else 0. */
	step = (((x >> 32) + 0xFFFFFFFFULL) >> 32) << 5; x >>= step; exp += step;
	step = (((x >> 16) + 0xFFFFULL) >> 16) << 4; x >>= step; exp += step;
	step = (((x >> 8) + 0xFFULL) >> 8) << 3; x >>= step; exp += step;
	step = (((x >> 4) + 0xFULL) >> 4) << 2; x >>= step; exp += step;
	step = (((x >> 2) + 0x3ULL) >> 2) << 1; x >>= step; exp += step;
	exp += x >> 1;
	if (exp > KMESH_PERF_HIST_MAX_EXP)
		return KMESH_PERF_HIST_BUCKETS - 1;
	return (1 << KMESH_PERF_HIST_SUB_BITS) + (exp - KMESH_PERF_HIST_SUB_BITS) * (1 << KMESH_PERF_HIST_SUB_BITS)
		+ ((v >> (exp - KMESH_PERF_HIST_SUB_BITS)) & ((1 << KMESH_PERF_HIST_SUB_BITS) - 1));
}

static __always_inline void kmesh_perf_hist_add(__u32 operation_type, __u64 ns)
{
	struct kmesh_perf_hist *h = bpf_map_lookup_elem(&kmesh_perf_hist, &operation_type);
	__u64 bucket = kmesh_perf_bucket(ns);

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
 * Accounts for one timed operation in mode (not OFF). The record's pid_tgid is the current task's
 * when read_task, else pid_tgid; read_task is a constant at every call site, so the helper call is
 * compiled out where it is refused.
 */
static __always_inline int kmesh_perf_account_(__u32 operation_type, __u32 mode, __u64 start_ns, __u64 end_ns,
					       __u64 pid_tgid, int read_task)
{
	if (mode == KMESH_PERF_MODE_HISTOGRAM) {
		kmesh_perf_hist_add(operation_type, end_ns - start_ns);
		return KMESH_PERF_COUNTED;
	}
	return kmesh_perf_emit_(operation_type, start_ns, end_ns, read_task ? bpf_get_current_pid_tgid() : pid_tgid);
}

/* Accounts for an operation timed elsewhere, as its type's mode says; process context. */
static __always_inline int kmesh_perf_finish(__u32 operation_type, __u64 start_ns, __u64 end_ns)
{
	__u32 mode = kmesh_perf_mode_of(operation_type);

	if (mode == KMESH_PERF_MODE_OFF)
		return KMESH_PERF_SKIPPED;
	return kmesh_perf_account_(operation_type, mode, start_ns, end_ns, 0, 1);
}

/* ---- Scoped: start and end in one invocation, the start on the stack. ---- */

struct kmesh_perf_scope {
	__u64 start_ns;
	__u32 operation_type;
	__u32 mode;
};

static __always_inline struct kmesh_perf_scope kmesh_perf_scope_begin(__u32 operation_type)
{
	struct kmesh_perf_scope scope = {
		.operation_type = operation_type,
		.mode = kmesh_perf_mode_of(operation_type),
	};

	if (scope.mode != KMESH_PERF_MODE_OFF)
		scope.start_ns = bpf_ktime_get_ns();
	return scope;
}

static __always_inline int kmesh_perf_scope_end_(const struct kmesh_perf_scope *scope, int read_task)
{
	if (scope->mode == KMESH_PERF_MODE_OFF)
		return KMESH_PERF_SKIPPED;
	return kmesh_perf_account_(scope->operation_type, scope->mode, scope->start_ns, bpf_ktime_get_ns(), 0,
				   read_task);
}

/* Returns an enum kmesh_perf_result. The record's pid_tgid is the current task's. */
#define kmesh_perf_scope_end(scope) kmesh_perf_scope_end_((scope), 1)
/* As kmesh_perf_scope_end, in any program type: pid_tgid as KMESH_PERF_CTX_HAS_TASK(ctx) says. */
#define kmesh_perf_scope_end_ctx(scope, ctx) kmesh_perf_scope_end_((scope), KMESH_PERF_CTX_HAS_TASK(ctx))

#if KMESH_PERF_START_KEY == KMESH_PERF_KEY_THREAD

/* ---- Keyed by thread: the seed's design. ---- */

/* Returns KMESH_PERF_RECORDED when the start was stored, KMESH_PERF_SKIPPED when OFF. */
static __always_inline int kmesh_perf_start(__u32 operation_type)
{
	struct kmesh_perf_key key = { .operation_type = operation_type };
	struct kmesh_perf_value value = { .operation_type = operation_type };

	if (kmesh_perf_mode_of(operation_type) == KMESH_PERF_MODE_OFF)
		return KMESH_PERF_SKIPPED;
	key.tid = (__u32)bpf_get_current_pid_tgid();
	value.start_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&kmesh_perf_map, &key, &value, BPF_ANY);
	return KMESH_PERF_RECORDED;
}

/* Returns an enum kmesh_perf_result. */
static __always_inline int kmesh_perf_end(__u32 operation_type)
{
	__u32 mode = kmesh_perf_mode_of(operation_type);
	struct kmesh_perf_key key = { .operation_type = operation_type };
	struct kmesh_perf_value *value;
	__u64 end_ns, pid_tgid;
	int ret;

	if (mode == KMESH_PERF_MODE_OFF)
		return KMESH_PERF_SKIPPED;
	/* Stamp first: the lookup below is part of the probe's cost, not of the operation. */
	end_ns = bpf_ktime_get_ns();
	pid_tgid = bpf_get_current_pid_tgid();
	key.tid = (__u32)pid_tgid;
	value = bpf_map_lookup_elem(&kmesh_perf_map, &key);
	if (!value) {
		kmesh_perf_count(KMESH_PERF_CNT_END_WITHOUT_START);
		return KMESH_PERF_NO_START;
	}
	ret = kmesh_perf_account_(operation_type, mode, value->start_ns, end_ns, pid_tgid, 0);
	bpf_map_delete_elem(&kmesh_perf_map, &key);
	return ret;
}

#define KMESH_PERF_START(op) kmesh_perf_start(op)
#define KMESH_PERF_END(op) kmesh_perf_end(op)

#else

#define KMESH_PERF_START(op) \
	({ _Static_assert(0, "KMESH_PERF_START needs KMESH_PERF_START_KEY == KMESH_PERF_KEY_THREAD"); 0; })
#define KMESH_PERF_END(op) \
	({ _Static_assert(0, "KMESH_PERF_END needs KMESH_PERF_START_KEY == KMESH_PERF_KEY_THREAD"); 0; })

#endif

#if KMESH_PERF_START_KEY == KMESH_PERF_KEY_SOCKET

/* ---- Keyed by socket: Kmesh's call shape. ---- */

/* Stores start_ns under {cookie, op}. */
static __always_inline void kmesh_perf_cookie_store_(__u32 operation_type, __u64 cookie, __u64 start_ns)
{
	struct kmesh_perf_sock_key key = {
		.socket_cookie = cookie,
		.operation_type = operation_type,
	};
	struct kmesh_perf_record value = {
		.start_ns = start_ns,
		.operation_type = operation_type,
	};

	bpf_map_update_elem(&kmesh_perf_map, &key, &value, BPF_ANY);
}

/* Stores a start under {cookie, op}; the mode was checked by the caller. */
static __always_inline int kmesh_perf_cookie_start_(__u32 operation_type, __u64 cookie)
{
	kmesh_perf_cookie_store_(operation_type, cookie, bpf_ktime_get_ns());
	return KMESH_PERF_RECORDED;
}

static __always_inline int kmesh_perf_cookie_end_(__u32 operation_type, __u32 mode, __u64 cookie, int read_task)
{
	/* Stamp first: the lookup below is part of the probe's cost, not of the operation. */
	__u64 end_ns = bpf_ktime_get_ns();
	struct kmesh_perf_sock_key key = {
		.socket_cookie = cookie,
		.operation_type = operation_type,
	};
	struct kmesh_perf_record *value;
	int ret;

	value = bpf_map_lookup_elem(&kmesh_perf_map, &key);
	if (!value) {
		kmesh_perf_count(KMESH_PERF_CNT_END_WITHOUT_START);
		return KMESH_PERF_NO_START;
	}
	ret = kmesh_perf_account_(operation_type, mode, value->start_ns, end_ns, 0, read_task);
	bpf_map_delete_elem(&kmesh_perf_map, &key);
	return ret;
}

/* Starts operation_type on an identifier of the caller's choosing (a cookie read elsewhere). */
static __always_inline int kmesh_perf_cookie_start(__u32 operation_type, __u64 cookie)
{
	if (kmesh_perf_mode_of(operation_type) == KMESH_PERF_MODE_OFF)
		return KMESH_PERF_SKIPPED;
	return kmesh_perf_cookie_start_(operation_type, cookie);
}

/* Ends it; process context (the record's pid_tgid is the current task's). */
static __always_inline int kmesh_perf_cookie_end(__u32 operation_type, __u64 cookie)
{
	__u32 mode = kmesh_perf_mode_of(operation_type);

	if (mode == KMESH_PERF_MODE_OFF)
		return KMESH_PERF_SKIPPED;
	return kmesh_perf_cookie_end_(operation_type, mode, cookie, 1);
}

static __always_inline int kmesh_perf_sock_start_(__u32 operation_type, void *ctx)
{
	if (kmesh_perf_mode_of(operation_type) == KMESH_PERF_MODE_OFF)
		return KMESH_PERF_SKIPPED;
	return kmesh_perf_cookie_start_(operation_type, bpf_get_socket_cookie(ctx));
}

static __always_inline int kmesh_perf_sock_end_(__u32 operation_type, void *ctx, int read_task)
{
	__u32 mode = kmesh_perf_mode_of(operation_type);

	if (mode == KMESH_PERF_MODE_OFF)
		return KMESH_PERF_SKIPPED;
	return kmesh_perf_cookie_end_(operation_type, mode, bpf_get_socket_cookie(ctx), read_task);
}

/*
 * ---- Keyed by socket, start and end in one program run: Kmesh's own call sites. ----
 *
 * Kmesh starts SOCK_TRAFFIC_CONTROL at the top of its connect program and ends it before that
 * program returns. A program runs on one CPU from start to end (migration is disabled), so the
 * start need not go through the shared start map: it waits in this CPU's slot for its type,
 * kmesh_perf_slot[op % KMESH_PERF_SLOT_TYPES], beside the cookie it belongs to, and the end finds
 * it there. Per operation that is two inlined per-CPU array lookups instead of a hash insert,
 * lookup and delete in a bucket of its own for every new socket.
 *
 * Nothing is lost to the slot being one: a start that finds its slot taken moves the occupant into
 * kmesh_perf_map under the occupant's {cookie, op} (a start whose end never came, as Kmesh's traffic
 * control leaves on every connect to an address that is not a frontend; or one in flight, whose
 * program was preempted on this CPU by another of the same type), and an end that finds another
 * cookie in the slot looks in kmesh_perf_map, as the sock variants do. So a start without an end
 * reaches the start map one start later than the sock variants put it there (user space sees at
 * most one such start per CPU and slot fewer), and an end without a start is counted as always.
 * A start and its end in different program runs (connect, then sockops on another CPU) need the
 * sock variants above.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct kmesh_perf_slot);
	__uint(max_entries, KMESH_PERF_SLOT_TYPES);
} kmesh_perf_slot SEC(".maps");

/*
 * The slot is per CPU but not locked: on a preemptible kernel a program preempted while it writes
 * or clears the slot may meet another of its type there, and the slot may hold fields of both.
 * The start also writes check, a mix of the three fields it wrote, and a start or end trusts the
 * slot only when check matches its fields, whatever order the four stores land in: a torn slot
 * is never taken for a start (the end then looks in kmesh_perf_map and counts an end without a
 * start), so no duration pairs one operation's start with another's end.
 */
static __always_inline __u32 kmesh_perf_slot_check(__u64 start_ns, __u64 cookie, __u32 operation_type)
{
	__u64 h = start_ns ^ (cookie * 0x9E3779B97F4A7C15ULL) ^ ((__u64)operation_type << 32);

	return (__u32)(h ^ (h >> 32)) | 1;
}

static __always_inline int kmesh_perf_run_start(__u32 operation_type, __u64 cookie)
{
	__u32 index = operation_type & (KMESH_PERF_SLOT_TYPES - 1);
	struct kmesh_perf_slot *slot;
	__u64 start_ns, held_ns, held_cookie;
	__u32 held_type;

	if (kmesh_perf_mode_of(operation_type) == KMESH_PERF_MODE_OFF)
		return KMESH_PERF_SKIPPED;
	slot = bpf_map_lookup_elem(&kmesh_perf_slot, &index);
	if (!slot)
		return kmesh_perf_cookie_start_(operation_type, cookie);
	held_ns = slot->start_ns;
	held_cookie = slot->socket_cookie;
	held_type = slot->operation_type;
	/* A free slot's check is 0, which no check equals. A start of this socket's own that never
	 * ended is replaced, as the start map replaces it. */
	if (slot->check == kmesh_perf_slot_check(held_ns, held_cookie, held_type)
	    && (held_cookie != cookie || held_type != operation_type))
		kmesh_perf_cookie_store_(held_type, held_cookie, held_ns);
	start_ns = bpf_ktime_get_ns();
	slot->start_ns = start_ns;
	slot->socket_cookie = cookie;
	slot->operation_type = operation_type;
	slot->check = kmesh_perf_slot_check(start_ns, cookie, operation_type);
	return KMESH_PERF_RECORDED;
}

static __always_inline int kmesh_perf_run_end_(__u32 operation_type, __u64 cookie, int read_task)
{
	__u32 mode = kmesh_perf_mode_of(operation_type);
	__u32 index = operation_type & (KMESH_PERF_SLOT_TYPES - 1);
	struct kmesh_perf_sock_key key = {
		.socket_cookie = cookie,
		.operation_type = operation_type,
	};
	struct kmesh_perf_slot *slot;
	struct kmesh_perf_record *value;
	__u64 end_ns, start_ns = 0;

	if (mode == KMESH_PERF_MODE_OFF)
		return KMESH_PERF_SKIPPED;
	end_ns = bpf_ktime_get_ns();
	slot = bpf_map_lookup_elem(&kmesh_perf_slot, &index);
	if (slot)
		start_ns = slot->start_ns;	/* read once: the start accounted is the start checked */
	if (slot && slot->socket_cookie == cookie && slot->operation_type == operation_type
	    && slot->check == kmesh_perf_slot_check(start_ns, cookie, operation_type)) {
		slot->check = 0;
	} else {
		/* Moved into the map by a start that needed the slot, or started elsewhere. */
		value = bpf_map_lookup_elem(&kmesh_perf_map, &key);
		if (!value) {
			kmesh_perf_count(KMESH_PERF_CNT_END_WITHOUT_START);
			return KMESH_PERF_NO_START;
		}
		start_ns = value->start_ns;
		bpf_map_delete_elem(&kmesh_perf_map, &key);
	}
	/* One accounting for both ways: the verifier walks it once per end. */
	return kmesh_perf_account_(operation_type, mode, start_ns, end_ns, 0, read_task);
}

/* Ends it; process context (the record's pid_tgid is the current task's). */
#define kmesh_perf_run_end(op, cookie) kmesh_perf_run_end_((op), (cookie), 1)

/* The contexts bpf_get_socket_cookie() refuses: xdp has no socket, sk_msg no cookie helper. */
#define KMESH_PERF_ASSERT_COOKIE_(ctx)								\
	_Static_assert(!kmesh_perf_ctx_is_(ctx, struct xdp_md) && !kmesh_perf_ctx_is_(ctx, struct sk_msg_md),	\
		       "no socket cookie in this program type: use kmesh_perf_scope_begin/_end_ctx")

/* Both return an enum kmesh_perf_result; ctx is the program's context. */
#define kmesh_perf_sock_start(op, ctx) \
	({ KMESH_PERF_ASSERT_COOKIE_(ctx); kmesh_perf_sock_start_((op), (ctx)); })
#define kmesh_perf_sock_end(op, ctx) \
	({ KMESH_PERF_ASSERT_COOKIE_(ctx); kmesh_perf_sock_end_((op), (ctx), KMESH_PERF_CTX_HAS_TASK(ctx)); })

#ifdef KMESH_PERF_KMESH_COMPAT
/* Kmesh's names (bpf/kmesh/probes/performance_probe.h), so its call sites compile unchanged. */
enum {
	SOCK_TRAFFIC_CONTROL = KMESH_PERF_SOCK_TRAFFIC_CONTROL,
	XDP_SHUTDOWN = KMESH_PERF_XDP_SHUTDOWN,
	ENABLE_ENCODING_METADATA = KMESH_PERF_ENABLE_ENCODING_METADATA,
};
/* Kmesh starts and ends an operation in one program run: the start waits in this CPU's slot. */
#define observe_on_operation_start(op, kmesh_ctx)						\
	({ KMESH_PERF_ASSERT_COOKIE_((kmesh_ctx)->ctx);						\
	   (void)kmesh_perf_run_start((op), bpf_get_socket_cookie((kmesh_ctx)->ctx)); })
#define observe_on_operation_end(op, kmesh_ctx)							\
	({ KMESH_PERF_ASSERT_COOKIE_((kmesh_ctx)->ctx);						\
	   (void)kmesh_perf_run_end_((op), bpf_get_socket_cookie((kmesh_ctx)->ctx),		\
				     KMESH_PERF_CTX_HAS_TASK((kmesh_ctx)->ctx)); })
#endif

#else

#define kmesh_perf_sock_start(op, ctx) \
	({ _Static_assert(0, "kmesh_perf_sock_start needs KMESH_PERF_START_KEY == KMESH_PERF_KEY_SOCKET"); 0; })
#define kmesh_perf_sock_end(op, ctx) \
	({ _Static_assert(0, "kmesh_perf_sock_end needs KMESH_PERF_START_KEY == KMESH_PERF_KEY_SOCKET"); 0; })

#endif

#endif /* KMESH_PERF_H */
