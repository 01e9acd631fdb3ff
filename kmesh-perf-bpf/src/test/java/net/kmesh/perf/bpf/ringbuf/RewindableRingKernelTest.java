package net.kmesh.perf.bpf.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.testing.RewindableRing;
import org.junit.jupiter.api.Test;

/** The benchmarks' fixture: every rewound reader reads the same pre-filled records again, and no more. */
@KernelRequired
class RewindableRingKernelTest {
    @Test
    void eachRewoundReaderReadsThePreFilledRecordsOnceMore() {
        try (SampleRing ring = new SampleRing(64 * 1024);
             RewindableRing rewindable = new RewindableRing(ring.fd())) {
            long produced = ring.produce(500, 1)[0];
            assertEquals(500, produced);
            for (int pass = 0; pass < 3; pass++) {
                RingReader reader = rewindable.rewound();
                assertEquals(rewindable.start(), reader.consumerPosition());
                assertEquals(500, reader.drain((data, pos, length, mask) -> { }), "pass " + pass);
                assertEquals(0, reader.drain((data, pos, length, mask) -> { }), "pass " + pass + ", drained again");
                assertEquals(ring.producerPosition(), ring.consumerPosition());
            }
        }
    }
}
