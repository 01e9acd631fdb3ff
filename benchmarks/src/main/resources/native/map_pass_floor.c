// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The kernel's share of a map-statistics scrape, without the JVM: creates maps like
 * MapScrapeBenchmark's (hash, 4-byte keys, 8-byte values, 64 entries, BPF_F_NO_PREALLOC, m % 8
 * entries each), pinned under /sys/fs/bpf/kp_map_pass_floor and their fds closed, first FIRST of
 * them, then up to SECOND; at each size it loads nothing more but times 200 passes (after 20) of the
 * iterator program ITER_OBJ (its program kp_map_stats) read to the end in 64 KiB reads, and prints
 * the median with the 10th and 90th percentiles. Run as root; the pins are removed at the end.
 *   gcc -O2 -o map_pass_floor map_pass_floor.c -lbpf
 *   ./map_pass_floor 5000 20000 kmesh-perf-bpf/src/main/resources/net/kmesh/perf/bpf/kmesh_perf_maps.bpf.o
 * A pass that writes only each map's id is the same program with its body cut to `record.id =
 * map->id;` and the bpf_seq_write (build it from bpf/maps/kmesh_perf_maps.bpf.c with the Makefile's
 * CFLAGS): the kernel's walk alone.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>

#define PASSES 200
#define DIR "/sys/fs/bpf/kp_map_pass_floor"

static char buf[1 << 16];

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pass(struct bpf_link *link) {
    double t = now_ms();
    int fd = bpf_iter_create(bpf_link__fd(link));
    if (fd < 0) {
        perror("bpf_iter_create");
        exit(1);
    }
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
    close(fd);
    return now_ms() - t;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s FIRST SECOND ITER_OBJ\n", argv[0]);
        return 2;
    }
    int sizes[2] = {atoi(argv[1]), atoi(argv[2])};
    struct bpf_object *obj = bpf_object__open_file(argv[3], NULL);
    if (!obj || bpf_object__load(obj)) {
        perror("loading the iterator");
        return 1;
    }
    struct bpf_link *link = bpf_program__attach_iter(bpf_object__find_program_by_name(obj, "kp_map_stats"), NULL);
    if (!link) {
        perror("attaching the iterator");
        return 1;
    }
    if (mkdir(DIR, 0700) && errno != EEXIST) {
        perror(DIR);
        return 1;
    }
    LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
    int keys[64];
    long values[64] = {0};
    for (int i = 0; i < 64; i++)
        keys[i] = i;
    int made = 0;
    for (int s = 0; s < 2; s++) {
        for (; made < sizes[s]; made++) {
            char name[16], path[64];
            snprintf(name, sizeof(name), "kpf_%d", made);
            int fd = bpf_map_create(BPF_MAP_TYPE_HASH, name, 4, 8, 64, &opts);
            if (fd < 0) {
                perror("bpf_map_create");
                return 1;
            }
            __u32 count = made % 8;
            if (count && bpf_map_update_batch(fd, keys, values, &count, NULL)) {
                perror("bpf_map_update_batch");
                return 1;
            }
            snprintf(path, sizeof(path), DIR "/%d", made);
            if (bpf_obj_pin(fd, path)) {
                perror("bpf_obj_pin");
                return 1;
            }
            close(fd);
        }
        double t[PASSES];
        for (int i = 0; i < 20; i++)
            pass(link);
        for (int i = 0; i < PASSES; i++)
            t[i] = pass(link);
        qsort(t, PASSES, sizeof(double), by_value);
        printf("%d maps: median %.3f ms a pass (p10 %.3f, p90 %.3f)\n", made, t[PASSES / 2], t[PASSES / 10],
               t[PASSES * 9 / 10]);
    }
    for (int i = 0; i < made; i++) {
        char path[64];
        snprintf(path, sizeof(path), DIR "/%d", i);
        unlink(path);
    }
    rmdir(DIR);
    bpf_link__destroy(link);
    bpf_object__close(obj);
    return 0;
}
