// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A stand-in for a running Kmesh, used by tests only: it owns a ring buffer named kmesh_perf_info
 * (which the test pins) and writes records of any size into it, the 32-byte upstream layout, the
 * 24-byte seed layout, or malformed sizes, so that the reader can be tested on an existing ring
 * buffer that kmesh-perf did not load.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} kmesh_perf_info SEC(".maps");

/* Context of fake_kmesh_emit. Records are the upstream layout cut or padded to record_size. */
struct fake_kmesh_args {
	__u64 start_ns;
	__u64 duration_ns;
	__u32 operation_type;
	__u32 record_size;	/* at most 64 */
	__u32 count;		/* at most 4096 */
	__u32 emitted;		/* out */
};

struct fake_record {
	__u64 start_ns;
	__u64 end_ns;
	__u64 pid_tgid;
	__u32 operation_type;
	__u32 pad;
	__u64 tail[4];
};

struct emit_state {
	struct fake_kmesh_args *args;
	struct fake_record record;
	__u32 emitted;
};

static long emit_one(__u32 i, void *data)
{
	struct emit_state *st = data;
	struct fake_kmesh_args *args = st->args;
	__u32 size = args->record_size;

	st->record.start_ns = args->start_ns + i;
	st->record.end_ns = st->record.start_ns + args->duration_ns;
	if (size == 24) {
		/* The seed's layout has operation_type right after end_ns. */
		struct { __u64 start_ns, end_ns; __u32 operation_type, pad; } seed = {
			st->record.start_ns, st->record.end_ns, st->record.operation_type, 0,
		};
		if (bpf_ringbuf_output(&kmesh_perf_info, &seed, sizeof(seed), 0) == 0)
			st->emitted++;
	} else if (size <= sizeof(st->record) &&
		   bpf_ringbuf_output(&kmesh_perf_info, &st->record, size, 0) == 0) {
		st->emitted++;
	}
	return 0;
}

SEC("syscall")
int fake_kmesh_emit(struct fake_kmesh_args *ctx)
{
	struct emit_state st = { .args = ctx };

	if (ctx->record_size > sizeof(st.record) || ctx->count > 4096)
		return -1;
	st.record.pid_tgid = bpf_get_current_pid_tgid();
	st.record.operation_type = ctx->operation_type;
	bpf_loop(ctx->count, emit_one, &st, 0);
	ctx->emitted = st.emitted;
	return 0;
}
