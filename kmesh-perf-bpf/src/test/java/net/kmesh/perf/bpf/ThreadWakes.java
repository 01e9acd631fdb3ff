package net.kmesh.perf.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** How often a thread of this JVM woke: its voluntary context switches, from {@code /proc}. */
public final class ThreadWakes {
    private ThreadWakes() {
    }

    /** The voluntary context switches of task {@code tid} of this process so far. */
    public static long voluntarySwitches(int tid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/task/" + tid + "/status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new IOException("no voluntary_ctxt_switches in the status of thread " + tid);
    }

    /**
     * The task id of the one thread named {@code comm} (cut to 15 bytes, as the kernel keeps it),
     * waiting up to 5 s: a new thread names itself once it runs, so a look right after start may
     * find it still named "java".
     */
    public static int thread(String comm) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            List<Integer> found = new ArrayList<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        if (Files.readString(task.resolve("comm")).trim().equals(comm)) {
                            found.add(Integer.parseInt(task.getFileName().toString()));
                        }
                    } catch (NoSuchFileException e) {
                        // a thread that ended meanwhile
                    }
                }
            }
            if (found.size() == 1 || System.nanoTime() > deadline) {
                if (found.size() != 1) {
                    throw new AssertionError("one thread named " + comm + " expected: " + found);
                }
                return found.get(0);
            }
            Thread.sleep(10);
        }
    }
}
