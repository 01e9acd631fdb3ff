package net.kmesh.perf.bpf.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.PinDirectory;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import org.junit.jupiter.api.Test;

/**
 * The pin directories' watch on a real bpffs: a directory removed and made again, or made after
 * the watch began, is watched again as soon as it is made, and the pins made in it are counted.
 */
@KernelRequired
class PinWatchKernelTest {

    @Test
    void aPinDirectoryRemovedAndMadeAgainIsWatchedAgainAndItsPinsCounted() throws Exception {
        try (PinDirectory root = PinDirectory.create("kmesh-perf-test");
             Fd map = ringMap()) {
            Path dir = root.resolve("map");
            Files.createDirectory(dir);
            Path pin = dir.resolve("ring");
            try (PinWatch watch = PinWatch.of(List.of(pin))) {
                assertNotNull(watch);
                assertTrue(watch.watchesEveryDirectory());
                pin(map, pin);
                assertEquals(1, watch.clear(), "the pin made in the watched directory");
                Files.delete(pin);
                Files.delete(dir);
                watch.clear();
                assertTrue(watch.watchesEveryDirectory(), "the directory is gone: watched through its parent");
                Files.createDirectory(dir);
                watch.clear();
                assertTrue(watch.changed());
                assertTrue(watch.watchesEveryDirectory(), "watched again once made");
                pin(map, pin);
                assertEquals(1, watch.clear(), "the pin made in the directory made again");
            }
        }
    }

    @Test
    void aPinDirectoryMadeAfterTheWatchBeganIsWatchedOnceMade() throws Exception {
        try (PinDirectory root = PinDirectory.create("kmesh-perf-test");
             Fd map = ringMap()) {
            Path dir = root.resolve("a").resolve("map");
            Path pin = dir.resolve("ring");
            try (PinWatch watch = PinWatch.of(List.of(pin))) {
                assertNotNull(watch, "watched through an existing ancestor");
                assertTrue(watch.watchesEveryDirectory(), "its making will be an event in the ancestor");
                Files.createDirectories(dir);
                watch.clear();
                // Made in two steps, the inner one maybe before the watch on the outer one: seen either way.
                watch.clear();
                assertTrue(watch.watchesEveryDirectory(), "watched once made");
                pin(map, pin);
                assertEquals(1, watch.clear());
            }
        }
    }

    private static Fd ringMap() {
        int fd = LibbpfLoader.natives().libbpf().bpf_map_create(MapType.RINGBUF, "pinwatch_test", 0, 0, 4096, null);
        assertTrue(fd >= 0, "bpf_map_create: " + fd);
        return Fd.own(fd);
    }

    private static void pin(Fd map, Path pin) {
        assertEquals(0, LibbpfLoader.natives().libbpf().bpf_obj_pin(map.get(), pin.toString()));
    }
}
