package net.kmesh.perf.examples;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * External programs the tests run (promtool, prometheus, setpriv, script). A missing one skips the
 * test on a developer's machine and fails it under {@code CI=true}: CI must really run it.
 */
final class Tools {
    private Tools() {
    }

    /** The program {@code name} on the PATH (or /usr/bin, /usr/sbin). */
    static Path require(String name) {
        Optional<Path> found = find(name);
        if (found.isPresent()) {
            return found.get();
        }
        String why = name + " is not installed (Debian: " + debianPackage(name) + "; .ci/setup installs it)";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but " + why);
        }
        Assumptions.abort(why);
        throw new IllegalStateException("unreachable");
    }

    static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin:/usr/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private static String debianPackage(String name) {
        return switch (name) {
            case "prometheus", "promtool" -> "apt-get install prometheus";
            case "setpriv", "unshare", "prlimit" -> "apt-get install util-linux";
            case "script" -> "apt-get install bsdutils";
            default -> "install " + name;
        };
    }
}
