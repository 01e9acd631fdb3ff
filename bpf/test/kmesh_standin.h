/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Shared by kmesh_standin.bpf.c and its Java fixture (net.kmesh.perf.bpf.kmesh.KmeshStandIn). */
#ifndef KMESH_STANDIN_H
#define KMESH_STANDIN_H

/* The slots the stand-in fills at load, as Kmesh fills its tail-call and map-in-map maps. */
#define KM_STANDIN_TAIL_SLOT 0
#define KM_STANDIN_OUTER_SLOT 1
#define KM_STANDIN_MAGLEV_KEY 3

/* Which of the probe's socket-keyed calls km_produce times an operation with. */
enum km_produce_path {
	KM_PATH_SOCK = 0,	/* kmesh_perf_cookie_start/_end: the start in km_perf_map */
	KM_PATH_RUN = 1,	/* kmesh_perf_run_start/_end, as Kmesh's call sites: the start in the CPU's slot */
	KM_PATH_NESTED = 2,	/* KM_PATH_RUN, each operation inside another of the same type on the same
				 * CPU, as a program preempted between its start and end by another */
	KM_PATH_TORN = 3,	/* KM_PATH_RUN with the slot's start changed between start and end, as a
				 * program preempted while it wrote the slot leaves it */
};

/* Context of km_produce, run by BPF_PROG_TEST_RUN. */
struct km_produce_args {
	__u32 operation_type;
	__u32 count;		/* at most 1 << 23 (bpf_loop's limit) */
	__u32 starts_only;	/* 1: starts whose end never comes */
	__u32 path;		/* enum km_produce_path */
	__u64 cookie_base;	/* cookies cookie_base .. cookie_base + count - 1 */
	__u64 recorded;		/* out: ring records written */
	__u64 dropped;		/* out: records lost to a full ring */
	__u64 counted;		/* out: operations counted in the in-kernel histogram */
	__u64 skipped;		/* out: operations of a type that is OFF */
};

_Static_assert(sizeof(struct km_produce_args) == 56, "KmeshStandIn reads this layout");

#endif /* KMESH_STANDIN_H */
