// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The map iterator as a kernel without bpf_map_sum_elem_count (before Linux 6.6) loads it: the
 * kfunc is renamed to one no kernel has, so the weak symbol stays unresolved. Tests use it to show
 * that the object still loads, says so in every record, and that user space falls back.
 */
#define bpf_map_sum_elem_count kp_absent_elem_count
#include "../maps/kmesh_perf_maps.bpf.c"
