package net.kmesh.perf.bpf.maps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;

/**
 * A service that runs out of file descriptors while it scrapes map statistics, run by
 * {@link FdExhaustionKernelTest} in a child JVM under a low RLIMIT_NOFILE. Prints one line per step.
 */
public final class FdExhaustion {
    private FdExhaustion() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        LibC libc = LibbpfLoader.natives().libc();
        try (TestMaps maps = new TestMaps(); MapStatsCollector collector = MapStatsCollector.open()) {
            for (int i = 0; i < count; i++) {
                maps.create("n" + Integer.toString(i, 36), MapType.LPM_TRIE, 8, 4, 100, TestMaps.BPF_F_NO_PREALLOC);
            }
            MapSelector mine = MapSelector.namePrefix(maps.prefix());
            collector.collect(mine);
            System.out.println("first " + collector.collect(mine).size() + " held " + collector.heldFds());
            // Out of fds, class files can no longer be opened: load every class this may need now.
            preloadClasses();
            List<Integer> filler = new ArrayList<>();
            fill(libc, filler);
            System.out.println("second " + step(collector, mine));
            int before = filler.size();
            fill(libc, filler);
            System.out.println("freed " + (filler.size() - before));
            System.out.println("third " + step(collector, mine));
            for (int i = 0; i < 64; i++) {
                libc.close(filler.remove(filler.size() - 1));
            }
            System.out.println("fourth " + step(collector, mine));
            filler.forEach(libc::close);
        }
    }

    private static String step(MapStatsCollector collector, MapSelector selector) {
        try {
            return collector.collect(selector).size() + " held " + collector.heldFds();
        } catch (PerfMonitorException e) {
            return "failed errno " + e.errno().orElse(-1) + ": " + e.getMessage();
        } catch (Throwable t) {
            return "threw " + t;
        }
    }

    /** Opens /dev/null until the process has no fd left. */
    private static void fill(LibC libc, List<Integer> fds) {
        while (true) {
            int fd = libc.open("/dev/null", LibC.O_RDONLY | LibC.O_CLOEXEC);
            if (fd < 0) {
                return;
            }
            fds.add(fd);
        }
    }

    private static void preloadClasses() throws IOException, ClassNotFoundException {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path root = Path.of(entry);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                    try {
                        Class.forName(name, false, FdExhaustion.class.getClassLoader());
                    } catch (ClassNotFoundException | LinkageError e) {
                        // not needed here
                    }
                }
            }
        }
        Class.forName("com.sun.jna.LastErrorException");
    }
}
