package net.kmesh.perf.bpf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs bpftool, the reference tool, so that tests compare with what it prints. */
public final class Bpftool {
    private Bpftool() {
    }

    /** The JSON bpftool prints for {@code args} with {@code -j}. */
    public static String json(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bpftool", "-j"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(command + " failed: " + out);
        }
        return out;
    }

    /** A numeric field of bpftool's JSON, if present. */
    public static Optional<Long> number(String json, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\":(\\d+)").matcher(json);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /** A string field of bpftool's JSON. */
    public static String string(String json, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\":\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("bpftool printed no " + field + ": " + json);
        }
        return m.group(1);
    }
}
