// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The anchor of AgentBenchmark: the least a reader of Kmesh's ring can do, libbpf's
 * ring_buffer__poll() (epoll on the ring's fd, woken by the kernel) with a callback that counts
 * 32-byte records. Usage: anchor_reader PIN_PATH; runs until SIGTERM, then prints the count.
 * Compiled with gcc by the benchmark; needs only libbpf.so.1.
 */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ring_buffer;
typedef int (*ring_buffer_sample_fn)(void *ctx, void *data, size_t size);
struct ring_buffer *ring_buffer__new(int map_fd, ring_buffer_sample_fn sample_cb, void *ctx, const void *opts);
int ring_buffer__poll(struct ring_buffer *rb, int timeout_ms);
void ring_buffer__free(struct ring_buffer *rb);
int bpf_obj_get(const char *pathname);

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_sample(void *ctx, void *data, size_t size)
{
	const uint64_t *words = data;

	if (size == 32 && words[1] >= words[0])
		++*(uint64_t *)ctx;
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t count = 0;
	struct ring_buffer *rb;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: anchor_reader PIN_PATH\n");
		return 2;
	}
	fd = bpf_obj_get(argv[1]);
	rb = fd < 0 ? NULL : ring_buffer__new(fd, on_sample, &count, NULL);
	if (!rb) {
		fprintf(stderr, "anchor_reader: cannot read the ring pinned at %s\n", argv[1]);
		return 1;
	}
	signal(SIGTERM, on_term);
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		ring_buffer__poll(rb, 1000);
	ring_buffer__free(rb);
	printf("%llu\n", (unsigned long long)count);
	return 0;
}
