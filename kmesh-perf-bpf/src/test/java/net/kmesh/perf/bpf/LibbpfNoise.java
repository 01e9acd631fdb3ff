package net.kmesh.perf.bpf;

import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.bpf.libbpf.BpfObject;

/** Makes libbpf complain (an object that is not ELF), for a test that watches stderr. */
public final class LibbpfNoise {
    private LibbpfNoise() {
    }

    public static void main(String[] args) {
        try {
            BpfObject.openBytes("this is not an ELF object".getBytes(), "noise").close();
            System.out.println("unexpectedly opened");
        } catch (PerfMonitorException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }
}
