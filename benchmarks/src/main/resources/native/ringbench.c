// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The C baseline of RingBufferDrainBenchmark: libbpf's own ring_buffer__consume() over the same
 * pre-filled ring the Java reader drains, its callback doing the same work as the Java side's
 * summing handler. The benchmark compiles this file with gcc at setup; it needs only libbpf.so.1.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The three libbpf 1.x functions used, declared here so that no libbpf headers are needed. */
struct ring_buffer;
typedef int (*ring_buffer_sample_fn)(void *ctx, void *data, size_t size);
struct ring_buffer *ring_buffer__new(int map_fd, ring_buffer_sample_fn sample_cb, void *ctx, const void *opts);
int ring_buffer__consume(struct ring_buffer *rb);
void ring_buffer__free(struct ring_buffer *rb);

struct kp_bench {
	struct ring_buffer *rb;
	uint64_t *consumer_pos;
	size_t page;
	uint64_t sum;
	uint64_t count;
};

static int on_sample(void *ctx, void *data, size_t size)
{
	struct kp_bench *b = ctx;
	const uint64_t *words = data;

	if (size == 32 && words[1] >= words[0]) {
		b->sum += words[1] - words[0];
		b->count++;
	}
	return 0;
}

struct kp_bench *kp_bench_open(int map_fd)
{
	struct kp_bench *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->page = (size_t)sysconf(_SC_PAGESIZE);
	/* A mapping of our own of the consumer page, to rewind between runs. */
	b->consumer_pos = mmap(NULL, b->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (b->consumer_pos == MAP_FAILED) {
		free(b);
		return NULL;
	}
	b->rb = ring_buffer__new(map_fd, on_sample, b, NULL);
	if (!b->rb) {
		munmap(b->consumer_pos, b->page);
		free(b);
		return NULL;
	}
	return b;
}

/* Rewinds the consumer position to rewind_to, then consumes every record; returns how many. */
long kp_bench_drain(struct kp_bench *b, uint64_t rewind_to)
{
	__atomic_store_n(b->consumer_pos, rewind_to, __ATOMIC_RELEASE);
	b->count = 0;
	ring_buffer__consume(b->rb);
	return (long)b->count;
}

uint64_t kp_bench_sum(struct kp_bench *b)
{
	return b->sum;
}

void kp_bench_close(struct kp_bench *b)
{
	ring_buffer__free(b->rb);
	munmap(b->consumer_pos, b->page);
	free(b);
}
