// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The C baselines of RingBufferDrainBenchmark: libbpf's own ring_buffer__consume() over the same
 * pre-filled ring the Java reader drains, its callback doing the same work as the Java side's
 * summing handler (kp_bench_drain), or the same work as kmesh-perf's decoder and aggregator
 * (kp_bench_drain_aggregate). The benchmark compiles this file with gcc at setup; it needs only
 * libbpf.so.1.
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

/* DurationHistogram's layout: 8 buckets below 8 ns, then 8 per power of two up to 2^43. */
#define KP_SUB_BITS 3
#define KP_SUB (1 << KP_SUB_BITS)
#define KP_MAX_EXP 43
#define KP_BUCKETS (KP_SUB + (KP_MAX_EXP - KP_SUB_BITS + 1) * KP_SUB)
#define KP_DIRECT_TYPES 256

/* LiveHistogram. */
struct kp_hist {
	uint64_t count, sum, min, max;
	uint64_t buckets[KP_BUCKETS];
};

struct kp_bench {
	struct ring_buffer *rb;
	struct ring_buffer *rb_aggregate;
	uint64_t *consumer_pos;
	size_t page;
	uint64_t sum;
	uint64_t count;
	/* OperationAggregator: histograms of types below 256 by index, created on first use. */
	struct kp_hist *direct[KP_DIRECT_TYPES];
	uint64_t consumed, invalid;
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

static unsigned int kp_bucket(int64_t ns)
{
	int exp;

	if (ns < KP_SUB)
		return ns < 0 ? 0 : (unsigned int)ns;
	exp = 63 - __builtin_clzll((uint64_t)ns);
	if (exp > KP_MAX_EXP)
		return KP_BUCKETS - 1;
	return KP_SUB + (exp - KP_SUB_BITS) * KP_SUB + ((ns >> (exp - KP_SUB_BITS)) & (KP_SUB - 1));
}

/* RecordDecoder.onRecord and OperationAggregator.recordValid, without listeners or logging. */
static int on_sample_aggregate(void *ctx, void *data, size_t size)
{
	struct kp_bench *b = ctx;
	const uint8_t *p = data;
	int64_t start, end;
	uint32_t type;
	struct kp_hist *h;
	int64_t ns;

	if (size != 32 && size != 24) {
		b->consumed++;
		b->invalid++;
		return 0;
	}
	start = *(const int64_t *)p;
	end = *(const int64_t *)(p + 8);
	type = *(const uint32_t *)(p + (size == 32 ? 24 : 16));
	b->consumed++;
	if (end < start || start < 0) {
		b->invalid++;
		return 0;
	}
	if (type >= KP_DIRECT_TYPES) {
		/* Java finds these in a small open-addressing table; the benchmark writes type 1 only. */
		b->invalid++;
		return 0;
	}
	h = b->direct[type];
	if (!h) {
		h = calloc(1, sizeof(*h));
		if (!h)
			return -1;
		h->min = INT64_MAX;
		b->direct[type] = h;
	}
	ns = end - start;
	h->count++;
	h->sum += ns;
	if ((uint64_t)ns < h->min)
		h->min = ns;
	if ((uint64_t)ns > h->max)
		h->max = ns;
	h->buckets[kp_bucket(ns)]++;
	b->count++;
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
	b->rb_aggregate = ring_buffer__new(map_fd, on_sample_aggregate, b, NULL);
	if (!b->rb || !b->rb_aggregate) {
		if (b->rb)
			ring_buffer__free(b->rb);
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

/* As kp_bench_drain, with the callback that decodes and aggregates as kmesh-perf does. */
long kp_bench_drain_aggregate(struct kp_bench *b, uint64_t rewind_to)
{
	__atomic_store_n(b->consumer_pos, rewind_to, __ATOMIC_RELEASE);
	b->count = 0;
	ring_buffer__consume(b->rb_aggregate);
	return (long)b->count;
}

uint64_t kp_bench_sum(struct kp_bench *b)
{
	return b->sum;
}

/* The ring's consumer position now: where the last drain stopped, unless another reader moved it. */
uint64_t kp_bench_consumer_pos(struct kp_bench *b)
{
	return __atomic_load_n(b->consumer_pos, __ATOMIC_ACQUIRE);
}

void kp_bench_close(struct kp_bench *b)
{
	for (int i = 0; i < KP_DIRECT_TYPES; i++)
		free(b->direct[i]);
	ring_buffer__free(b->rb_aggregate);
	ring_buffer__free(b->rb);
	munmap(b->consumer_pos, b->page);
	free(b);
}
