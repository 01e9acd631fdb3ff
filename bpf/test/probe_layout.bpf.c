// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Puts every struct of kmesh_perf.h that user space reads into this object's BTF (the argument
 * types of a program are emitted; types only used inside inlined code are not), so that
 * ProbeLayoutTest can compare them with net.kmesh.perf.bpf.probe.ProbeLayout, the UAPI info
 * structs the libbpf binding reads at fixed offsets, for InfoLayoutTest, and the map iterator's
 * record, for MapRecordLayoutTest. Never loaded.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "kmesh_perf.h"
#include "../maps/kmesh_perf_maps.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct probe_layout {
	struct kmesh_perf_record record;
	struct kmesh_perf_key thread_key;
	struct kmesh_perf_sock_key socket_key;
	struct kmesh_perf_value value;
	struct kmesh_perf_hist hist;
	struct kmesh_perf_slot slot;
	enum kmesh_perf_mode mode;
	enum kmesh_perf_counter counter;
	struct bpf_prog_info prog_info;
	struct bpf_map_info map_info;
	struct bpf_link_info link_info;
	struct kp_map_record map_record;
};

SEC("syscall")
int probe_layout(struct probe_layout *ctx)
{
	return 0;
}
