package net.kmesh.perf.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The system libbpf: its version, and functions newer than 1.1 looked up only when asked for. */
class LibbpfLoaderTest {

    @Test
    void theSystemLibbpfIsAtLeastOnePointZero() {
        LibbpfLoader.Natives n = LibbpfLoader.natives();
        assertTrue(n.version().matches("v?\\d+\\.\\d+.*"), n.version());
        assertTrue(n.libbpf().libbpf_major_version() >= LibbpfLoader.MIN_MAJOR);
        assertTrue(n.pageSize() >= 4096 && Integer.bitCount(n.pageSize()) == 1);
        assertTrue(n.possibleCpus() >= 1);
    }

    @Test
    void optionalFunctionsArePresentOnlyWhereTheLibraryHasThem() {
        LibbpfLoader.Natives n = LibbpfLoader.natives();
        assertTrue(n.optionalFunction("libbpf_version_string").isPresent());
        assertTrue(n.optionalFunction("libbpf_kmesh_perf_no_such_function").isEmpty());
    }
}
