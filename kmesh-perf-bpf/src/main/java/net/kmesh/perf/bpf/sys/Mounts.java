package net.kmesh.perf.bpf.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The mount table of this process ({@code /proc/self/mounts}). */
public final class Mounts {
    private static final Path MOUNTS = Path.of("/proc/self/mounts");

    private Mounts() {
    }

    /**
     * One mount.
     *
     * @param mountPoint where it is mounted (octal escapes decoded)
     * @param type       the filesystem type, e.g. {@code cgroup2}, {@code bpf}, {@code tracefs}
     * @param options    the mount options in table order; for a cgroup v1 mount they name its
     *                   controllers, e.g. {@code rw, relatime, cpu, cpuacct}
     */
    public record Mount(Path mountPoint, String type, List<String> options) {
        public Mount {
            options = List.copyOf(options);
        }

        /** A mount whose options are not known. */
        public Mount(Path mountPoint, String type) {
            this(mountPoint, type, List.of());
        }

        /** True when {@code option} is one of the comma-separated options, matched whole. */
        public boolean hasOption(String option) {
            return options.contains(option);
        }
    }

    /** Every mount, in table order; empty when /proc is not readable. */
    public static List<Mount> all() {
        return read(MOUNTS);
    }

    /** Every mount listed in a mounts(5) file, in table order; empty when it cannot be read. */
    public static List<Mount> read(Path table) {
        try {
            // Decoding replaces bytes that are not UTF-8 instead of failing the whole table.
            return parse(new String(Files.readAllBytes(table), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Parses mounts(5) text: device, mount point, type, options, two numbers. Lines with fewer than
     * three fields are skipped.
     */
    public static List<Mount> parse(String text) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3) {
                List<String> options = f.length >= 4 ? List.of(unescape(f[3]).split(",")) : List.of();
                try {
                    mounts.add(new Mount(Path.of(unescape(f[1])), f[2], options));
                } catch (InvalidPathException e) {
                    // A mount point with a NUL cannot be named on this filesystem API; skip it.
                }
            }
        }
        return mounts;
    }

    /** The first mount point of the cgroup v1 hierarchy that has {@code controller}, e.g. {@code memory}. */
    public static Optional<Path> cgroupV1(List<Mount> mounts, String controller) {
        return mounts.stream().filter(m -> m.type().equals("cgroup") && m.hasOption(controller))
                .map(Mount::mountPoint).findFirst();
    }

    /** The first mount point of the cgroup v2 hierarchy among {@code mounts}. */
    public static Optional<Path> cgroup2(List<Mount> mounts) {
        return mounts.stream().filter(m -> m.type().equals("cgroup2")).map(Mount::mountPoint).findFirst();
    }

    /** Decodes mounts(5)'s octal escapes (\040 for a space). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1) && isOctal(s, i + 2) && isOctal(s, i + 3)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int i) {
        return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7';
    }

    /** The filesystem type of the mount that holds {@code path} (the longest mount-point prefix). */
    public static Optional<String> filesystemOf(Path path) {
        Mount best = null;
        for (Mount m : all()) {
            if (path.startsWith(m.mountPoint())
                    && (best == null || m.mountPoint().getNameCount() >= best.mountPoint().getNameCount())) {
                best = m;
            }
        }
        return Optional.ofNullable(best).map(Mount::type);
    }

    /** True when {@code path} lies on a filesystem of {@code type}. */
    public static boolean isOnFilesystem(Path path, String type) {
        return filesystemOf(path).filter(type::equals).isPresent();
    }

    /** The first mount point of the cgroup v2 hierarchy. */
    public static Optional<Path> cgroup2() {
        return firstOfType("cgroup2");
    }

    /** The first mount point of a bpffs. */
    public static Optional<Path> bpffs() {
        return firstOfType("bpf");
    }

    private static Optional<Path> firstOfType(String type) {
        return all().stream().filter(m -> m.type().equals(type)).map(Mount::mountPoint).findFirst();
    }
}
