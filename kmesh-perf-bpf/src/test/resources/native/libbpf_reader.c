// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A second reader of a ring buffer for the kernel tests: libbpf's own ring_buffer__poll() and
 * ring_buffer__consume() with a C callback, as a fast native consumer (Kmesh's daemon) would read
 * the ring. It keeps every record it reads (the 32-byte kmesh-perf record: start_ns, end_ns,
 * pid_tgid, operation_type) for the test to compare with what the Java reader got. Compiled with
 * gcc by the test; needs libbpf.so.1 and pthreads.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ring_buffer;
typedef int (*ring_buffer_sample_fn)(void *ctx, void *data, size_t size);
struct ring_buffer *ring_buffer__new(int map_fd, ring_buffer_sample_fn sample_cb, void *ctx, const void *opts);
int ring_buffer__poll(struct ring_buffer *rb, int timeout_ms);
int ring_buffer__consume(struct ring_buffer *rb);
void ring_buffer__free(struct ring_buffer *rb);

/* Words kept per record: start_ns, end_ns, pid_tgid, size << 32 | operation_type. */
#define KP_WORDS 4

struct kp_reader {
	struct ring_buffer *rb;
	uint64_t *records;
	long capacity;
	long count;		/* written by the reading thread, read with acquire by others */
	long stop_after;	/* kp_reader_consume: records left before the callback stops it */
	int stop;
	int polling;
	pthread_t thread;
};

static int on_sample(void *ctx, void *data, size_t size)
{
	struct kp_reader *r = ctx;
	long n = r->count;
	uint64_t *out;

	if (n < r->capacity) {
		out = r->records + n * KP_WORDS;
		memset(out, 0, KP_WORDS * sizeof(*out));
		memcpy(out, data, size < 24 ? size : 24);
		out[3] = (uint64_t)size << 32 | (size >= 28 ? *(const uint32_t *)((const char *)data + 24) : 0);
	}
	__atomic_store_n(&r->count, n + 1, __ATOMIC_RELEASE);
	/* A negative return makes libbpf store the position after this record and stop. */
	if (r->stop_after > 0 && --r->stop_after == 0)
		return -1;
	return 0;
}

struct kp_reader *kp_reader_open(int map_fd, long capacity)
{
	struct kp_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->records = calloc((size_t)capacity, KP_WORDS * sizeof(uint64_t));
	r->capacity = capacity;
	r->rb = r->records ? ring_buffer__new(map_fd, on_sample, r, NULL) : NULL;
	if (!r->rb) {
		free(r->records);
		free(r);
		return NULL;
	}
	return r;
}

/* ring_buffer__consume() once, stopping after max records when max > 0; returns records read. */
long kp_reader_consume(struct kp_reader *r, long max)
{
	long before = r->count;

	r->stop_after = max;
	ring_buffer__consume(r->rb);
	r->stop_after = 0;
	return r->count - before;
}

static void *poll_loop(void *arg)
{
	struct kp_reader *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE))
		ring_buffer__poll(r->rb, 10);
	return NULL;
}

/* Starts a thread that reads with ring_buffer__poll() until kp_reader_stop(). */
int kp_reader_start(struct kp_reader *r)
{
	if (pthread_create(&r->thread, NULL, poll_loop, r))
		return -1;
	r->polling = 1;
	return 0;
}

void kp_reader_stop(struct kp_reader *r)
{
	if (r->polling) {
		__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
		pthread_join(r->thread, NULL);
		r->polling = 0;
	}
}

long kp_reader_count(struct kp_reader *r)
{
	return __atomic_load_n(&r->count, __ATOMIC_ACQUIRE);
}

/* The records read so far: count() of them, KP_WORDS words each. */
const uint64_t *kp_reader_records(struct kp_reader *r)
{
	return r->records;
}

void kp_reader_close(struct kp_reader *r)
{
	kp_reader_stop(r);
	ring_buffer__free(r->rb);
	free(r->records);
	free(r);
}
