/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Shared by kmesh_shipped.bpf.c and its Java fixture (net.kmesh.perf.bpf.kmesh.KmeshShipped). */
#ifndef KMESH_SHIPPED_H
#define KMESH_SHIPPED_H

/* Context of km_shipped_run, run by BPF_PROG_TEST_RUN. */
struct km_shipped_args {
	__u32 count;		/* operations, at most 1 << 23 (bpf_loop's limit) */
	__u32 starts_only;	/* 1: starts whose end never comes (a failed traffic control) */
	__u64 cookie_base;	/* socket cookies cookie_base .. cookie_base + count - 1 */
	__u64 start_ns;		/* 0: stamp starts with the clock; else this start time, for aged starts */
	__u64 recorded;		/* out: ring records written */
	__u64 logged;		/* out: failed reserves logged into the log ring */
	__u64 unlogged;		/* out: failed reserves whose log event found no room either */
};

_Static_assert(sizeof(struct km_shipped_args) == 48, "KmeshShipped reads this layout");

#endif /* KMESH_SHIPPED_H */
