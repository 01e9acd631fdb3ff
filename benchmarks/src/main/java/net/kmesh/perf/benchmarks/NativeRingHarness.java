package net.kmesh.perf.benchmarks;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The C side of the ring-buffer benchmark: ringbench.c, compiled with gcc when first used. */
final class NativeRingHarness {

    /** ringbench.c's functions. */
    interface Harness extends Library {
        /** {@code struct kp_bench *kp_bench_open(int map_fd);} */
        Pointer kp_bench_open(int mapFd);

        /** {@code long kp_bench_drain(struct kp_bench *b, uint64_t rewind_to);} */
        long kp_bench_drain(Pointer bench, long rewindTo);

        /** {@code long kp_bench_drain_aggregate(struct kp_bench *b, uint64_t rewind_to);} */
        long kp_bench_drain_aggregate(Pointer bench, long rewindTo);

        /** {@code uint64_t kp_bench_sum(struct kp_bench *b);} */
        long kp_bench_sum(Pointer bench);

        /** {@code uint64_t kp_bench_consumer_pos(struct kp_bench *b);} */
        long kp_bench_consumer_pos(Pointer bench);

        /** {@code void kp_bench_close(struct kp_bench *b);} */
        void kp_bench_close(Pointer bench);
    }

    /** libbpf's ring_buffer API, for the one-JNA-callback-per-record baseline. */
    interface RingBufferApi extends Library {
        /** {@code typedef int (*ring_buffer_sample_fn)(void *ctx, void *data, size_t size);} */
        interface SampleFn extends Callback {
            int invoke(Pointer ctx, Pointer data, long size);
        }

        /** {@code struct ring_buffer *ring_buffer__new(int map_fd, ring_buffer_sample_fn sample_cb, void *ctx, const struct ring_buffer_opts *opts);} */
        Pointer ring_buffer__new(int mapFd, SampleFn sampleCb, Pointer ctx, Pointer opts);

        /** {@code int ring_buffer__consume(struct ring_buffer *rb);} */
        int ring_buffer__consume(Pointer rb);

        /** {@code void ring_buffer__free(struct ring_buffer *rb);} */
        void ring_buffer__free(Pointer rb);
    }

    private NativeRingHarness() {
    }

    /** Compiles ringbench.c into a temporary shared library and loads it. */
    static Harness compileAndLoad() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("kmesh-perf-ringbench");
        Path source = dir.resolve("ringbench.c");
        try (InputStream in = NativeRingHarness.class.getResourceAsStream("/native/ringbench.c")) {
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        Path library = dir.resolve("libkpringbench.so");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-shared", "-fPIC", "-o", library.toString(),
                source.toString(), "-l:libbpf.so.1").inheritIO().start();
        if (gcc.waitFor() != 0) {
            throw new IOException("gcc could not build " + source + " (needs gcc and libbpf.so.1)");
        }
        library.toFile().deleteOnExit();
        source.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return Native.load(library.toString(), Harness.class);
    }

    static RingBufferApi libbpf() {
        return Native.load("libbpf.so.1", RingBufferApi.class);
    }
}
