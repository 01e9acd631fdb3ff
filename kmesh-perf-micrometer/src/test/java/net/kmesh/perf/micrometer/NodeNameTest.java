package net.kmesh.perf.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeNameTest {
    @Test
    void nodeNameFromTheEnvironmentWinsOverTheHostName() {
        assertEquals("worker-3", NodeName.resolve(Map.of("NODE_NAME", "worker-3"), () -> "pod-abc"));
        assertEquals("pod-abc", NodeName.resolve(Map.of("NODE_NAME", "  "), () -> "pod-abc"));
        assertEquals("pod-abc", NodeName.resolve(Map.of(), () -> "pod-abc\n"));
        assertEquals("unknown", NodeName.resolve(Map.of(), () -> null));
    }

    @Test
    void theHostNameIsTheKernelsOwn() throws Exception {
        String kernel = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
        assertEquals(kernel, NodeName.hostName());
        assertFalse(NodeName.ofThisHost().isBlank());
    }
}
