// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Runs the probe's bucket function on values a test chooses, so that the test can check that the
 * kernel and user space put every duration in the same bucket. Tests only.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "kmesh_perf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct probe_math_args {
	__u64 values[64];
	__u32 buckets[64];
};

SEC("syscall")
int probe_math_buckets(struct probe_math_args *ctx)
{
	/* Unrolled: the verifier only allows constant offsets into the context. */
#pragma unroll
	for (int i = 0; i < 64; i++)
		ctx->buckets[i] = kmesh_perf_bucket(ctx->values[i]);
	return 0;
}
