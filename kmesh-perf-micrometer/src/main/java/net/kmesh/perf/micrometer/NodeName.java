package net.kmesh.perf.micrometer;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/** The default {@code node_name}: {@code NODE_NAME} from the environment, as Kmesh's daemonset sets it, else the host name. */
final class NodeName {
    static final String LABEL = "node_name";

    private NodeName() {
    }

    static String ofThisHost() {
        return resolve(System.getenv(), NodeName::hostName);
    }

    static String resolve(Map<String, String> environment, Supplier<String> hostName) {
        String node = environment.get("NODE_NAME");
        if (node != null && !node.isBlank()) {
            return node.strip();
        }
        String host = hostName.get();
        return host == null || host.isBlank() ? "unknown" : host.strip();
    }

    /** The kernel's host name (uname's nodename), without a DNS lookup where /proc has it. */
    static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException | RuntimeException e2) {
                return null;
            }
        }
    }
}
