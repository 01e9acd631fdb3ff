// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * kp_map_stats: an iter/bpf_map program that writes one struct kp_map_record per BPF map of the
 * system, its entries counted by the kernel's own per-CPU counter (the kfunc
 * bpf_map_sum_elem_count, Linux 6.6, kept by the hash family) instead of walked key by key from
 * user space. User space reads the whole output in one pass: net.kmesh.perf.bpf.maps.
 *
 * The kfunc is weak, so the object loads on older kernels too (Linux 5.8 has iter/bpf_map): the
 * call is then dead code the verifier removes, and every record says KP_MAP_UNCOUNTED.
 *
 * Each record also carries the map's reference counts, so that user space holding an fd to a map
 * can tell when nothing but that fd (and this walk) keeps the map alive, and let it go, and so that
 * it never opens a program array that no fd or pin holds any more (see kmesh_perf_maps.h).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "kmesh_perf_maps.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Only the fields read are defined; CO-RE relocates them against the running kernel. */
struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

struct kp_atomic64 {
	__s64 counter;
} __attribute__((preserve_access_index));

struct bpf_map {
	enum bpf_map_type map_type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
	__u32 id;
	char name[16];
	struct kp_atomic64 refcnt;	/* atomic64_t */
	struct kp_atomic64 usercnt;
	__s64 *elem_count;	/* per-CPU; NULL for maps without a counter (Linux 6.6) */
} __attribute__((preserve_access_index));

struct bpf_iter__bpf_map {
	struct bpf_iter_meta *meta;
	struct bpf_map *map;
} __attribute__((preserve_access_index));

extern __s64 bpf_map_sum_elem_count(const struct bpf_map *map) __ksym __weak;

SEC("iter/bpf_map")
int kp_map_stats(struct bpf_iter__bpf_map *ctx)
{
	struct bpf_map *map = ctx->map;
	struct kp_map_record record = {};
	__u64 counter = 0;

	/* Called once more with no map at the end of the walk. */
	if (!map)
		return 0;
	record.id = map->id;
	record.type = map->map_type;
	record.key_size = map->key_size;
	record.value_size = map->value_size;
	record.max_entries = map->max_entries;
	record.map_flags = map->map_flags;
	bpf_core_read(&record.name, sizeof(record.name), &map->name);
	record.entries = KP_MAP_UNCOUNTED;
	/* The kfunc sums the counter, and says 0 for a map without one: tell the two apart. */
	if (bpf_core_field_exists(map->elem_count))
		bpf_core_read(&counter, sizeof(counter), &map->elem_count);
	if (counter)
		record.flags |= KP_MAP_F_COUNTER;
	if (bpf_map_sum_elem_count) {
		record.flags |= KP_MAP_F_KFUNC;
		if (counter)
			record.entries = bpf_map_sum_elem_count(map);
	}
	/* The walk holds one reference to the map it shows (bpf_map_seq_next drops it afterwards). */
	if (bpf_core_field_exists(map->refcnt) && bpf_core_field_exists(map->usercnt)) {
		record.refcnt = map->refcnt.counter;
		record.usercnt = map->usercnt.counter;
		record.flags |= KP_MAP_F_REFCNT;
	}
	bpf_seq_write(ctx->meta->seq, &record, sizeof(record));
	return 0;
}
