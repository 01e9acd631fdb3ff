package net.kmesh.perf.bpf.libbpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The Linux capabilities kmesh-perf's features need, and whether this process has them. */
public enum Capability {
    CAP_NET_ADMIN(12),
    CAP_SYS_ADMIN(21),
    CAP_PERFMON(38),
    CAP_BPF(39);

    private final int bit;

    Capability(int bit) {
        this.bit = bit;
    }

    /** Whether the calling process has this capability in its effective set. */
    public boolean held() {
        return (effective() & (1L << bit)) != 0;
    }

    /** Of {@code needed}, those this process lacks. */
    public static List<Capability> missing(Capability... needed) {
        long eff = effective();
        List<Capability> missing = new ArrayList<>();
        for (Capability c : needed) {
            if ((eff & (1L << c.bit)) == 0) {
                missing.add(c);
            }
        }
        return missing;
    }

    private static long effective() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring(7).strip(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Unknown: report nothing as missing rather than guess.
        }
        return -1L;
    }
}
