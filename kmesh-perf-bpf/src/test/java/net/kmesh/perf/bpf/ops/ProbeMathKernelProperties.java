package net.kmesh.perf.bpf.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.Size;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.TestRun;

/** The kernel's bucket function (kmesh_perf.h) and user space's put every duration in the same bucket. */
class ProbeMathKernelProperties {
    private static BpfObject object;

    @BeforeContainer
    static void load() {
        KernelRequired.Check.require();
        object = BpfObject.openResource(ProbeMathKernelProperties.class, "/net/kmesh/perf/bpf/probe_math.bpf.o",
                "probe_math");
        object.load();
    }

    @AfterContainer
    static void unload() {
        if (object != null) {
            object.close();
        }
    }

    @Provide
    Arbitrary<Long> durations() {
        // Every magnitude equally: small values, bucket edges, and the overflow bucket.
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 62).flatMap(bits -> Arbitraries.longs().between(0, (1L << bits) * 2 - 1)),
                Arbitraries.integers().between(0, 62).map(bits -> 1L << bits),
                Arbitraries.integers().between(1, 62).map(bits -> (1L << bits) - 1),
                Arbitraries.longs().between(0, Long.MAX_VALUE));
    }

    @Property(tries = 200)
    void kernelAndUserSpaceBucketsAgree(@ForAll @Size(64) List<@net.jqwik.api.From("durations") Long> values) {
        // struct probe_math_args { __u64 values[64]; __u32 buckets[64]; }
        try (Memory args = new Memory(64 * 8 + 64 * 4)) {
            args.clear();
            for (int i = 0; i < 64; i++) {
                args.setLong(8L * i, values.get(i));
            }
            TestRun.run(object.programFd("probe_math_buckets"), args, "running probe_math_buckets");
            for (int i = 0; i < 64; i++) {
                assertEquals(DurationHistogram.bucketIndex(values.get(i)), args.getInt(512 + 4L * i),
                        "bucket of " + values.get(i));
            }
        }
    }
}
