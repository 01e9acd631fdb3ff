package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.kmesh.KmeshShipped;
import net.kmesh.perf.bpf.kmesh.KmeshStandIn;
import net.kmesh.perf.bpf.kmesh.PrivateBpffs;
import org.junit.jupiter.api.Test;

/**
 * What the demo says when a pin cannot be reached or read, each case made real: a pin directory
 * this process may not search (CAP_BPF + CAP_PERFMON without CAP_DAC_*), a read-only bpffs, a
 * directory at the pin path; and the exit code the CLI contract gives each.
 */
@KernelRequired
class PinMessagesDemoIT {
    private static final Duration WITHIN = Duration.ofSeconds(60);

    private static List<String> withCapabilities(String caps, String... args) {
        List<String> command = new ArrayList<>(List.of("setpriv", "--bounding-set=-all" + caps, "--inh-caps=-all", "--"));
        command.addAll(DemoProcess.command(List.of(), List.of(args)));
        return command;
    }

    private static String onlyLine(DemoProcess.Result r) {
        List<String> lines = r.stderrLines().stream().filter(l -> l.startsWith("kmesh-perf-demo:")).toList();
        assertEquals(1, lines.size(), r.toString());
        return lines.get(0);
    }

    /** Makes {@code dir} owned by nobody, mode 0700: root without CAP_DAC_* cannot search it. */
    private static void lockUp(Path dir) throws Exception {
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(dir, nobody);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void aPinDirectoryThatCannotBeSearchedIsNamedWithTheMissingPermissionAndExits3() throws Exception {
        try (PrivateBpffs bpffs = PrivateBpffs.mount();
             KmeshShipped kmesh = KmeshShipped.start(bpffs.path(), KmeshStandIn.Mode.WORKLOAD, true)) {
            Path dir = kmesh.mapDirectory();
            lockUp(dir);
            try {
                DemoProcess.Result pinned = DemoProcess.run(withCapabilities(",+bpf,+perfmon", "--ringbuf-pin",
                        kmesh.pinOf(KmeshShipped.RING).toString(), "--duration", "2"), WITHIN);
                assertEquals(3, pinned.exitCode(), pinned.toString());
                String line = onlyLine(pinned);
                assertTrue(line.contains(dir + " cannot be searched by this process (permission denied"), line);
                assertTrue(line.contains("search (x) permission"), line);

                DemoProcess.Result waiting = DemoProcess.run(withCapabilities(",+bpf,+perfmon",
                        "--kmesh=" + bpffs.path(), "--duration", "3", "--port", Integer.toString(DemoProcess.freePort())),
                        WITHIN);
                assertEquals(0, waiting.exitCode(), waiting.toString());
                assertTrue(waiting.stdout().contains("WAITING: " + dir + " cannot be searched"), waiting.toString());
            } finally {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    @Test
    void aReadOnlyBpffsIsSaidInWordsNotAsAnErrnoAndExits1() throws Exception {
        try (PrivateBpffs bpffs = PrivateBpffs.mount();
             KmeshShipped kmesh = KmeshShipped.start(bpffs.path(), KmeshStandIn.Mode.WORKLOAD, true)) {
            remount(bpffs.path(), "ro");
            try {
                DemoProcess.Result r = DemoProcess.run(WITHIN, "--ringbuf-pin", kmesh.pinOf(KmeshShipped.RING).toString(),
                        "--duration", "2");
                assertEquals(1, r.exitCode(), r.toString());
                String line = onlyLine(r);
                assertTrue(line.contains(kmesh.pinOf(KmeshShipped.RING) + " is on a read-only bpffs"), line);
                assertTrue(!line.contains("errno 30"), line);
            } finally {
                remount(bpffs.path(), "rw");
            }
        }
    }

    @Test
    void aDirectoryWhereKmeshsRingShouldBeIsSaidWhileWaiting() throws Exception {
        try (PrivateBpffs bpffs = PrivateBpffs.mount()) {
            Path ring = Files.createDirectories(bpffs.path().resolve("bpf_kmesh_workload/map/km_perf_info"));
            DemoProcess.Result r = DemoProcess.run(WITHIN, "--kmesh=" + bpffs.path(), "--duration", "3", "--port",
                    Integer.toString(DemoProcess.freePort()));
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.stdout().contains(ring + " is a directory, not a pinned ring buffer"), r.toString());
        }
    }

    private static void remount(Path mount, String mode) throws Exception {
        Process p = new ProcessBuilder("mount", "-o", "remount," + mode, mount.toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "mount -o remount," + mode + " " + mount);
    }
}
