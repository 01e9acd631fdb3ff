package net.kmesh.perf.bpf.resources;

import java.io.IOException;
import java.nio.file.Files;
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
     */
    public record Mount(Path mountPoint, String type) {
    }

    /** Every mount, in table order; empty when /proc is not readable. */
    public static List<Mount> all() {
        try {
            return parse(Files.readString(MOUNTS));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Parses mounts(5) text: device, mount point, type, options, two numbers. */
    public static List<Mount> parse(String text) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3) {
                mounts.add(new Mount(Path.of(unescape(f[1])), f[2]));
            }
        }
        return mounts;
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
