package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import org.junit.jupiter.api.Test;

@KernelRequired
class EntryWalksKernelTest {

    @Test
    void aBatchTooSmallForAHashBucketGrowsUntilItFits() {
        // 4096 keys in 4096 buckets collide; batches of one entry cannot take a bucket of two (ENOSPC).
        try (TestMaps maps = new TestMaps(); Scratch scratch = new Scratch()) {
            int fd = maps.create("b", MapType.HASH, 4, 8, 4096, 0);
            maps.fill(fd, 4096);
            OptionalLong n = EntryWalks.batch(LibbpfLoader.natives().libbpf(), fd, 4, 8, 4096, scratch, 1);
            assertEquals(OptionalLong.of(4096), n);
        }
    }

    @Test
    void aBatchLookupOfATypeWithoutOneSaysSo() {
        try (TestMaps maps = new TestMaps(); Scratch scratch = new Scratch()) {
            int fd = maps.create("q", 22 /* queue */, 0, 4, 8, 0);
            assertEquals(OptionalLong.empty(), EntryWalks.batch(LibbpfLoader.natives().libbpf(), fd, 0, 4, 8, scratch));
        }
    }

    @Test
    void aKeyWalkCountsEveryKeyAndStopsAtTheCapacity() {
        try (TestMaps maps = new TestMaps(); Scratch scratch = new Scratch()) {
            int fd = maps.create("w", MapType.HASH, 4, 8, 100, 0);
            assertEquals(0, EntryWalks.keyWalk(fd, 4, 100, scratch));
            maps.fill(fd, 37);
            assertEquals(37, EntryWalks.keyWalk(fd, 4, 100, scratch));
            assertEquals(10, EntryWalks.keyWalk(fd, 4, 10, scratch), "never more than the capacity given");
        }
    }
}
