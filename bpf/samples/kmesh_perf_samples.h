/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Types shared by the bundled sample programs and their Java driver (net.kmesh.perf.bpf.samples). */
#ifndef KMESH_PERF_SAMPLES_H
#define KMESH_PERF_SAMPLES_H

/* Operation type of the sample that spans two programs (sys_enter and sys_exit). */
#define KP_SAMPLE_OP_SYSCALL_SPAN 16

/* Value of kp_sample_cfg[0], written by user space at any time. */
struct kp_sample_config {
	__u32 span_tgid;	/* process whose syscalls are timed; 0 = any */
	__u32 span_tid;		/* thread whose syscalls are timed; 0 = any */
	__s32 span_syscall;	/* syscall number timed; -1 = none */
	__u32 pad;
};

/* Key and value of kmesh_demo_svc: a connect4 "service" rewrite, like Kmesh's. */
struct kp_endpoint {
	__u32 ip4;		/* network byte order */
	__u32 port;		/* network byte order, in the low 16 bits */
};

/* The values are SampleWorkload.Mode's ordinals. */
enum kp_produce_mode {
	KP_PRODUCE_NONE = 0,		/* loop only: the baseline of the overhead benchmark */
	KP_PRODUCE_SEED = 1,		/* KMESH_PERF_START / KMESH_PERF_END through kmesh_perf_map */
	KP_PRODUCE_SCOPED = 2,		/* kmesh_perf_scope_begin / _end, start on the stack */
	KP_PRODUCE_SYNTHETIC = 3,	/* a record with a made-up duration, for demos and tests */
	KP_PRODUCE_CLOCK_READS = 4,	/* two clock reads and nothing else: the floor of any timing probe */
	KP_PRODUCE_ARRAY_LOOKUP = 5,	/* one lookup of the type's mode: what the OFF switch may cost */
};

/* Context of kp_produce, the SEC("syscall") producer run by BPF_PROG_TEST_RUN. */
struct kp_produce_args {
	__u32 operation_type;
	__u32 count;		/* operations, at most 1 << 23 (bpf_loop's limit) */
	__u32 mode;		/* enum kp_produce_mode */
	__u32 synthetic_ns;	/* KP_PRODUCE_SYNTHETIC: durations spread over [n, 2n) */
	__u64 emitted;		/* out: records written */
	__u64 dropped;		/* out: records lost because the ring buffer was full */
	__u64 histogrammed;	/* out: operations counted in the in-kernel histogram */
};

#endif /* KMESH_PERF_SAMPLES_H */
