package net.kmesh.perf.bpf;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Marks a test class that needs a kernel it can load BPF programs into. Where that is impossible
 * the class is skipped, except under {@code CI=true}, where it fails: CI must really run it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(KernelRequired.Check.class)
public @interface KernelRequired {

    final class Check implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            String why = whyNot();
            if (why == null) {
                return;
            }
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true but BPF cannot be used here: " + why);
            }
            throw new TestAbortedException("skipped, BPF cannot be used here: " + why);
        }

        /** For jqwik containers, which do not run JUnit extensions: call it from a {@code @BeforeContainer}. */
        public static void require() {
            new Check().beforeAll(null);
        }

        /** Null when BPF maps can be created, otherwise the reason. */
        static String whyNot() {
            try {
                int ret = LibbpfLoader.natives().libbpf().libbpf_probe_bpf_map_type(MapType.RINGBUF, null);
                return ret == 1 ? null : "probing a ring buffer map returned " + ret;
            } catch (RuntimeException e) {
                return e.getMessage();
            }
        }
    }
}
