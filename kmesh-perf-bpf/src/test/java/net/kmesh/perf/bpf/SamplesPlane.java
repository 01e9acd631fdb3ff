package net.kmesh.perf.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.samples.BundledSamples;
import net.kmesh.perf.bpf.samples.SampleOptions;
import net.kmesh.perf.bpf.samples.SampleWorkload;

/**
 * A data plane built from the bundled samples, loaded by a test as if it were somebody else's: its
 * probe maps (ring, counters, modes, histograms, starts) pinned by name in a directory, replacing
 * whatever an earlier incarnation pinned there, and a producer to write records through the probe.
 */
final class SamplesPlane implements AutoCloseable {
    static final List<String> PINNED = List.of(ProbeLayout.RING, ProbeLayout.COUNTERS,
            ProbeLayout.MODES, ProbeLayout.HISTOGRAMS, ProbeLayout.STARTS);

    private final BundledSamples samples;

    private SamplesPlane(BundledSamples samples) {
        this.samples = samples;
    }

    /** Loads a new incarnation with a ring of {@code ringBytes}; pins nothing yet. */
    static SamplesPlane load(int ringBytes) {
        return new SamplesPlane(BundledSamples.open(new RecordSource.Samples(ringBytes), SampleOptions.none(),
                new ArrayList<>(), new java.util.HashSet<>()));
    }

    /** Pins the probe maps in {@code dir}, the ring last, as a data plane that restarts re-pins them. */
    SamplesPlane pinIn(Path dir) throws IOException {
        List<String> order = new ArrayList<>(PINNED.subList(1, PINNED.size()));
        order.add(ProbeLayout.RING);
        for (String map : order) {
            Path pin = dir.resolve(map);
            Files.deleteIfExists(pin);
            Errno.check("pinning " + pin, LibbpfLoader.natives().libbpf().bpf_obj_pin(mapFd(map), pin.toString()));
        }
        return this;
    }

    /**
     * Ends this incarnation as a data plane whose cleanup removes its pin directory: unpins its maps
     * from {@code dir} (pinned there by {@link #pinIn}), removes {@code dir} and closes.
     */
    void endRemoving(Path dir) throws IOException {
        for (String map : PINNED) {
            Files.delete(dir.resolve(map));
        }
        Files.delete(dir);
        close();
    }

    int mapFd(String map) {
        return samples.object().mapFd(map);
    }

    int ringId() {
        return MapInfo.of(mapFd(ProbeLayout.RING)).id();
    }

    SampleWorkload.Result produce(long type, int count) {
        return samples.produce(type, count, SampleWorkload.Mode.SYNTHETIC, 1_000);
    }

    SampleWorkload workload() {
        return samples;
    }

    @Override
    public void close() {
        samples.close();
    }
}
