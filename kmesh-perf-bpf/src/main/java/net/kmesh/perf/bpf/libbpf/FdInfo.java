package net.kmesh.perf.bpf.libbpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code /proc/self/fdinfo/<fd>} of a BPF object: "key:\tvalue" lines such as
 * {@code map_type}, {@code memlock}, {@code prog_type}, {@code link_type}.
 */
public record FdInfo(Map<String, String> fields) {

    public FdInfo {
        fields = Map.copyOf(fields);
    }

    /** Reads the fdinfo of {@code fd} in this process. */
    public static FdInfo of(int fd) {
        try {
            return parse(Files.readString(Path.of("/proc/self/fdinfo/" + fd)));
        } catch (IOException e) {
            throw new IllegalStateException("reading /proc/self/fdinfo/" + fd + ": " + e.getMessage(), e);
        }
    }

    /** Parses fdinfo text; lines without a colon are ignored. */
    public static FdInfo parse(String text) {
        Map<String, String> fields = new HashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return new FdInfo(fields);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(fields.get(key));
    }

    /** A decimal field; empty when absent or not a number. */
    public Optional<Long> getLong(String key) {
        String v = fields.get(key);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseUnsignedLong(v));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** What kind of BPF object the fd is: "map", "program", "link", or "other". */
    public String kind() {
        if (fields.containsKey("map_type")) {
            return "map";
        }
        if (fields.containsKey("prog_type")) {
            return "program";
        }
        if (fields.containsKey("link_type")) {
            return "link";
        }
        return "other";
    }
}
