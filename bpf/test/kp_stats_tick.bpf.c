// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The smallest program there is, for the program-statistics tests: BPF_PROG_TEST_RUN runs it
 * once per call, so its run count must rise by exactly the number of calls.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("syscall")
int kp_stats_tick(void *ctx)
{
	return 0;
}
