package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.kmesh.perf.bpf.KernelRequired;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library works on the module path: an application module that requires {@code net.kmesh.perf}
 * and {@code net.kmesh.perf.micrometer} opens a monitor on the bundled samples (the provider module
 * {@code net.kmesh.perf.bpf} found by service binding, its BPF objects loaded from inside the module),
 * binds {@code KmeshPerfMetrics} to a {@code SimpleMeterRegistry}, and counts in its meters every
 * record the kernel produced. On JDK 17, and on JDK 25, where {@code --enable-native-access=com.sun.jna}
 * is the flag that silences JNA's native-access warning (and {@code ALL-UNNAMED} on the class path).
 */
@KernelRequired
class ModulePathIT {
    private static final String MAIN_MODULE = "app/app.Main";
    /** An operation type nothing else writes into the samples' ring, and unnamed, so labelled "9". */
    private static final long TYPE = 9;
    private static final int RECORDS = 2_000;
    /** JDK 22 and later print this, on stderr, at the first native call of a module not granted native access. */
    private static final String NATIVE_ACCESS_WARNING = "WARNING: A restricted method";
    /** JDK 24 and later print this at the first use of sun.misc.Unsafe's memory access (JEP 498). */
    private static final String UNSAFE_WARNING = "sun.misc.Unsafe";

    private static String modulePath;
    private static Path app;

    @BeforeAll
    static void compile(@TempDir Path work) throws IOException {
        modulePath = ModulePathApp.modulePath();
        app = ModulePathApp.compile(work, modulePath);
    }

    @Test
    void onJdk17TheModulesResolveAndEveryRecordReachesTheMeters() throws Exception {
        ModulePathApp.Run run = ModulePathApp.run(thisJava(), List.of("--module-path", modulePath + File.pathSeparator + app),
                List.of("-m", MAIN_MODULE), TYPE, RECORDS);
        assertRecordsArrived(run, true);
    }

    @Test
    void onJdk25EnableNativeAccessForComSunJnaLeavesNoWarning() throws Exception {
        ModulePathApp.Run run = ModulePathApp.run(jdk25(), List.of("--enable-native-access=com.sun.jna",
                "--module-path", modulePath + File.pathSeparator + app), List.of("-m", MAIN_MODULE), TYPE, RECORDS);
        assertRecordsArrived(run, true);
        assertFalse(run.output().contains(NATIVE_ACCESS_WARNING), "no native-access warning with the flag: " + run);
        // The ring reader reads headers by address through Unsafe on JDK 17 to 22 only.
        assertFalse(run.output().contains(UNSAFE_WARNING), "no Unsafe warning: " + run);
    }

    @Test
    void onJdk25WithoutTheFlagTheWarningNamesComSunJna() throws Exception {
        // The flag the README documents is the one the JDK asks for: JNA's module calls System.load.
        ModulePathApp.Run run = ModulePathApp.run(jdk25(), List.of("--module-path", modulePath + File.pathSeparator + app),
                List.of("-m", MAIN_MODULE), TYPE, RECORDS);
        assertRecordsArrived(run, true);
        assertTrue(run.output().contains(NATIVE_ACCESS_WARNING), "JDK 25 warns without the flag: " + run);
        assertTrue(run.output().contains("--enable-native-access=com.sun.jna"), run.toString());
    }

    @Test
    void onJdk25OnTheClassPathEnableNativeAccessForAllUnnamedLeavesNoWarning() throws Exception {
        ModulePathApp.Run run = ModulePathApp.run(jdk25(), List.of("--enable-native-access=ALL-UNNAMED",
                "-cp", modulePath + File.pathSeparator + app), List.of("app.Main"), TYPE, RECORDS);
        assertRecordsArrived(run, false);
        assertFalse(run.output().contains(NATIVE_ACCESS_WARNING), "no native-access warning with the flag: " + run);
        assertFalse(run.output().contains(UNSAFE_WARNING), "no Unsafe warning: " + run);
    }

    private static void assertRecordsArrived(ModulePathApp.Run run, boolean modules) {
        assertEquals(0, run.exitCode(), run.toString());
        if (modules) {
            assertEquals("app", run.value("app.module"), run.toString());
            assertEquals("net.kmesh.perf.bpf", run.value("monitor.module"), run.toString());
            assertEquals("net.kmesh.perf.micrometer", run.value("binder.module"), run.toString());
        } else {
            assertEquals("null", run.value("app.module"), "the unnamed module: " + run);
        }
        assertEquals(RECORDS, run.number("emitted"), run.toString());
        assertEquals(0, run.number("dropped"), run.toString());
        assertEquals(RECORDS, run.number("consumed"), run.toString());
        assertEquals(RECORDS, run.number("timer.count"), run.toString());
        // The map statistics' iterator program is the second BPF object read from inside the jar.
        assertEquals("true", run.value("map_iterator"), "notes: " + run.notes() + "\n" + run);
        assertTrue(run.notes().stream().noneMatch(n -> n.contains("missing from the class path")), run.toString());
    }

    private static Path thisJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** A JDK 22 or later ({@code jdk25.home}); missing, the test is skipped, and fails under {@code CI=true}. */
    private static Path jdk25() throws IOException {
        Path home = Path.of(System.getProperty("jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        Path java = home.resolve("bin/java");
        Optional<Integer> feature = featureVersion(home);
        String why = !Files.isExecutable(java) ? "no JDK at " + home + " (-Djdk25.home=... names one)"
                : feature.isEmpty() ? home + "/release names no JAVA_VERSION"
                : feature.get() < 22 ? home + " is JDK " + feature.get() + ", native access needs 22 or later" : null;
        if (why == null) {
            return java;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but " + why);
        }
        Assumptions.abort(why);
        throw new IllegalStateException("unreachable");
    }

    private static Optional<Integer> featureVersion(Path home) throws IOException {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }
}
