/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Types shared by kmesh_perf_maps.bpf.c and its Java reader (net.kmesh.perf.bpf.maps.MapRecords),
 * and the offsets Java reads from UAPI structs, checked against the headers at every build.
 */
#ifndef KMESH_PERF_MAPS_H
#define KMESH_PERF_MAPS_H

/* kp_map_record.flags */
#define KP_MAP_F_KFUNC		(1U << 0)	/* bpf_map_sum_elem_count resolved on this kernel */
#define KP_MAP_F_COUNTER	(1U << 1)	/* the map keeps an element counter (the hash family) */
#define KP_MAP_F_REFCNT		(1U << 2)	/* refcnt and usercnt hold the map's reference counts */

/* kp_map_record.entries when the map was not counted (flags lack either bit). */
#define KP_MAP_UNCOUNTED	(-1LL)

/*
 * One record per map of the system, in ascending id order, written with bpf_seq_write: the
 * seq_file writes a record whole or not at all. Host byte order. Names are NUL-padded and, at
 * 15 characters, NUL-terminated (BPF_OBJ_NAME_LEN).
 */
struct kp_map_record {
	__u32 id;
	__u32 type;		/* enum bpf_map_type */
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
	__u32 flags;		/* KP_MAP_F_* */
	__u32 pad;
	__s64 entries;		/* bpf_map_sum_elem_count(), or KP_MAP_UNCOUNTED */
	char name[16];
	__s64 refcnt;		/* bpf_map.refcnt during the walk, which holds one itself; 0 without KP_MAP_F_REFCNT */
	__s64 usercnt;		/* bpf_map.usercnt: fds and pins (0: a program array is being emptied) */
};

#define KP_ASSERT_OFFSET(type, field, offset) \
	_Static_assert(__builtin_offsetof(type, field) == (offset), #type "." #field " moved: fix the Java decoder")

_Static_assert(sizeof(struct kp_map_record) == 72, "kp_map_record changed size: fix MapRecords.SIZE");
KP_ASSERT_OFFSET(struct kp_map_record, entries, 32);
KP_ASSERT_OFFSET(struct kp_map_record, name, 40);
KP_ASSERT_OFFSET(struct kp_map_record, refcnt, 56);
KP_ASSERT_OFFSET(struct kp_map_record, usercnt, 64);

/* net.kmesh.perf.bpf.libbpf.ProgInfo */
_Static_assert(sizeof(struct bpf_prog_info) == 232, "bpf_prog_info changed size: fix ProgInfo.SIZE");
KP_ASSERT_OFFSET(struct bpf_prog_info, type, 0);
KP_ASSERT_OFFSET(struct bpf_prog_info, id, 4);
KP_ASSERT_OFFSET(struct bpf_prog_info, name, 64);
KP_ASSERT_OFFSET(struct bpf_prog_info, run_time_ns, 192);
KP_ASSERT_OFFSET(struct bpf_prog_info, run_cnt, 200);
KP_ASSERT_OFFSET(struct bpf_prog_info, recursion_misses, 208);

/* net.kmesh.perf.bpf.libbpf.MapInfo and LinkInfo */
KP_ASSERT_OFFSET(struct bpf_map_info, name, 24);
KP_ASSERT_OFFSET(struct bpf_link_info, id, 4);

#endif /* KMESH_PERF_MAPS_H */
