package net.kmesh.perf.bpf.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.OperationType;
import org.junit.jupiter.api.Test;

class OperationAggregatorTest {

    @Test
    void snapshotsTakenDuringWritesSeeWholeBatchesOnly() throws Exception {
        OperationAggregator aggregator = new OperationAggregator(64);
        int batch = 1000;
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            long n = 0;
            while (!stop.get()) {
                aggregator.beginBatch();
                for (int i = 0; i < batch; i++) {
                    // Two types per batch, always in equal numbers, each record 10 ns.
                    aggregator.recordValid(1, 10);
                    aggregator.recordValid(300 + (i & 1), 10);
                }
                aggregator.endBatch();
                n++;
            }
        });
        writer.start();
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            for (int i = 0; i < 2000 || (aggregator.snapshot(OperationType::unnamed).consumed() == 0
                    && System.nanoTime() < deadline); i++) {
                OperationAggregator.Snapshot s = aggregator.snapshot(OperationType::unnamed);
                assertEquals(0, s.consumed() % (2L * batch), "a snapshot ends on a batch boundary");
                long total = 0;
                for (OperationStats op : s.operations()) {
                    assertEquals(op.count() * 10, op.sumNanos(), "sum agrees with count in " + op.type());
                    total += op.count();
                }
                assertEquals(s.consumed(), total);
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertTrue(aggregator.snapshot(OperationType::unnamed).consumed() > 0);
    }
}
